"""Results the pages keep equal a full recompute, whatever is written (issue 13, point 2), on SQLite and
PostgreSQL: random sequences of deductions and honors across three years go into the demo city's store, and
after each write the pages' kept result of every touched month, quarter and year — ranked from the kept
case and deduction cells, months from kept units, quarters and years combined from kept months, cached under
each period's data version — is the document a full recompute from every fact in the store gives, the
written unit's explanation cites the rows a full recompute cites (line by line), and a month before the write
keeps its result untouched."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kaoping.app.publish import document_bytes
from kaoping.app.results import scored, unit_lines
from kaoping.app.scoring import score_facts
from kaoping.facts import facts_from_frames
from kaoping.facts.snapshot import scope_bounds, year_window
from kaoping.output.document import result_document
from kaoping.periods import PeriodKind, parse_period, period_of
from kaoping.scheme import load_scheme
from kaoping.store.audit import AuditWriter
from kaoping.store.db import transaction
from kaoping.store.facts import load_facts, write_facts
from kaoping.store.tables import CaseRow
from store_testing import example_store

SCHEME = load_scheme("demo-city")
UNITS = ["dh", "xl", "bt", "nq", "qs", "hk"]
FIRST = date(2023, 1, 1)

deduction = st.builds(
    lambda day, unit, points: (
        "deductions",
        {
            "date": FIRST + timedelta(days=day),
            "unit_id": unit,
            "part": "日常巡查",
            "item": "市容秩序",
            "points": points,
            "source": "督查员",
            "problem": f"p{day}-{unit}-{points}",
        },
    ),
    st.integers(0, 3 * 365 - 1),
    st.sampled_from(UNITS),
    st.sampled_from([0.5, 1.0, 2.0, 5.0]),
)
honor = st.builds(
    lambda day, unit: (
        "honors",
        {
            "date": FIRST + timedelta(days=day),
            "unit_id": unit,
            "kind": "award",
            "level": "provincial",
            "title": f"h{day}-{unit}",
        },
    ),
    st.integers(0, 3 * 365 - 1),
    st.sampled_from(UNITS),
)


def _case(day: int, hours: int, unit: str, key: int, closed_after: int | None, reworks: int) -> tuple[str, dict]:
    """A case (one of five keys, so later draws update earlier ones), closed some days later or open."""
    dispatched = datetime.combine(FIRST + timedelta(days=day), time(8)) + timedelta(hours=hours)
    closed = dispatched + timedelta(hours=closed_after) if closed_after is not None else None
    row = {
        "case_id": f"pt-{key}",
        "unit_id": unit,
        "kind": "event",
        "category": "暴露垃圾",
        "reported_at": dispatched - timedelta(hours=1),
        "dispatched_at": dispatched,
        "deadline": dispatched + timedelta(days=3),
        "disposed_at": closed,
        "closed_at": closed,
        "rework_count": reworks,
    }
    return ("cases", row)


case = st.builds(
    _case,
    st.integers(0, 3 * 365 - 1),
    st.integers(0, 15),
    st.sampled_from(UNITS),
    st.integers(1, 5),
    st.one_of(st.none(), st.integers(1, 24 * 40)),
    st.integers(0, 2),
)


@pytest.fixture
def store(db_url: str) -> sessionmaker[Session]:
    return example_store(db_url, "demo-city")


def write(factory: sessionmaker[Session], kind: str, row: dict[str, object]) -> None:
    frame = getattr(facts_from_frames(**{kind: pl.DataFrame([row])}), kind)
    with transaction(factory) as s:
        audit = AuditWriter(s, "录入员", reason="property test")
        write_facts(s, kind, frame, audit=audit)
        audit.flush()


def recomputed(s: Session, period: str) -> bytes:
    return document_bytes(result_document(SCHEME, score_facts(SCHEME, load_facts(s, SCHEME), period)))


def cited(s: Session, period: str, unit: str) -> tuple[list[object], list[object]]:
    """The unit's explanation as a page shows it (kept result, rows filled in for the unit) and as a full
    recompute from every row cites it: every line with its rows, in order."""
    full = score_facts(SCHEME, load_facts(s, SCHEME), period).unit(unit)
    assert full is not None
    return unit_lines(s, scored(s, SCHEME, period), unit), list(full.lines)


def stored_day(s: Session, row: dict[str, object]) -> date | None:
    """The day a case of the same id is dispatched on in the store (earlier examples share the store)."""
    if "case_id" not in row:
        return None
    stored = s.scalar(select(CaseRow.dispatched_at).where(CaseRow.case_id == row["case_id"]))
    return stored.date() if stored is not None else None


def kept(s: Session, period: str) -> bytes:
    return document_bytes(result_document(SCHEME, scored(s, SCHEME, period).result))


def test_the_year_window_holds_every_scope_of_its_periods() -> None:
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
        for month in range(1, 13):
            period = period_of(date(2024, month, 1), kind)
            lo, hi = scope_bounds(period)
            window = year_window(2024)
            assert window[0] <= lo and hi <= window[1], period


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writes=st.lists(st.one_of(deduction, honor, case), min_size=1, max_size=4))
def test_kept_results_equal_a_full_recompute(store: sessionmaker[Session], writes: list[tuple[str, dict]]) -> None:
    for kind, row in writes:
        with store() as s:  # read first, so the write below must invalidate what is kept
            day = row["date"] if kind != "cases" else row["dispatched_at"].date()  # type: ignore[attr-defined]
            assert isinstance(day, date)
            periods = [str(period_of(day, k)) for k in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)]
            before = {p: kept(s, p) for p in periods}
            first_day = min(day, stored_day(s, row) or day)  # a case written again leaves its stored day
            earlier = str(period_of(first_day - timedelta(days=40), PeriodKind.MONTH))  # before what the write touches
            untouched = scored(s, SCHEME, earlier)
        write(store, kind, row)
        with store() as s:
            for p in periods:
                assert kept(s, p) == recomputed(s, p), (kind, row, p)
                shown, full = cited(s, p, str(row["unit_id"]))  # the drill-down: each line's rows
                assert shown == full, (kind, row, p)
            # a month before the write cannot see it: its result is kept (the same object), and still right
            assert scored(s, SCHEME, earlier) is untouched
            assert kept(s, earlier) == recomputed(s, earlier)
            if kind == "cases":  # the period the case left, when it moved
                left = str(period_of(first_day, PeriodKind.MONTH))
                assert kept(s, left) == recomputed(s, left)
            other = str(parse_period(periods[-1]).shift(-3))
            assert kept(s, other) == recomputed(s, other)
        assert before  # the kept results were read before the write
