"""The unit page's view model: components add up to the total, every line lands in exactly one place,
rectification deadlines follow docs/schemes.md §9, cases are marked and timelines ordered."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from kaoping.engine.phrases import Msg
from kaoping.engine.result import Line, LineKind, UnitResult
from kaoping.scheme import load_scheme
from kaoping.web import unit_view as view

D = Decimal


def _unit(**kw: object) -> UnitResult:
    base: dict[str, object] = {
        "unit_id": "u1",
        "name": "城东街道",
        "group": "责任单位",
        "reward_eligible": True,
        "parts": {"日常考评": D("14.5"), "月督查考评": D(9)},
        "top_parts": ["日常考评", "月督查考评"],
        "bonus": D(0),
        "bonus_detail": {},
        "total": D("15.5"),
        "penalty": D(8),
    }
    base.update(kw)
    return UnitResult(**base)  # type: ignore[arg-type]


def _deducted(part: str, item: str, points: str, row: int) -> Line:
    params = {"item": item, "n": 1, "points": D(points), "counted": D(points)}
    return Line(part, LineKind.PART, Msg.DEDUCTION_ITEM, params, -D(points), "db:deductions", (row,))


def _left(part: str, full: int, deducted: str, value: str) -> Line:
    params = {"max": D(full), "deducted": D(deducted), "value": D(value), "floored": False}
    return Line(part, LineKind.PART, Msg.DEDUCTION_PART, params, D(value))


def _notice(day: str, row: int) -> Line:
    params = {"problem": "P1", "notified": day, "rectified": "", "ordinal": 1, "cost": D(4)}
    return Line("整改通报扣分", LineKind.PENALTY, Msg.NOTICE, params, D(-4), "db:notices", (row,))


TOTAL = {"base": D("23.5"), "bonus": D(0), "penalty": D(8), "raw": D("15.5"), "total": D("15.5"), "floor": D(0)}
BASE = {"terms": "14.5 + 9", "raw": D("23.5"), "value": D("23.5"), "division_by_zero": False}
ONSITE_LINES = [
    _deducted("日常考评", "店外经营", "2.5", 2),
    _deducted("日常考评", "道路保洁", "3", 1),
    _left("日常考评", 20, "5.5", "14.5"),
    _deducted("月督查考评", "暴露垃圾", "1", 3),
    _left("月督查考评", 10, "1", "9"),
    Line("基本分", LineKind.BASE, Msg.PART_COMBINED, BASE, D("23.5")),
    _notice("2024-05-10", 4),
    _notice("2024-05-25", 5),
    Line("总分", LineKind.TOTAL, Msg.TOTAL, TOTAL, D("15.5")),
    Line(
        "问责", LineKind.FLAG, Msg.FAILED_VERIFICATIONS, {"code": "unqualified_cases:1", "n": 1}, D(0), "db:cases", (5,)
    ),
]


def test_components_add_up_and_lines_are_placed_once() -> None:
    scheme = load_scheme("district-onsite")
    unit = _unit(lines=ONSITE_LINES)
    components, others = view.compose(scheme, unit)
    assert [(c.kind, c.name) for c in components] == [
        ("part", "日常考评"),
        ("part", "月督查考评"),
        ("penalty", "整改通报扣分"),
        ("adjust", "权重与封顶保底调整"),
    ]
    assert sum(c.points for c in components) == unit.total
    assert components[-1].points == 0
    placed = [ln for c in components for ln in c.lines] + others
    assert sorted(placed, key=ONSITE_LINES.index) == ONSITE_LINES
    assert [ln.part for ln in others] == ["问责"]


def test_floor_shows_as_an_adjustment() -> None:
    """u2 loses more than its parts and penalties allow: the total is floored at 0 (total_min)."""
    scheme = load_scheme("district-onsite")
    unit = _unit(parts={"日常考评": D(0), "月督查考评": D(0)}, total=D(0), penalty=D(2))
    components, _ = view.compose(scheme, unit)
    assert components[-1].kind == "adjust" and components[-1].points == 2
    assert sum(c.points for c in components) == 0


SCORED = {"period": "2024-Q2", "item": "交通秩序管理", "n": 1, "how": "mean", "value": D(130)}


def test_bonus_rules_are_their_own_components() -> None:
    scheme = load_scheme("city-1000")
    lines = [
        Line("部门考评", LineKind.PART, Msg.SCORE_ROWS, SCORED, D(130), "db:scores", (3,)),
        Line(
            "表彰加分",
            LineKind.BONUS,
            Msg.SCORE_BONUS,
            {"item": "表彰", "value": D(2), "how": "sum", "n": 1},
            D(2),
            "db:honors",
            (3,),
        ),
        Line("奖惩", LineKind.REWARD, Msg.REWARD, {"position": 1, "amount": 1000000, "group_rank": 1}, D(1000000)),
    ]
    unit = _unit(
        parts={"部门考评": D(130), "社会评价": D(0), "第三方测评": D(0)},
        top_parts=["部门考评", "社会评价", "第三方测评"],
        bonus=D(2),
        bonus_detail={"表彰加分": D(2)},
        total=D(132),
        penalty=D(0),
        lines=lines,
    )
    components, others = view.compose(scheme, unit)
    assert [c.kind for c in components] == ["part", "part", "part", "bonus", "adjust"]
    assert components[3].lines == [lines[1]] and others == [lines[2]]
    assert sum(c.points for c in components) == 132


def test_lines_are_placed_by_kind_not_by_label() -> None:
    """A row left out by the inspection windows sits with its part; the overall bonus cap and a flag apart;
    a part whose name looks like a total label is still a part."""
    scheme = load_scheme("district-onsite")
    window = {"item": "道路保洁", "points": "3", "date": "2024-05-10", "time": "23:10:00", "window": "7:00–22:00"}
    excluded = Line("日常考评", LineKind.EXCLUDED, Msg.EXCLUDED_DEDUCTION, window, D(0), "db:deductions", (9,))
    cap = Line("加分", LineKind.BONUS, Msg.BONUS_CAP, {"total": D(12), "cap": D(10)}, D(10))
    flag = ONSITE_LINES[-1]
    unit = _unit(lines=[excluded, cap, flag])
    components, others = view.compose(scheme, unit)
    assert components[0].lines == [excluded]
    assert others == [cap, flag]
    assert "不在考评时段" in excluded.text("zh") and "not counted" in excluded.rule


def test_cited_rows_and_notice_costs() -> None:
    assert view.cited(ONSITE_LINES) == {"deductions": {1, 2, 3}, "notices": {4, 5}, "cases": {5}}
    many = [
        Line(
            "案件办理",
            LineKind.PART,
            Msg.CASE_COUNTS,
            {"n": 2000, "metrics": ""},
            D(2),
            "db:cases",
            tuple(range(1, 2001)),
        )
    ]
    assert len(view.cited(many)["cases"]) == view.ROWS_PER_LINE
    assert view.notice_costs(ONSITE_LINES) == {4: D(-4), 5: D(-4)}
    assert view.cited_ids(ONSITE_LINES, "deductions") == {1, 2, 3}
    assert view.cited([Line("x", LineKind.PART, Msg.NO_SCORES, {"min": D(1)}, D(1), "scores.csv", (2, 3))]) == {}


def test_line_views_keep_order_and_count_hidden_rows() -> None:
    line = Line(
        "案件办理", LineKind.PART, Msg.CASE_COUNTS, {"n": 60, "metrics": ""}, D(1), "db:cases", tuple(range(1, 61))
    )
    fetched: dict[str, dict[int, object]] = {"cases": {i: f"case {i}" for i in range(1, 61)}}
    (lv,) = view.line_views([line], fetched)
    assert lv.table == "cases" and lv.rows[:2] == ["case 1", "case 2"]
    assert len(lv.rows) == view.ROWS_PER_LINE and lv.hidden == 10


TODAY = date(2024, 6, 10)


@pytest.mark.parametrize(
    ("notified", "rectified", "days", "status", "late"),
    [
        (date(2024, 5, 10), date(2024, 5, 10), 0, view.DONE, 0),  # rectify_days 0: the same day is in time
        (date(2024, 5, 10), date(2024, 5, 11), 0, view.DONE_LATE, 1),
        (date(2024, 5, 10), date(2024, 5, 12), 2, view.DONE, 0),  # the last allowed day is in time
        (date(2024, 6, 9), None, 2, view.OPEN, 0),
        (date(2024, 6, 8), None, 2, view.OPEN, 0),  # deadline today
        (date(2024, 6, 1), None, 2, view.OVERDUE, 7),
        (date(2024, 6, 1), None, None, view.OPEN, 0),  # no rectification rule: no deadline
    ],
)
def test_task_state(notified: date, rectified: date | None, days: int | None, status: str, late: int) -> None:
    deadline = notified + timedelta(days=days) if days is not None else None
    state = view.task_state(notified, rectified, deadline, TODAY)
    assert (state.status, state.days_overdue) == (status, late)


def test_rectify_days_of_schemes() -> None:
    # issue #17: district-onsite now gives 5 working days (was 0), city-1000 gained its doubling rule (10 working
    # days; it had none)
    assert view.rectify_days(load_scheme("district-onsite")) == 5
    assert view.rectify_days(load_scheme("city-1000")) == 10


def test_deadlines_count_working_days_across_national_day() -> None:
    # 2024-09-27 + 5 working days: 09-29 (调休 Sunday), 09-30, 10-08, 10-09, 10-10
    dues = view.deadlines(load_scheme("district-onsite"), [date(2024, 9, 27)])
    assert dues == {date(2024, 9, 27): date(2024, 10, 10)}


def test_task_groups_put_open_problems_first() -> None:
    def task(nid: int, problem: str, on: date, status: str) -> view.Task:
        return view.Task(nid, problem, on, None, view.TaskState(on, status, 0), None)

    tasks = [
        task(1, "P3", date(2024, 5, 5), view.DONE),
        task(2, "P1", date(2024, 4, 1), view.OVERDUE),
        task(3, "P1", date(2024, 5, 1), view.OVERDUE),
        task(4, "P2", date(2024, 5, 20), view.OPEN),
    ]
    groups = view.task_groups(tasks)
    assert [[t.notice_id for t in g] for g in groups] == [[3, 2], [4], [1]]


def test_case_marks() -> None:
    deadline = datetime(2024, 5, 8, 8, 20)
    now = datetime(2024, 6, 1)
    assert view.case_marks(deadline, datetime(2024, 5, 7), 0, 0, 0, now) == []
    assert view.case_marks(deadline, datetime(2024, 5, 18), 1, 2, 1, now) == [
        ("超期处置", 0),
        ("返工{n}次", 1),
        ("核查不通过{n}次", 2),
        ("延期{n}次", 1),
    ]
    assert view.case_marks(deadline, None, 0, 0, 0, now) == [("超期未处置", 0)]
    assert view.case_marks(None, None, 0, 0, 0, now) == []
    assert not view.against(view.case_marks(deadline, datetime(2024, 5, 7), 0, 0, 1, now))
    assert view.against(view.case_marks(deadline, None, 0, 0, 1, now))


def test_timeline_is_ordered_and_marks_late_and_rework_steps() -> None:
    at = datetime.fromisoformat
    steps = [
        (at("2024-05-10T11:00"), "verifying", "dispatched", "中心", ""),
        (at("2024-05-06T08:20"), "registered", "dispatched", "中心", ""),
        (at("2024-05-09T16:00"), "disposing", "feedback", "单位", "已清理"),
        (at("2024-05-07T16:00"), "disposing", "feedback", "单位", ""),
    ]
    out = view.timeline(steps, at("2024-05-08T08:20"))
    assert [s.at for s in out] == sorted(s[0] for s in steps)
    assert [(s.overdue, s.rework) for s in out] == [(False, False), (False, False), (True, False), (False, True)]


def test_period_choices_and_default() -> None:
    city = load_scheme("city-1000")
    choices = view.period_choices(city, date(2023, 11, 10), date(2024, 6, 30))
    assert choices == ["2024", "2024-Q2", "2024-Q1", "2023", "2023-Q4"]
    assert view.default_period(city, date(2024, 6, 30), TODAY) == "2024-Q2"
    assert view.default_period(city, None, date(2025, 1, 2)) == "2025-Q1"
    onsite = load_scheme("district-onsite")
    assert view.period_choices(onsite, date(2024, 1, 1), date(2030, 12, 1), limit=3) == [
        "2030-12",
        "2030-11",
        "2030-10",
    ]


def test_points_text() -> None:
    assert [view.points_text(D(x)) for x in ("14.500000", "-2.5", "20", "0.0", "-0", "1E+1")] == [
        "14.5",
        "-2.5",
        "20",
        "0",
        "0",
        "10",
    ]
