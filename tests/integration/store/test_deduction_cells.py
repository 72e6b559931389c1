"""Kept deduction cells and the month's ranking from them equal a full recompute, on SQLite and PostgreSQL
(issue 13, points 1 and 2): random sequences of writes — inserts through the application's write path,
updates and deletions through Core (no ORM, no audit, only the triggers see them), deletions through the write
path, times inside, outside and on the edge of the demo city's inspection windows — and after each sequence
the kept cells equal a recount of every row, and every touched month ranked from kept cells (cases,
deductions, scores) — and right after each write the quarter and the year holding it, which the pages combine
from kept months — equals the engine run on every row of the store: parts, totals, ranks, excluded rows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from kaoping.app.facts import delete_row, one_row, write_row
from kaoping.app.kept_ranking import month_ranking, why_not_cells
from kaoping.app.results import scored
from kaoping.engine.evaluate import evaluate
from kaoping.engine.result import PeriodResult
from kaoping.facts.snapshot import year_window
from kaoping.periods import PeriodKind, parse_period, period_of
from kaoping.scheme import load_scheme
from kaoping.store import deduction_cells
from kaoping.store.cell_tables import DeductionCell
from kaoping.store.db import transaction
from kaoping.store.facts import load_facts
from kaoping.store.tables import CaseRow, DeductionRow
from store_testing import example_store

SCHEME = load_scheme("demo-city")
TABLE: Table = DeductionRow.__table__  # type: ignore[assignment]  # Core writes: no ORM, no audit
DeductionCellTable: Table = DeductionCell.__table__  # type: ignore[assignment]
UNITS = ["dh", "xl", "bt", "nq"]
times = st.one_of(
    st.none(),
    st.sampled_from([time(7, 0), time(7, 30), time(20, 0), time(21, 0), time(21, 0, 1), time(6, 59, 59)]),
    st.builds(time, st.integers(0, 23), st.integers(0, 59)),
)
writes = st.one_of(
    st.tuples(
        st.just("insert"),
        st.builds(date, st.just(2024), st.integers(1, 12), st.integers(1, 28)),
        st.sampled_from(UNITS),
        st.sampled_from(["市容秩序", "环境卫生", "违法建设"]),
        st.sampled_from([0.5, 2, 12.5, 31]),
        times,
    ),
    st.tuples(st.just("update"), st.integers(0, 10**6), st.sampled_from([0.25, 3, 40]), times),
    st.tuples(st.just("move"), st.integers(0, 10**6), st.builds(date, st.just(2024), st.integers(1, 12), st.just(15))),
    st.tuples(st.sampled_from(["delete", "delete_sql"]), st.integers(0, 10**6)),
    st.tuples(st.just("case"), st.integers(1, 12), st.sampled_from(UNITS), st.integers(0, 10**9)),
)


@pytest.fixture
def store(db_url: str) -> sessionmaker[Session]:
    return example_store(db_url, "demo-city")


def _pick(s: Session, n: int) -> int | None:
    ids = s.scalars(select(DeductionRow.id).order_by(DeductionRow.id)).all()
    return ids[n % len(ids)] if ids else None


def _apply(s: Session, write: tuple[Any, ...]) -> date | None:
    """One write; the month it (also) touched, when it says."""
    match write:
        case ("insert", day, unit, item, points, at):
            values = {"date": day, "unit_id": unit, "part": "日常巡查", "item": item, "points": points, "time": at}
            values |= {"source": "督查员", "problem": f"p{s.scalar(select(DeductionRow.id).limit(1))}-{points}"}
            write_row(s, "deductions", one_row("deductions", values), actor="hyp", reason="随机写入")
            return day
        case ("update", n, points, at):
            if (row := _pick(s, n)) is not None:
                s.execute(update(TABLE).where(TABLE.c.id == row).values(points=Decimal(str(points)), time=at))
        case ("move", n, day):
            if (row := _pick(s, n)) is not None:
                s.execute(update(TABLE).where(TABLE.c.id == row).values(date=day))
                return day
        case ("delete", n):
            if (row := _pick(s, n)) is not None:
                delete_row(s, "deductions", row, actor="hyp", reason="随机删除")
        case ("case", month, unit, n):  # a case through Core, like the demo's loader: the case cells follow
            at, key = datetime(2024, month, 10, 9), f"h{s.scalar(select(func.max(CaseRow.id)))}"
            row = {"case_id": key, "unit_id": unit, "kind": "event", "category": "暴露垃圾", "reported_at": at}
            row |= {"dispatched_at": at, "deadline": at + timedelta(days=1), "disposed_at": at + timedelta(days=n % 3)}
            row |= {"closed_at": None, "rework_count": n % 2, "verify_failed": 0, "postponed": 0}
            s.execute(insert(CaseRow), [row | {"nkey": key, "src_row": 0}])
            return at.date()
        case ("delete_sql", n):
            if (row := _pick(s, n)) is not None:
                s.execute(delete(TABLE).where(TABLE.c.id == row))
    return None


def _shown(result: PeriodResult) -> list[object]:
    units = [
        (u.unit_id, u.rank, u.total, sorted(u.parts.items()), [(ln.key, ln.points, ln.params) for ln in u.lines])
        for g in result.groups
        for u in [*g.ranking, *g.unrated]
    ]
    return [result.evaluated, units, sorted((e.row, e.unit_id, e.reason) for e in result.excluded)]


def _full(s: Session, month: str) -> PeriodResult:
    return evaluate(SCHEME, load_facts(s, SCHEME, within=year_window(2024)), parse_period(month))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(writes, min_size=1, max_size=6))
def test_kept_cells_and_ranking_equal_a_full_recompute(store: sessionmaker[Session], batch: list[Any]) -> None:
    months = [f"2024-{m:02d}" for m in range(1, 13)]
    with store() as s:  # every month ranked before the writes, as a running server keeps them (a reader commits)
        for month in months:
            month_ranking(s, SCHEME, month)
    touched = {"2024-01", "2024-07"}
    for write in batch:
        with transaction(store) as s:
            day = _apply(s, write)
        if day is not None:  # ranked right after the write: the kept units of the month followed one write
            touched.add(month := f"{day.year}-{day.month:02d}")
            with store() as s:
                assert _shown(month_ranking(s, SCHEME, month)) == _shown(_full(s, month)), month
                for wider in (str(period_of(day, PeriodKind.QUARTER)), str(day.year)):  # combined from kept months
                    assert _shown(scored(s, SCHEME, wider).result) == _shown(_full(s, wider)), wider
    with store() as s:
        assert deduction_cells.differing_cells(s).is_empty()
        assert deduction_cells.stale_pairs(s) == 0
        for month in sorted(touched):
            assert _shown(month_ranking(s, SCHEME, month)) == _shown(_full(s, month)), month


def test_a_windowed_deduction_is_listed_and_not_counted(store: sessionmaker[Session]) -> None:
    """By hand: dh's January has 2 + 1.5 points of 日常巡查 in the example; a 5-point row at 20:00:30 lies
    outside January's 07:30–20:00 window, so dh keeps 100 − 3.5 = 96.5 and the row is listed as excluded."""
    with store() as s:
        before = month_ranking(s, SCHEME, "2024-01").unit("dh")
        assert before is not None and before.parts["日常巡查"] == 100 - 3.5
    with transaction(store) as s:
        values = {"date": date(2024, 1, 20), "unit_id": "dh", "part": "日常巡查", "item": "市容秩序", "points": 5}
        row = one_row("deductions", values | {"time": time(20, 0, 30), "source": "督查员", "problem": "夜查"})
        stored = write_row(s, "deductions", row, actor="t", reason="夜查").row
    with store() as s:
        after = month_ranking(s, SCHEME, "2024-01")
        dh = after.unit("dh")
        assert dh is not None and dh.parts["日常巡查"] == 100 - 3.5
        assert [e.row for e in after.excluded if e.unit_id == "dh"][-1] == stored.id


def test_a_scheme_with_a_standard_takes_the_full_path(
    store: sessionmaker[Session], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """nansha's standards catalogue checks each deduction row when scored: the cells cannot, so its months
    are ranked through the full path (rows) — and equal the pages' ``scored``.  A quarter of a scheme
    without a catalogue is ranked from kept cells too, and equals the engine on every row."""

    def no_cells(*_: object) -> None:
        raise AssertionError("the kept cells were read")

    with monkeypatch.context() as patched:
        patched.setattr("kaoping.app.kept_results._follow", no_cells)  # the full path, or this fails
        nansha = load_scheme("nansha")
        assert why_not_cells(nansha) is not None and why_not_cells(SCHEME) is None
        factory = example_store(db_url, "nansha")
        with factory() as s:
            assert _shown(month_ranking(s, nansha, "2024-01")) == _shown(scored(s, nansha, "2024-01").result)
    with store() as s:  # a quarter: from the kept cells, the same as the pages' and as every row's
        assert _shown(month_ranking(s, SCHEME, "2024-Q1")) == _shown(scored(s, SCHEME, "2024-Q1").result)
        assert _shown(month_ranking(s, SCHEME, "2024-Q1")) == _shown(_full(s, "2024-Q1"))


def test_verify_cells_recounts_deductions_and_catches_an_edited_cell(store: sessionmaker[Session], db_url: str) -> None:
    from typer.testing import CliRunner

    from kaoping.cli import app

    runner = CliRunner()
    with transaction(store) as s:
        assert deduction_cells.bring_up_to_date(s) > 0  # the example's deductions, marked by the triggers
    ok = runner.invoke(app, ["verify", "--cells", "--db", db_url])
    assert ok.exit_code == 0, ok.output
    assert "扣分汇总格与逐条重算一致" in ok.output
    with transaction(store) as s:  # a cell changed behind the application's back (no trigger guards cells)
        s.execute(update(DeductionCellTable).values(points=DeductionCellTable.c.points + 1))
    bad = runner.invoke(app, ["verify", "--cells", "--db", db_url])
    assert bad.exit_code == 1
    assert "扣分汇总格与逐条重算不一致" in bad.output and "保存" in bad.output


def test_an_import_leaves_the_deduction_cells_added_up(db_url: str) -> None:
    from kaoping.store.db import close_store
    from store_testing import imported_demo_city

    factory = imported_demo_city(db_url)
    try:
        with factory() as s:
            assert deduction_cells.stale_pairs(s) == 0  # added up in the import's own transaction
            assert deduction_cells.differing_cells(s).is_empty()
    finally:
        close_store(factory)
