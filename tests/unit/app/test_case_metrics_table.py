"""The office's case metrics table, pure parts: a subtotal's rates are of its summed counts, and sorting keeps
the units without a case last in either direction."""

from __future__ import annotations

from decimal import Decimal

from kaoping.app.case_metrics import GROUP, NOT_ON_TIME, TOTAL, UNIT, MetricsRow, metric_values, sort_rows, subtotals
from kaoping.cases.metrics import COUNTS


def row(unit: str, group: str, due: int, closed: int, on_time: int) -> MetricsRow:
    counts = dict.fromkeys(COUNTS, 0) | {"应结案数": due, "结案数": closed, "按期处置数": on_time}
    return MetricsRow(unit, unit.upper(), group, metric_values(counts))


ROWS = [row("a", "城区", 4, 4, 3), row("b", "城区", 0, 0, 0), row("c", "街道", 1, 0, 0)]


def test_rates_of_a_unit_without_cases_are_none_and_not_on_time_is_derived() -> None:
    assert ROWS[1].values["结案率"] is None and ROWS[1].values["应结案数"] == 0
    assert ROWS[0].values[NOT_ON_TIME] == 1 and ROWS[0].values["结案率"] == 100


def test_subtotals_divide_summed_counts() -> None:
    """城区 4 of 4 closed, 街道 0 of 1: the total is 4 / 5 = 80 %, not the mean of 100 and 0."""
    lines = subtotals(ROWS)
    assert [line.name for line in lines] == ["城区", "街道", TOTAL]
    assert lines[-1].values["结案率"] == Decimal(80) and lines[-1].dispatched == 5
    assert [line.name for line in subtotals(ROWS[:2])] == [TOTAL]  # one group: no subtotal line


def test_sorting_keeps_units_without_a_value_last() -> None:
    assert [r.unit_id for r in sort_rows(ROWS, "结案率", descending=False)] == ["c", "a", "b"]
    assert [r.unit_id for r in sort_rows(ROWS, "结案率", descending=True)] == ["a", "c", "b"]
    assert [r.unit_id for r in sort_rows(ROWS, "应结案数", descending=True)] == ["a", "c", "b"]
    assert [r.unit_id for r in sort_rows(ROWS, GROUP, descending=True)] == ["c", "b", "a"]
    assert [r.unit_id for r in sort_rows(ROWS, UNIT, descending=False)] == ["a", "b", "c"]
