"""Case cells (:mod:`kaoping.cases.cells`) count what the case rows count: for arbitrary cases — times
missing, closed before dispatch, on the last microsecond of a month, at a month's first instant — and any
month, quarter or year, the counts and failed verifications from cells equal those from the rows."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.cases.cells import FAILED, any_dispatched, case_cells, cell_changes, cell_counts, cell_failures
from kaoping.cases.metrics import COUNTS, case_counts, failed_verifications
from kaoping.facts import facts_from_frames
from kaoping.periods import parse_period

START = datetime(2023, 12, 1)
# month boundaries are where "before the period ended" can go wrong: draw them often
EDGES = [datetime(2024, m, 1) for m in range(1, 13)] + [datetime(2025, 1, 1)]

moments = st.one_of(
    st.integers(0, 60 * 24 * 420).map(lambda m: START + timedelta(minutes=m)),
    st.sampled_from(EDGES),
    st.sampled_from(EDGES).map(lambda t: t - timedelta(microseconds=1)),
)
maybe_moment = st.one_of(st.none(), moments)
PERIODS = [f"2024-{m:02d}" for m in range(1, 13)] + [f"2024-Q{q}" for q in range(1, 5)] + ["2024", "2023-12"]


@st.composite
def later(draw: st.DrawFn, after: datetime | None) -> datetime | None:
    """A time some days after ``after`` (often in the next month), at a month boundary, or missing."""
    if after is None or draw(st.integers(0, 9)) == 0:
        return draw(maybe_moment)
    return after + timedelta(minutes=draw(st.integers(-60 * 24, 60 * 24 * 50)))


@st.composite
def case_row(draw: st.DrawFn) -> dict[str, Any]:
    dispatched = draw(moments) if draw(st.integers(0, 9)) else None
    disposed = draw(later(dispatched))
    return {
        "case_id": f"c{draw(st.integers(0, 10**9))}",
        "unit_id": draw(st.sampled_from(["u1", "u2", "u3"])),
        "kind": "event",
        "category": "x",
        "reported_at": draw(moments),
        "dispatched_at": dispatched,
        "deadline": draw(later(dispatched)),
        "disposed_at": disposed,
        "closed_at": draw(later(disposed)),
        "rework_count": draw(st.integers(0, 3)),
        "verify_failed": draw(st.integers(0, 3)),
        "postponed": draw(st.integers(0, 1)),
        # 12345 work orders (工单): their counts are kept in cells like the others
        "channel": draw(st.sampled_from(["", "12345", "12345热线", "网格"])),
        "satisfaction": draw(st.sampled_from(["", "satisfied", "basic", "unsatisfied"])),
        "repeat_of": draw(st.sampled_from(["", "c1"])),
    }


def _cases(rows: list[dict[str, Any]]) -> pl.DataFrame:
    if not rows:
        return facts_from_frames().cases
    times = {c: pl.Datetime("us") for c in ("dispatched_at", "deadline", "disposed_at", "closed_at")}
    return facts_from_frames(cases=pl.DataFrame(rows, schema_overrides=times)).cases


def _plain(frame: pl.DataFrame, names: list[str]) -> list[tuple[Any, ...]]:
    return sorted(frame.select("unit_id", *[pl.col(n).cast(pl.Int64) for n in names]).rows())


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(case_row(), min_size=1, max_size=40), st.sampled_from(PERIODS))
def test_cells_count_what_rows_count(rows: list[dict[str, Any]], text: str) -> None:
    cases = _cases(rows)
    period = parse_period(text)
    cells = case_cells(cases)
    assert _plain(cell_counts(cells, period), list(COUNTS)) == _plain(case_counts(cases, period), list(COUNTS))
    assert _plain(cell_failures(cells, period), ["n"]) == _plain(failed_verifications(cases, period), ["n"])
    dispatched = cases.filter(period.holds(pl.col("dispatched_at").dt.date()))
    assert any_dispatched(cells, period) == (not dispatched.is_empty())


def test_a_case_closed_on_the_first_instant_of_the_next_month_is_not_closed_in_the_month() -> None:
    """Worked by hand: dispatched 2024-03-10, disposed and closed 2024-04-01 00:00, the deadline → March:
    应结案数 1, 结案数 0 and 按期处置数 0 (not *before* the end), 返工数 1; the year: 结案数 1, 按期结案数 1
    (closed at the deadline counts as on time); Q2 does not hold the case (dispatched in March)."""
    row = {
        "case_id": "a",
        "unit_id": "u1",
        "kind": "event",
        "category": "x",
        "reported_at": datetime(2024, 3, 10),
        "dispatched_at": datetime(2024, 3, 10),
        "deadline": datetime(2024, 4, 1),
        "disposed_at": datetime(2024, 4, 1),
        "closed_at": datetime(2024, 4, 1),
        "rework_count": 1,
        "verify_failed": 0,
        "postponed": 0,
    }
    cells = case_cells(_cases([row]))
    march = cell_counts(cells, parse_period("2024-03")).row(0, named=True)
    assert (march["应结案数"], march["结案数"], march["按期处置数"], march["返工数"]) == (1, 0, 0, 1)
    year = cell_counts(cells, parse_period("2024")).row(0, named=True)
    assert (year["结案数"], year["按期结案数"]) == (1, 1)
    assert cell_counts(cells, parse_period("2024-Q2")).is_empty()
    # the failure counts where the case was closed: April
    assert cell_failures(cells, parse_period("2024-04")).rows() == [("u1", 1, [])]
    assert set(cells.get_column("measure")) >= {FAILED, "应结案数"}


KEY = ["unit_id", "month", "measure", "settle"]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.lists(case_row(), min_size=0, max_size=20),
    st.lists(st.tuples(st.booleans(), st.one_of(st.none(), case_row())), min_size=1, max_size=6),
)
def test_the_cells_of_a_write_are_the_old_cells_plus_its_changes(
    kept: list[dict[str, Any]], writes: list[tuple[bool, dict[str, Any] | None]]
) -> None:
    """Rows replaced (True: an existing row taken away first), added or taken away: the cells of the rows
    after equal the cells of the rows before plus :func:`cell_changes` of just the rows written."""
    before_rows = list(kept)
    gone: list[dict[str, Any]] = []
    new: list[dict[str, Any]] = []
    rows = list(kept)
    for replace, row in writes:
        if replace and rows:
            gone.append(rows.pop(0))
        if row is not None:
            new.append(row)
            rows.append(row)
    changes = cell_changes(_cases(gone), _cases(new))
    old = case_cells(_cases(before_rows)).rename({"value": "old"})
    added = changes.rename({"value": "change"})
    both = old.join(added, on=KEY, how="full", coalesce=True).fill_null(0)
    summed = both.select(*KEY, value=pl.col("old") + pl.col("change")).filter(pl.col("value") != 0)
    expected = case_cells(_cases(rows))
    assert summed.sort(KEY).select(expected.columns).equals(expected.sort(KEY).cast(dict(summed.schema)))
    assert changes.filter(pl.col("value") == 0).is_empty()
