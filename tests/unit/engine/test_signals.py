"""督查信号, worked by hand: each signal with data just over its threshold (raised) and just under (not).

Defaults: 核查集中 ≥ 90 % by one person over ≥ 10 rows; 上报骤降 below 50 % of the mean of the 3 months
before, those holding ≥ 15 rows; 窗口边缘集中 ≥ 50 % of a person's deductions in the window's last 60
minutes or on the month's last day, over ≥ 10 deductions.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from kaoping.engine.signals import (
    Entry,
    EntryKind,
    SignalKind,
    Thresholds,
    at_edge,
    concentrated,
    dropped,
    edge,
    months_before,
    percent,
    signals,
)
from kaoping.scheme.model import InspectionWindow

D, V, C = EntryKind.DEDUCTION, EntryKind.VERIFICATION, EntryKind.CASE
WINDOW = [InspectionWindow(months=[4, 5, 6, 7, 8, 9], start="7:00", end="22:00")]


def _rows(n: int, *, kind: EntryKind = D, unit: str = "d1", actor: str = "a", day: date = date(2024, 5, 10),
          clock: time | None = None, first: int = 1) -> list[Entry]:  # fmt: skip
    return [Entry(kind, first + i, unit, actor, day, clock, photos=(100 + first + i,)) for i in range(n)]


def test_concentrated_nine_of_ten_by_one_person_is_raised() -> None:
    rows = _rows(9, actor="insp1") + _rows(1, actor="insp2", first=10)
    [signal] = concentrated(rows, "2024-05")
    assert (signal.kind, signal.unit_id, signal.actor, signal.entry_kind) == (SignalKind.CONCENTRATED, "d1", "insp1", D)
    assert signal.params["rows"] == "10" and signal.params["count"] == "9" and signal.params["pct"] == "90%"
    assert [r.row_id for r in signal.rows] == list(range(1, 10))  # insp1's rows, linked
    assert signal.photos == tuple(range(101, 110))
    assert "d1 在 2024-05 的扣分记录共 10 条，其中 9 条由 insp1 录入（90%）" in signal.explanation
    assert "≥ 90%" in signal.explanation and "不少于 10 条" in signal.explanation


def test_concentrated_not_raised_below_the_share_or_the_row_count() -> None:
    eight_of_ten = _rows(8, actor="insp1") + _rows(2, actor="insp2", first=9)
    assert concentrated(eight_of_ten, "2024-05") == []
    nine_all_one = _rows(9, actor="insp1")  # 100 % but 9 rows < 10
    assert concentrated(nine_all_one, "2024-05") == []
    other_month = _rows(10, actor="insp1", day=date(2024, 6, 1))
    assert concentrated(other_month, "2024-05") == []
    assert len(concentrated(nine_all_one, "2024-05", Thresholds(concentrated_min_rows=9))) == 1


def test_concentrated_counts_verifications_apart_from_deductions_and_ignores_reports() -> None:
    rows = _rows(10, kind=V, actor="v1") + _rows(10, kind=D, actor="x", first=20)
    rows += _rows(5, kind=D, actor="y", first=40) + _rows(30, kind=C, actor="", first=60)
    [signal] = concentrated(rows, "2024-05")
    assert signal.entry_kind is V and signal.actor == "v1" and "案件核查共 10 条" in signal.explanation


def test_drop_below_half_of_the_mean_of_three_months_is_raised() -> None:
    # 6 + 5 + 7 = 18 before (≥ 15), mean 6; 2 < 3 (half the mean) → raised
    rows = _rows(6, day=date(2024, 2, 3)) + _rows(5, day=date(2024, 3, 3), first=10)
    rows += _rows(7, day=date(2024, 4, 3), first=20) + _rows(2, day=date(2024, 5, 3), first=30)
    [signal] = dropped(rows, "2024-05")
    assert (signal.kind, signal.unit_id, signal.actor) == (SignalKind.DROP, "d1", None)
    assert signal.params["rows"] == "2" and signal.params["before"] == "18" and signal.params["mean"] == "6.00"
    assert signal.params["limit"] == "3.00" and signal.params["history"] == "2024-02：6、2024-03：5、2024-04：7"
    assert [r.row_id for r in signal.rows] == [30, 31]


def test_drop_not_raised_at_half_the_mean_or_with_little_history() -> None:
    before = _rows(6, day=date(2024, 2, 3)) + _rows(5, day=date(2024, 3, 3), first=10)
    before += _rows(7, day=date(2024, 4, 3), first=20)
    assert dropped(before + _rows(3, day=date(2024, 5, 3), first=30), "2024-05") == []  # 3 = half of 6
    little = _rows(4, day=date(2024, 2, 3)) + _rows(5, day=date(2024, 3, 3), first=10)
    little += _rows(5, day=date(2024, 4, 3), first=20)  # 14 < 15 rows before
    assert dropped(little, "2024-05") == []
    # a month with no rows at all still falls: months without rows count as zero
    [signal] = dropped(before, "2024-05")
    assert signal.params["rows"] == "0" and signal.rows == ()


def test_drop_is_per_unit_and_kind_and_ignores_verifications() -> None:
    rows = _rows(18, kind=C, day=date(2024, 3, 3)) + _rows(18, kind=V, unit="d2", day=date(2024, 3, 3), first=50)
    rows += _rows(9, kind=C, day=date(2024, 5, 3), first=100)  # mean 6, 9 ≥ 3
    rows += _rows(18, unit="d3", day=date(2024, 4, 3), first=200)
    [signal] = dropped(rows, "2024-05")
    assert (signal.unit_id, signal.entry_kind) == ("d3", D)


def test_at_edge_last_hour_of_the_window_or_the_last_day() -> None:
    def one(day: date, clock: time | None) -> Entry:
        return Entry(D, 1, "d1", "a", day, clock)

    assert at_edge(one(date(2024, 5, 10), time(21, 0)), WINDOW, 60)
    assert at_edge(one(date(2024, 5, 10), time(22, 0)), WINDOW, 60)
    assert not at_edge(one(date(2024, 5, 10), time(20, 59)), WINDOW, 60)
    assert not at_edge(one(date(2024, 5, 10), time(22, 1)), WINDOW, 60)  # outside the window: not its edge
    assert not at_edge(one(date(2024, 5, 10), None), WINDOW, 60)
    assert at_edge(one(date(2024, 5, 31), None), WINDOW, 60)
    assert at_edge(one(date(2024, 2, 29), time(9, 0)), WINDOW, 60)  # a leap year's last day
    assert not at_edge(one(date(2024, 2, 28), time(9, 0)), WINDOW, 60)
    assert not at_edge(one(date(2024, 1, 10), time(21, 30)), WINDOW, 60)  # January: no window


def test_edge_half_of_ten_at_the_edge_is_raised() -> None:
    rows = _rows(3, clock=time(21, 15)) + _rows(2, day=date(2024, 5, 31), first=10)
    rows += _rows(5, clock=time(10, 0), first=20)
    [signal] = edge(rows, "2024-05", WINDOW)
    assert (signal.kind, signal.actor, signal.unit_id) == (SignalKind.EDGE, "a", None)
    assert (signal.params["count"], signal.params["last_day"], signal.params["late"]) == ("5", "2", "3")
    assert [r.row_id for r in signal.rows] == [1, 2, 3, 10, 11]
    assert "a 在 2024-05 录入扣分记录 10 条，其中 5 条在边缘（50%" in signal.explanation


def test_edge_not_raised_below_half_or_under_ten_rows_or_without_a_window() -> None:
    four = _rows(4, clock=time(21, 15)) + _rows(6, clock=time(10, 0), first=20)
    assert edge(four, "2024-05", WINDOW) == []
    nine = _rows(9, clock=time(21, 15))
    assert edge(nine, "2024-05", WINDOW) == []
    late = _rows(10, clock=time(21, 15))
    assert edge(late, "2024-05", []) == []  # no 考评时段: only the month's last day counts
    assert len(edge(late, "2024-05", WINDOW)) == 1
    assert edge(late, "2024-05", WINDOW, Thresholds(edge_minutes=30)) == []  # 21:15 is 45 minutes before


def test_helpers_and_the_whole() -> None:
    assert months_before("2024-02", 3) == ["2023-11", "2023-12", "2024-01"]
    assert percent(Decimal("0.9")) == "90%" and percent(Decimal("0.125")) == "12.5%"
    rows = _rows(10, clock=time(21, 30), actor="insp1")
    assert [s.kind for s in signals(rows, "2024-05", WINDOW)] == [SignalKind.CONCENTRATED, SignalKind.EDGE]
