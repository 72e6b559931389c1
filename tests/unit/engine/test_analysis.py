"""The deduction-reason analysis on the bundled examples, against rows worked out by hand from their CSVs.

district-onsite 2024-05 has a repeated problem (u2's overflowing bins, twice), a previous month to compare
with and notices left open; city-appearance 2024-07 has rows outside the inspection windows, which must
not be analysed since they were not scored.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from examples_testing import EXAMPLES
from kaoping.app.scoring import score_facts
from kaoping.engine.analysis import ReasonRow, deduction_analysis
from kaoping.engine.evaluate import evaluate
from kaoping.io.readers import read_facts
from kaoping.periods import parse_period
from kaoping.scheme import load_scheme


def _analyse(name: str, period: str, with_previous: bool = True):  # type: ignore[no-untyped-def]
    scheme = load_scheme(name)
    facts = read_facts(EXAMPLES / name)
    p = parse_period(period)
    result = score_facts(scheme, facts, period)
    previous = evaluate(scheme, facts, p.previous()) if with_previous else None
    return deduction_analysis(scheme, facts, p, result, previous)


def test_top_reasons_per_unit_most_points_first() -> None:
    a = _analyse("district-onsite", "2024-05")
    assert a.period == "2024-05" and a.previous == "2024-04"
    # u1: 道路保洁 3 (05-06), 店外经营 2.5 (05-13), 暴露垃圾 1 (05-21)
    assert [(r.item, r.problem, r.count, r.points) for r in a.by_unit["u1"]] == [
        ("道路保洁", "道路积存垃圾", 1, Decimal(3)),
        ("店外经营", "店外经营", 1, Decimal("2.5")),
        ("暴露垃圾", "暴露垃圾", 1, Decimal(1)),
    ]
    # u2: 垃圾桶满溢 twice (15 + 10) costs more than 公厕脏乱 once (12)
    assert a.by_unit["u2"][0] == ReasonRow("u2", "区市容环卫中心", "日常考评", "垃圾清运", "垃圾桶满溢", 2, Decimal(25))
    # u4's 井盖缺失 of 2024-04-18 is in the previous month: only the one of 05-09 counts
    assert [(r.item, r.count, r.points) for r in a.by_unit["u4"]] == [("井盖缺失", 1, Decimal(1))]
    assert "u3" not in a.by_unit  # no deduction


def test_by_item_and_repeated() -> None:
    a = _analyse("district-onsite", "2024-05")
    assert [(r.part, r.item, r.count, r.points) for r in a.by_item[:2]] == [
        ("日常考评", "垃圾清运", 2, Decimal(25)),
        ("月督查考评", "公厕保洁", 1, Decimal(12)),
    ]
    assert all(r.unit_id == "" and r.problem == "" for r in a.by_item)
    assert sum(r.points for r in a.by_item) == Decimal("44.5")  # every May deduction: 3+2.5+1+15+10+12+1
    assert [(r.unit_id, r.problem, r.count) for r in a.repeated] == [("u2", "垃圾桶满溢", 2)]


def test_changes_since_the_previous_month() -> None:
    a = _analyse("district-onsite", "2024-05")
    # April: u2 30 (1st), u1 28 (2nd), u3 28 (2nd), u4 24 (4th); May (district-onsite version 2, issue #17: 整改
    # charged per monthly report, 5 working days — see test_scheme_district_onsite): u4 29, u3 28, u1 19.5, u2 0.
    # Was u1 −12.5 / u4 +3 and u3 up 1, u4 up 2 when May was u3 28, u4 27, u1 15.5.
    assert a.changes == {"u1": Decimal("-8.5"), "u2": Decimal(-30), "u3": Decimal(0), "u4": Decimal(5)}
    assert a.rank_changes == {"u1": -1, "u2": -3, "u3": 0, "u4": 3}


def test_overdue_notices_at_the_period_end() -> None:
    a = _analyse("district-onsite", "2024-05")
    by_problem = {str(o["problem_id"]): o for o in a.overdue}
    # P3 was rectified on its notification day; P4's February run was rectified: only its April one is open.
    # P5 (05-31) is due 5 working days later, 06-07 (district-onsite version 2): not overdue at May's end (it was,
    # under the old same-day deadline)
    assert sorted(by_problem) == ["P1", "P2", "P4"]
    assert by_problem["P1"] == {
        "problem_id": "P1",
        "unit_id": "u1",
        "unit": "城东街道办事处",
        "notified_on": date(2024, 2, 10),
        "last_notified_on": date(2024, 5, 25),
        "notices": 5,
        "days_open": 112,  # 2024-02-10 .. 2024-05-31, both days counted
        "due": date(2024, 2, 22),  # 5 working days (issue #17): 02-18 (调休), 19, 20, 21, 22
        "rectified_on": None,
    }
    assert (by_problem["P4"]["notified_on"], by_problem["P4"]["notices"]) == (date(2024, 4, 1), 2)
    assert a.overdue[0]["problem_id"] == "P1"  # longest open first


def test_a_problem_rectified_late_inside_the_period_is_listed_as_overdue_in_it() -> None:
    # issue #17: the appendix lists every problem overdue on some day of the period.  P4's first run: notified
    # 02-01, due 02-07 (02-02, 02-04 调休, 05, 06, 07), rectified 02-20 — overdue 02-08..02-20 in February;
    # P1 (02-10, due 02-22) is overdue from 02-23.  Neither was open at the end of January.
    feb = {str(o["problem_id"]): o for o in _analyse("district-onsite", "2024-02").overdue}
    assert sorted(feb) == ["P1", "P4"]
    assert (feb["P4"]["due"], feb["P4"]["rectified_on"], feb["P4"]["days_open"]) == (
        date(2024, 2, 7),
        date(2024, 2, 20),
        20,  # 02-01 .. 02-20
    )
    assert feb["P1"]["days_open"] == 20  # 02-10 .. 02-29, still open
    assert _analyse("district-onsite", "2024-03").overdue[0]["problem_id"] == "P1"  # P4 rectified before March


def test_rows_outside_the_inspection_windows_are_not_analysed() -> None:
    a = _analyse("city-appearance", "2024-07")
    # zf1's 夜市流动摊点 at 22:30 and bj1's 清扫作业未完成 at 06:40 are outside 07:00–22:00
    assert [r.problem for r in a.by_unit["zf1"]] == ["商店店外堆放杂物", "餐馆越门占道经营"]
    assert [r.problem for r in a.by_unit["bj1"]] == ["路面暴露垃圾"]
    # 市容秩序 2+1 (zf1) + 2 (zf2); 道路保洁 3 + 1 ties 客运秩序 4 on points and wins on count
    assert [(r.item, r.count, r.points) for r in a.by_item[:3]] == [
        ("市容秩序", 3, Decimal(5)),
        ("道路保洁", 2, Decimal(4)),
        ("客运秩序", 1, Decimal(4)),
    ]
    assert a.repeated == [] and a.overdue == []


def test_no_previous_period_means_no_changes() -> None:
    a = _analyse("city-appearance", "2024-11", with_previous=False)
    assert a.previous == "" and a.changes == {} and a.rank_changes == {}
    # an unevaluated previous month (no data in 2024-10) is no comparison either
    b = _analyse("city-appearance", "2024-11")
    assert b.changes == {} and b.rank_changes == {}
    assert "lh" not in b.by_unit  # its only November row, 22:10, is outside the window
    assert [(r.problem, r.points) for r in b.by_unit["bj2"]] == [("早班保洁未上岗", Decimal(4))]  # 07:00 is inside
