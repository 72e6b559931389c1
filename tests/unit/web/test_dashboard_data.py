"""The dashboard's pure view model: periods for the picker, rank change, activity and tiles."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import polars as pl

from dashboard_testing import result, unit
from kaoping.engine.result import Excluded, GroupResult, PeriodResult
from kaoping.facts import Facts
from kaoping.facts.columns import SCHEMAS
from kaoping.periods import PeriodKind, month, quarter, year_period
from kaoping.web import dashboard_data as dd


def facts(**frames: pl.DataFrame) -> Facts:
    parts = {name: frames.get(name, pl.DataFrame(schema=SCHEMAS[name])) for name in SCHEMAS}
    return Facts(**parts, labels={})


def test_rank_changes_up_down_same_new() -> None:
    before = result(unit("a", 1, "90"), unit("b", 2, "80"), unit("c", 3, "70"))
    now = result(unit("b", 1, "95"), unit("a", 2, "85"), unit("c", 3, "70"), unit("d", 4, "60"))
    changes = dd.rank_changes(now, before)
    assert {k: v.symbol for k, v in changes.items()} == {"b": "↑1", "a": "↓1", "c": "—", "d": "新"}
    assert changes["b"] == dd.Change("up", 1) and changes["a"] == dd.Change("down", -1)


def test_rank_change_needs_a_previous_period_with_data() -> None:
    now = result(unit("a", 1, "90"))
    assert dd.rank_changes(now, None) == {}
    assert dd.rank_changes(now, result(unit("a", 2, "30"), evaluated=False)) == {}


def test_a_unit_unrated_before_or_in_another_group_is_new() -> None:
    before = PeriodResult(
        "s", "2024-04", [GroupResult("A", [unit("a", 1, "9")], [unit("b", 0, "0", rated=False)])], evaluated=True
    )
    now = PeriodResult("s", "2024-05", [GroupResult("B", [unit("a", 1, "9", group="B")]), GroupResult("A", [])])
    now.groups[1].ranking.append(unit("b", 1, "8"))
    assert {k: v.kind for k, v in dd.rank_changes(now, before).items()} == {"a": "new", "b": "new"}


def test_periods_for_picker_and_trend() -> None:
    year = [2024 * 12 + m for m in range(12)]
    assert dd.period_options(year, PeriodKind.QUARTER) == ["2024-Q4", "2024-Q3", "2024-Q2", "2024-Q1"]
    assert dd.period_options([2024 * 12 + 4, 2023 * 12], PeriodKind.YEAR) == ["2024", "2023"]
    # a period without a month of data is not offered (issue 12.3): May 2024 opens Q2 only
    assert dd.period_options([2024 * 12 + 4], PeriodKind.QUARTER) == ["2024-Q2"]
    assert dd.period_options([], PeriodKind.MONTH) == []
    assert dd.convert_period(quarter(2024, 2), PeriodKind.MONTH) == month(2024, 6)
    assert dd.convert_period(month(2024, 5), PeriodKind.YEAR) == year_period(2024)
    assert dd.latest_period([2024 * 12 + 4, 2023 * 12], PeriodKind.QUARTER) == quarter(2024, 2)
    assert dd.latest_period([], PeriodKind.MONTH) is None


def test_activity_and_kpis() -> None:
    ded = pl.DataFrame(
        {
            "date": [date(2024, 5, 1), date(2024, 5, 31), date(2024, 6, 1), date(2024, 5, 20)],
            "unit_id": ["u1", "u1", "u2", "u2"],
            "points": [1.5, 2.0, 9.0, 250.0],
            "_row": [1, 2, 3, 4],
        }
    )
    ded = ded.with_columns(
        [pl.lit(None, dtype=dtype).alias(name) for name, dtype in SCHEMAS["deductions"].items() if name not in ded]
    ).select(list(SCHEMAS["deductions"]))
    t = datetime
    cases = pl.DataFrame(
        {
            "unit_id": ["u2", "u2"],
            "dispatched_at": [t(2024, 5, 2, 8), t(2024, 5, 3, 8)],
            "deadline": [t(2024, 5, 3, 8), t(2024, 5, 4, 8)],
            "disposed_at": [t(2024, 5, 3, 7), t(2024, 5, 9, 8)],
            "closed_at": [None, None],
            "rework_count": [0, 0],
            "verify_failed": [0, 0],
            "postponed": [0, 0],
            "_row": [1, 2],
        },
        schema_overrides={"closed_at": pl.Datetime("us")},
    )
    scored = result(unit("u1", 1, "10"), unit("u2", 2, "5"))
    # row 4 (250 points at 23:45) was left out by the score: it is not counted here either
    scored.excluded = [Excluded("deductions.csv", 4, "u2", "outside the window"), Excluded("scores.csv", 1, "u1", "")]
    both = facts(deductions=ded, cases=cases)
    assert dd.excluded_rows(both, scored) == [4]
    acts = dd.activity(both, month(2024, 5), scored)
    assert acts == {"u1": dd.Activity(deductions=2, points=3.5), "u2": dd.Activity(cases=2, on_time=1)}
    counted_all = dd.activity(both, month(2024, 5), result())
    assert counted_all["u2"] == dd.Activity(deductions=1, points=250.0, cases=2, on_time=1)
    k = dd.kpis(scored, acts, has_cases=True, excluded=1)
    assert k.excluded == 1
    assert (k.units, k.mean_total, k.deductions, k.deduction_points, k.cases, k.on_time_rate) == (
        2,
        Decimal("7.5"),
        2,
        3.5,
        2,
        50.0,
    )
    empty = dd.kpis(result(), {}, has_cases=False)
    assert empty.mean_total is None and empty.on_time_rate is None


def test_change_symbols() -> None:
    assert dd.Change("same").symbol == "—" and dd.Change("down", -3).symbol == "↓3"
