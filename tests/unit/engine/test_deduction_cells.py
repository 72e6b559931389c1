"""Deduction cells (:mod:`kaoping.engine.deduction_cells`) rank what the deduction rows rank: for arbitrary
rows of the demo city's 扣分制 part — an alias for the part, an item that repeats the part's name, times
missing, on a window's edge, a second past it, at midnight, in months of either window, points piling past
the item cap — every month, quarter and year evaluated from cells (with only the excluded rows kept as
rows) equals the evaluation from the rows: parts, totals, ranks, the excluded list and the count lines."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from examples_testing import EXAMPLES
from kaoping.app.scoring import read_data
from kaoping.engine.aggregate import cited_deductions
from kaoping.engine.deduction_cells import NO_CLOCK, clock_class, deduction_cells
from kaoping.engine.evaluate import direct_units, evaluate
from kaoping.engine.phrases import Msg
from kaoping.engine.result import Line, PeriodResult, UnitResult
from kaoping.engine.windows import outside_windows
from kaoping.facts import Facts, facts_from_frames
from kaoping.periods import Period, parse_period
from kaoping.scheme import load_scheme

SCHEME = load_scheme("demo-city")
BASE = read_data(SCHEME, EXAMPLES / "demo-city")
UNITS = BASE.units.get_column("unit_id").to_list()
PERIODS = ["2024-01", "2024-03", "2024-04", "2024-09", "2024-10", "2024-12", "2024-Q1", "2024-Q2", "2024-Q4", "2024"]
# the windows' edges (07:00, 07:30, 20:00, 21:00) and their neighbours are where a class can go wrong
EDGES = [time(7, 0), time(7, 30), time(20, 0), time(21, 0), time(6, 59, 59), time(21, 0, 1), time(20, 0, 0, 1)]
times = st.one_of(
    st.none(),
    st.sampled_from(EDGES),
    st.builds(time, st.integers(0, 23), st.integers(0, 59), st.sampled_from([0, 0, 1, 59])),
)


@st.composite
def deduction(draw: st.DrawFn) -> dict[str, Any]:
    part = draw(st.sampled_from(["日常巡查", "日常巡查", "市容巡查"]))  # 市容巡查: not a part of the scheme
    return {
        "date": date(2024, draw(st.integers(1, 12)), draw(st.integers(1, 28))),
        "unit_id": draw(st.sampled_from(UNITS)),
        "part": part,
        "item": draw(st.sampled_from(["市容秩序", "环境卫生", "园林绿化", part])),
        "points": draw(st.sampled_from([0.5, 1, 2, 7.25, 12, 30])),
        "time": draw(times),
    }


def _both(rows: list[dict[str, Any]]) -> tuple[Facts, Facts]:
    frames = {n: getattr(BASE, n) for n in ("units", "scores", "honors", "notices")}
    by_rows = facts_from_frames(**frames, deductions=pl.DataFrame(rows) if rows else BASE.deductions.clear())
    excluded = by_rows.deductions.filter(outside_windows(SCHEME.inspection_windows))
    return by_rows, replace(by_rows, deductions=excluded, deduction_cells=deduction_cells(by_rows.deductions))


def _shown(result: PeriodResult) -> list[object]:
    units = [
        (u.unit_id, u.rank, u.total, sorted(u.parts.items()), [(ln.key, ln.points, ln.params) for ln in u.lines])
        for g in result.groups
        for u in [*g.ranking, *g.unrated]
    ]
    return [result.evaluated, units, [(e.row, e.unit_id, e.reason) for e in result.excluded]]


@settings(max_examples=40, deadline=None)
@given(st.lists(deduction(), max_size=30))
def test_cells_rank_what_the_rows_rank(rows: list[dict[str, Any]]) -> None:
    by_rows, by_cells = _both(rows)
    for text in PERIODS:
        period = parse_period(text)
        assert _shown(evaluate(SCHEME, by_cells, period)) == _shown(evaluate(SCHEME, by_rows, period)), text


def _cited(facts: Facts, result: PeriodResult) -> list[tuple[str, list[Line]]]:
    """Each unit's lines, the deduction lines' rows filled in from ``facts``' rows as a page fills them in
    for a result from cells (:func:`~kaoping.app.results.unit_lines`)."""
    out = []
    for u in result.units():
        lines = []
        for ln in u.lines:
            if ln.key == Msg.DEDUCTION_ITEM and not ln.rows:
                inner = parse_period(ln.periods[-1] if ln.periods else result.period)
                rows = cited_deductions(SCHEME, facts.deductions, inner).get((ln.part, u.unit_id, ln.params["item"]))
                ln = replace(ln, rows=rows or ())
            lines.append(ln)
        out.append((u.unit_id, lines))
    return out


def _kept_units(facts: Facts) -> Any:
    """A caller's kept direct units (computed once per period, fresh copies each time), as the pages keep them."""
    kept: dict[str, list[UnitResult]] = {}

    def given(period: Period) -> list[UnitResult]:
        if str(period) not in kept:
            kept[str(period)] = direct_units(SCHEME, facts, period)
        units = kept[str(period)]
        return [replace(u, lines=list(u.lines), parts=dict(u.parts), bonus_detail=dict(u.bonus_detail)) for u in units]

    return given


@settings(max_examples=25, deadline=None)
@given(st.lists(deduction(), max_size=30))
def test_cells_cite_the_rows_and_kept_units_rank_the_same(rows: list[dict[str, Any]]) -> None:
    """The rows a page fills into a result from cells are the rows the engine cites from rows (every line of
    every unit, in order), and a period ranked from kept direct units — the same units twice, across the
    periods of a year — is the period computed afresh."""
    by_rows, by_cells = _both(rows)
    units = _kept_units(by_cells)
    for text in PERIODS:
        period = parse_period(text)
        from_rows = evaluate(SCHEME, by_rows, period)
        assert _cited(by_rows, evaluate(SCHEME, by_cells, period)) == _cited(by_rows, from_rows), text
        kept = evaluate(SCHEME, by_cells, period, direct=units)
        assert _shown(kept) == _shown(from_rows), text
        assert _shown(evaluate(SCHEME, by_cells, period, direct=units)) == _shown(kept), text  # kept units reused


def test_clock_classes_by_hand() -> None:
    frame = pl.DataFrame({"time": [None, time(0, 0), time(7, 0), time(7, 0, 1), time(21, 0), time(23, 59, 59)]})
    got = frame.select(clock_class()).to_series().to_list()
    assert got == [NO_CLOCK, 0, 840, 841, 2520, 2879]  # 7:00 = minute 420, 21:00 = 1260, 23:59 = 1439


def test_a_cell_adds_the_rows_of_its_key() -> None:
    rows = pl.DataFrame(
        {
            "date": [date(2024, 5, 1), date(2024, 5, 31), date(2024, 6, 1)],
            "unit_id": ["dh"] * 3,
            "part": ["日常巡查"] * 3,
            "item": ["市容秩序"] * 3,
            "points": [1.5, 0.25, 2.0],
            "time": [time(9, 0), time(9, 0), None],
        }
    )
    cells = deduction_cells(rows)
    may, june = 2024 * 12 + 4, 2024 * 12 + 5
    assert cells.select("month", "clock", "points", "n").rows() == [(may, 1080, 1_750_000, 2), (june, -1, 2_000_000, 1)]
