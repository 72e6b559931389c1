"""Categories and handbook as config, level metrics with hand-checked numbers, 综合指标值 and grades."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from kaoping.cases import metrics as unit_metrics
from kaoping.cases.calendar import WorkCalendar
from kaoping.cases.categories import ConfigError, UnknownCategory, load_categories
from kaoping.cases.grading import composite, engine_formula, load_indicator_scheme, with_composite
from kaoping.cases.handbook import deadline_for, load_handbook
from kaoping.cases.levels import LEVELS, LevelError, level_metrics, metrics_by_level
from kaoping.facts import facts_from_frames
from kaoping.periods import parse_period
from kaoping.scheme.formula import evaluate

MARCH = parse_period("2024-03")
PLAIN = WorkCalendar(holidays=frozenset())  # March 2024 has no public holiday; weekends still count
CHINA = WorkCalendar.china([2024, 2025])


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- categories -------------------------------------------------------------------------------------


def test_bundled_categories_follow_the_standard() -> None:
    cats = load_categories()
    component_majors = [name for _, name in cats.majors("component")]
    assert component_majors[:6] == ["公用设施", "道路交通", "市容环境", "园林绿化", "房屋土地", "其他设施"]
    event_majors = {name for _, name in cats.majors("event")}
    assert {"市容环境", "宣传广告", "施工管理", "街面秩序", "突发事件", "其他事件"} <= event_majors
    cover = cats.find("上水井盖")
    assert (cover.kind, cover.code, cover.major_name) == ("component", "0101", "公用设施")
    assert cats.find("0102", "event").name == "暴露垃圾"
    assert cats.find("高杆灯").extension and cats.find("高杆灯").major_code == "01"
    assert cats.find("城管岗亭").major_name == "扩展部件"
    assert cats.frame().height == len(cats.categories)


def test_a_code_shared_by_both_kinds_needs_the_kind() -> None:
    cats = load_categories()
    with pytest.raises(UnknownCategory, match=r"ambiguous .*部件 0101 上水井盖, 事件 0101 私搭乱建"):
        cats.find("0101")
    with pytest.raises(UnknownCategory, match="no 事件小类 '上水井盖'"):
        cats.find("上水井盖", "event")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # the same 小类 code twice in one 大类: YAML would silently keep the last one
            'components: [{code: "01", name: 公用设施, subs: {"0101": 上水井盖, "0101": 污水井盖}}]\nevents: []\n',
            "key '0101' appears twice",
        ),
        (
            'components: [{code: "01", name: 公用设施, subs: {"0101": 上水井盖}}]\nevents: []\n'
            'extension: {components: [{code: "01", subs: {"0101": 雨水井盖}}]}\n',
            r"extension.components\[0\].subs.0101: 部件小类 code 0101 is used twice \(上水井盖 and 雨水井盖\)",
        ),
        (
            'components: [{code: "01", name: 公用设施, subs: {"0101": 上水井盖, "0102": 上水井盖}}]\nevents: []\n',
            "部件小类 name 上水井盖 is used twice",
        ),
        (
            'components: [{code: "01", name: 公用设施, subs: {"0201": 停车场}}]\nevents: []\n',
            "must be 4 digits starting with its 大类 code '01'",
        ),
        (
            'components: []\nevents: [{code: "01", name: 市容环境, subs: {}}]\n'
            'extension: {events: [{code: "09", subs: {"0901": 共享单车}}]}\n',
            r"extension.events\[0\]: unknown 事件大类 '09' and no name given \(known: 01 市容环境\)",
        ),
    ],
)
def test_category_file_mistakes_are_named(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, "categories.yaml", text)
    with pytest.raises(ConfigError, match=expected) as info:
        load_categories(path)
    assert str(path) in str(info.value)


# --- handbook ---------------------------------------------------------------------------------------


def test_handbook_limits_and_units() -> None:
    book = load_handbook()
    garbage = book.rule_for("暴露垃圾")
    assert (garbage.role, garbage.limit.working_hours) == ("street", Decimal(4))
    assert garbage.unit_for(street="s001") == "s001"
    building = book.rule_for("私搭乱建", kind="event")
    assert (building.action, building.limit.working_days) == ("拆除", 20)
    assert book.rule_for("上水井盖").unit == "gsgs"
    assert book.rule_for("暴露垃圾", area=("s001", "d01")).limit.working_hours == Decimal(2)  # core district
    assert book.rule_for("流浪乞讨") is book.default


def test_deadlines_by_hand() -> None:
    book = load_handbook()
    # Mon 2024-03-04 16:00 + 4 working hours: 16:00–17:30 (1.5 h), Tue 08:30–11:00 (2.5 h)
    assert deadline_for(book, CHINA, "暴露垃圾", None, datetime(2024, 3, 4, 16)) == datetime(2024, 3, 5, 11)
    # the same in the core district d01: 2 working hours → Tue 09:00
    assert deadline_for(book, CHINA, "暴露垃圾", ["s001", "d01"], datetime(2024, 3, 4, 16)) == datetime(2024, 3, 5, 9)
    # 私搭乱建 拆除, 20 working days from Mon 2024-09-30: 国庆 01–07 off, Sat 10-12 is a 调休 working day,
    # so the 20th working day is Fri 11-01
    assert deadline_for(book, CHINA, "私搭乱建", "s001", datetime(2024, 9, 30, 16)) == datetime(2024, 11, 1, 16)


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ("- {category: 不存在, role: street, limit: {working_days: 1}}", r"rules\[0\]: no 小类 '不存在'"),
        (
            "- {category: 暴露垃圾, role: street, limit: {working_hours: 4}}\n"
            "- {category: '0102', kind: event, role: street, limit: {working_hours: 2}}",
            r"rules\[1\]: 暴露垃圾 \(事件 0102\) already has a rule \(rules\[0\]\)",
        ),
        ("- {category: 暴露垃圾, unit: nobody, limit: {working_hours: 4}}", "unit 'nobody' is not one of units: hwc"),
        ("- {category: 暴露垃圾, unit: hwc, role: street, limit: {working_hours: 4}}", "exactly one of unit"),
        ("- {category: 暴露垃圾, role: street, limit: {working_hours: 4, working_days: 1}}", "exactly one of working"),
        ("- {category: 暴露垃圾, role: street, limit: {working_hours: 0}}", "greater than 0"),
    ],
)
def test_handbook_mistakes_are_named(tmp_path: Path, rules: str, expected: str) -> None:
    path = write(tmp_path, "handbook.yaml", f"units: {{hwc: 环卫处}}\nrules:\n{rules}\n")
    with pytest.raises(ConfigError, match=expected) as info:
        load_handbook(path)
    assert str(path) in str(info.value)


# --- level metrics on a hand-made month (numbers worked out in the comments) ------------------------


def dt(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2024, month, day, hour, minute)


COLUMNS = [
    "case_id", "grid", "community", "street", "district", "department", "reporter", "registrar", "dispatcher",
    "shift_lead", "source", "reported_at", "registered_at", "dispatched_at", "deadline", "disposed_at", "closed_at",
    "rework_count", "postponed", "dispatch_correct",
]  # fmt: skip
ROWS: list[tuple[Any, ...]] = [
    # A: registered in 20 min, disposed and closed on time
    ("A", "g1", "c1", "s1", "d1", "X", "p1", "r1", "x1", "l1", "supervisor",
     dt(4, 9), dt(4, 9, 20), dt(4, 9, 30), dt(4, 13, 30), dt(4, 11), dt(4, 12), 0, 0, True),
    # B: registered after 1.5 working hours (late), disposed and closed late, reworked, dispatched wrongly
    ("B", "g1", "c1", "s1", "d1", "X", "p1", "r1", "x1", "l1", "supervisor",
     dt(4, 10), dt(4, 11, 30), dt(4, 11, 40), dt(5, 10), dt(5, 11), dt(5, 15), 1, 0, False),
    # C: public report at night, registered 08:45 (0.25 working hours), disposed on time, not closed, postponed
    ("C", "g2", "c1", "s1", "d1", "Y", None, "r2", "x2", "l1", "public",
     dt(5, 20), dt(6, 8, 45), dt(6, 9), dt(8, 9), dt(7, 10), None, 0, 1, True),
    # D: reported, never registered
    ("D", "g3", "c2", "s1", "d1", "Y", "p2", "r2", None, "l2", "supervisor",
     dt(6, 9), None, None, None, None, None, 0, 0, None),
    # E: all in February: not counted in March, though closed in March
    ("E", "g4", "c3", "s2", "d1", "X", "p3", "r1", "x1", "l2", "supervisor",
     dt(28, 9, month=2), dt(28, 9, 10, month=2), dt(28, 9, 20, month=2), dt(1, 9, 20), dt(1, 9), dt(1, 10), 0, 0, True),
    # F: Friday 03-29, disposed and closed in April: dispatched in March but neither disposed nor closed in it
    ("F", "g4", "c3", "s2", "d1", "Y", "p3", "r1", "x2", "l2", "supervisor",
     dt(29, 16), dt(29, 16, 30), dt(29, 16, 40), dt(1, 12, month=4), dt(1, 10, month=4), dt(1, 11, month=4),
     0, 0, True),
    # G: public, disposed on time but closed after the deadline
    ("G", "g5", "c4", "s3", "d2", "Z", None, "r3", "x3", "l3", "public",
     dt(11, 9), dt(11, 9, 30), dt(11, 10), dt(11, 12), dt(11, 11, 30), dt(11, 14), 0, 0, True),
    # H: reported Sunday 03-31 23:00, registered and dispatched in April
    ("H", "g5", "c4", "s3", "d2", "Z", "p4", "r3", "x3", "l3", "supervisor",
     dt(31, 23), dt(1, 8, 40, month=4), dt(1, 8, 50, month=4), dt(1, 12, month=4), None, None, 0, 0, True),
]  # fmt: skip


def month_frame() -> pl.DataFrame:
    frame = pl.DataFrame(ROWS, schema=COLUMNS, orient="row")
    return frame.with_columns(unit_id=pl.col("department"), kind=pl.lit("event"), category=pl.lit("暴露垃圾"))


def rows_of(level: str) -> dict[str | None, dict[str, Any]]:
    table = level_metrics(month_frame(), MARCH, level, calendar=PLAIN)
    return {r["key"]: r for r in table.iter_rows(named=True)}


def test_region_metrics_by_hand() -> None:
    grid = rows_of("grid")["g1"]  # A, B
    assert (grid["community"], grid["street"], grid["district"]) == ("c1", "s1", "d1")
    assert [grid[k] for k in ("上报数", "监督员上报数", "立案数", "应结案数", "结案数", "按期结案数", "返工数")] == [
        2, 2, 2, 2, 2, 1, 1,
    ]  # fmt: skip
    assert (grid["监督举报率"], grid["结案率"], grid["按期结案率"], grid["返工率"]) == (1.0, 1.0, 0.5, 0.5)
    d1 = rows_of("district")["d1"]  # A, B, C, D, F (E is February)
    names = ("上报数", "监督员上报数", "立案数", "应结案数", "结案数", "按期结案数", "返工数", "延期数")
    assert [d1[k] for k in names] == [5, 4, 4, 4, 2, 1, 1, 1]
    assert (d1["监督举报率"], d1["结案率"], d1["按期结案率"], d1["返工率"], d1["延期率"]) == (
        0.8,
        0.5,
        0.25,
        0.25,
        0.25,
    )
    s1 = rows_of("street")["s1"]  # A, B, C, D
    assert (s1["应结案数"], s1["结案数"], s1["结案率"]) == (3, 2, pytest.approx(2 / 3))
    c2 = rows_of("community")["c2"]  # D only: nothing dispatched, so nothing left undone
    assert (c2["上报数"], c2["应结案数"], c2["结案率"], c2["按期结案率"], c2["返工率"]) == (1, 0, 1.0, 1.0, 0.0)
    assert rows_of("community")["c3"]["结案率"] == 0.0  # F closed in April


def test_department_metrics_by_hand() -> None:
    rows = rows_of("department")
    x, y, z = rows["X"], rows["Y"], rows["Z"]
    assert [x[k] for k in ("应处置数", "按期处置数", "应结案数", "结案数", "按期结案数", "返工数", "延期数")] == [
        2,
        1,
        2,
        2,
        1,
        1,
        0,
    ]
    assert (x["按期处置率"], x["结案率"], x["按期结案率"], x["返工率"]) == (0.5, 1.0, 0.5, 0.5)
    assert [y[k] for k in ("应处置数", "按期处置数", "结案数", "延期数")] == [
        2,
        1,
        0,
        1,
    ]  # C on time; F disposed in April
    assert (y["按期处置率"], y["结案率"], y["延期率"]) == (0.5, 0.0, 0.5)
    assert (z["应处置数"], z["按期处置率"], z["结案率"], z["按期结案率"]) == (1, 1.0, 1.0, 0.0)  # G closed late


def test_post_metrics_by_hand() -> None:
    sup = rows_of("supervisor")
    assert {k: (r["上报数"], r["有效上报数"], r["有效上报率"]) for k, r in sup.items()} == {
        "p1": (2, 2, 1.0),
        "p2": (1, 0, 0.0),
        "p3": (1, 1, 1.0),
        "p4": (1, 0, 0.0),
        None: (2, 2, 1.0),
    }  # fmt: skip  (None: the public's reports C and G)
    reg = rows_of("registrar")  # r1: A (on time), B (late), F (on time); E is February
    assert (reg["r1"]["受理数"], reg["r1"]["立案数"], reg["r1"]["按时立案数"]) == (3, 3, 2)
    assert reg["r1"]["按时立案率"] == pytest.approx(2 / 3)
    assert (reg["r2"]["受理数"], reg["r2"]["立案数"], reg["r2"]["按时立案率"]) == (2, 1, 1.0)  # C at night: on time
    disp = rows_of("dispatcher")
    assert (disp["x1"]["派遣数"], disp["x1"]["准确派遣数"], disp["x1"]["准确派遣率"]) == (2, 1, 0.5)
    assert (disp["x2"]["派遣数"], disp["x2"]["准确派遣率"]) == (2, 1.0)
    assert (disp[None]["派遣数"], disp[None]["准确派遣率"]) == (0, 1.0)  # D: never dispatched
    lead = rows_of("shift_lead")
    assert [lead["l1"][k] for k in ("立案数", "按时立案数", "应结案数", "结案数")] == [3, 2, 3, 2]
    assert (lead["l2"]["立案数"], lead["l2"]["结案率"]) == (1, 0.0)


def test_register_hours_is_a_parameter() -> None:
    loose = level_metrics(month_frame(), MARCH, "registrar", calendar=PLAIN, register_hours=2)
    assert loose.filter(pl.col("key") == "r1")["按时立案数"].item() == 3  # B's 1.5 working hours now on time


def test_published_example_911_of_972() -> None:
    # 972 cases dispatched in the month, 911 closed, 737 of them by the deadline
    i = pl.int_range(0, 972, eager=True)
    frame = pl.DataFrame({"i": i}).select(
        case_id=pl.col("i").cast(pl.String),
        unit_id=pl.lit("u1"),
        grid=pl.lit("g"), community=pl.lit("c"), street=pl.lit("s"), district=pl.lit("d"),
        reported_at=pl.lit(dt(4, 9)),
        dispatched_at=pl.lit(dt(4, 10)),
        deadline=pl.lit(dt(6, 10)),
        disposed_at=pl.when(pl.col("i") < 911).then(pl.lit(dt(5, 10))),
        closed_at=pl.when(pl.col("i") < 737).then(pl.lit(dt(6, 10))).when(pl.col("i") < 911).then(pl.lit(dt(8, 10))),
        rework_count=pl.lit(0),
    )  # fmt: skip
    for level in ("department", "district"):
        row = level_metrics(frame, MARCH, level).row(0, named=True)
        assert (row["应结案数"], row["结案数"], row["按期结案数"]) == (972, 911, 737)
        assert (f"{row['结案率']:.2%}", f"{row['按期结案率']:.2%}") == ("93.72%", "75.82%")
    # the engine's unit metrics agree, in percent
    counts = unit_metrics.case_counts(
        facts_from_frames(cases=frame.with_columns(kind=pl.lit("event"), category=pl.lit("x"))).cases, MARCH
    )
    rates = unit_metrics.rates(counts.row(0, named=True))
    assert (round(rates["结案率"], 2), round(rates["按期结案率"], 2)) == (Decimal("93.72"), Decimal("75.82"))


def test_department_level_matches_the_engine_unit_metrics() -> None:
    frame = month_frame()
    facts = facts_from_frames(cases=frame.with_columns(verify_failed=pl.col("rework_count")))
    engine = {r["unit_id"]: r for r in unit_metrics.case_counts(facts.cases, MARCH).iter_rows(named=True)}
    ours = rows_of("department")
    for unit, row in engine.items():
        for name in ("应结案数", "结案数", "按期处置数", "按期结案数", "返工数", "延期数"):
            assert ours[unit][name] == row[name], (unit, name)


def test_region_rollup_refuses_a_grid_under_two_communities() -> None:
    frame = month_frame().with_columns(
        community=pl.when(pl.col("case_id") == "B").then(pl.lit("c9")).otherwise("community")
    )
    with pytest.raises(LevelError, match="网格 filed under more than one 社区: g1 under c1/s1/d1 and c9/s1/d1"):
        level_metrics(frame, MARCH, "grid", calendar=PLAIN)


def test_absent_columns_leave_metrics_out_or_name_the_column() -> None:
    frame = month_frame().drop("source", "dispatch_correct", "registered_at", "department")
    grid = level_metrics(frame, MARCH, "grid")
    assert "监督举报率" not in grid.columns and "结案率" in grid.columns
    with pytest.raises(ConfigError, match=r"rate 监督举报率 is not available .*needs the cases' 'source' column"):
        composite(grid.row(0, named=True), load_indicator_scheme())
    assert "准确派遣率" not in level_metrics(frame, MARCH, "dispatcher").columns
    assert level_metrics(frame, MARCH, "department")["key"].to_list() == ["X", "Y", "Z"]  # unit_id
    with pytest.raises(LevelError, match="need the columns grid, community, street, district; the cases lack grid"):
        level_metrics(frame.drop("grid"), MARCH, "street")
    with pytest.raises(LevelError, match="unknown level 'ward'"):
        level_metrics(frame, MARCH, "ward")


# --- 综合指标值 and grades ---------------------------------------------------------------------------


def test_composite_by_hand() -> None:
    scheme = load_indicator_scheme()
    deps = rows_of("department")
    # 按期处置率 40 + 结案率 20 + 按期结案率 30 + 返工率 10 (as 1 − rate):
    # X: 0.5×40 + 1×20 + 0.5×30 + 0.5×10 = 60; Y: 0.5×40 + 0 + 0 + 1×10 = 30; Z: 40 + 20 + 0 + 10 = 70
    assert composite(deps["X"], scheme) == (Decimal("60.00"), "C")
    assert composite(deps["Y"], scheme) == (Decimal("30.00"), "E")
    assert composite(deps["Z"], scheme) == (Decimal("70.00"), "C")
    # region: 监督举报率 10 + 结案率 30 + 按期结案率 40 + 返工率 20 → d1: 8 + 15 + 10 + 15 = 48
    assert composite(rows_of("district")["d1"], scheme) == (Decimal("48.00"), "D")
    table = with_composite(
        metrics_by_level(month_frame(), MARCH, ("department",), calendar=PLAIN)["department"], scheme
    )
    assert table["综合指标值"].to_list() == [60.0, 30.0, 70.0] and table["等级"].to_list() == ["C", "E", "C"]


def test_engine_formula_gives_the_same_value() -> None:
    scheme = load_indicator_scheme()
    formula = engine_formula(scheme)
    assert formula == "按期处置率 * 0.4 + 结案率 * 0.2 + 按期结案率 * 0.3 + (100 - 返工率) * 0.1"
    facts = facts_from_frames(cases=month_frame())
    for row in unit_metrics.case_counts(facts.cases, MARCH).iter_rows(named=True):
        value = evaluate(formula, unit_metrics.rates(row))
        assert value.quantize(Decimal("0.01")) == composite(rows_of("department")[row["unit_id"]], scheme)[0]
    with pytest.raises(ConfigError, match="the engine's unit metrics have no 监督举报率"):
        engine_formula(scheme, "region")


def test_weights_adding_to_70_percent_are_refused(tmp_path: Path) -> None:
    # the open-source platform's region value: 监督举报率 10 + 立案数 20 + 结案率 30 + 按期结案率 10
    path = write(
        tmp_path, "indicators.yaml", "levels:\n  region: {监督举报率: 10, 结案率: 30, 按期结案率: 10, 返工率: 20}\n"
    )
    with pytest.raises(ConfigError) as info:
        load_indicator_scheme(path)
    message = str(info.value)
    assert str(path) in message
    assert (
        "levels.region: weights add up to 70%, expected 100%: 监督举报率 10 + 结案率 30 + 按期结案率 10 + 返工率 20"
        in message
    )


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ("region: {立案数: 20, 结案率: 80}", "levels.region.立案数: a count, not a rate"),
        ("department: {监督举报率: 100}", "levels.department.监督举报率: not a rate of this level"),
        ("ward: {结案率: 100}", "levels.ward: unknown level"),
        ("region: {结案率: 100.5, 返工率: -0.5}", "返工率: weight -0.5 is negative"),
    ],
)
def test_indicator_scheme_mistakes(tmp_path: Path, levels: str, expected: str) -> None:
    path = write(tmp_path, "indicators.yaml", f"levels:\n  {levels}\n")
    with pytest.raises(ConfigError, match=expected):
        load_indicator_scheme(path)


@pytest.mark.parametrize(
    ("rate", "grade"),
    [(1.0, "A"), (0.9, "A"), (0.8999, "B"), (0.75, "B"), (0.7499, "C"), (0.6, "C"), (0.4, "D"), (0.3999, "E")],
)
def test_grade_boundaries(rate: float, grade: str) -> None:
    scheme = load_indicator_scheme()  # dispatcher: 准确派遣率 100%
    value, got = composite({"level": "dispatcher", "准确派遣率": rate}, scheme)
    assert value == Decimal(str(rate * 100)).quantize(Decimal("0.01")) and got == grade


def test_grade_thresholds_are_configurable(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "i.yaml",
        "grades: {优秀: 95, 良好: 80, 合格: 60}\nlowest: 不合格\nlevels:\n  dispatcher: {准确派遣率: 100}\n",
    )
    scheme = load_indicator_scheme(path)
    assert [composite({"level": "dispatcher", "准确派遣率": r}, scheme)[1] for r in (0.95, 0.9, 0.6, 0.59)] == [
        "优秀", "良好", "合格", "不合格",
    ]  # fmt: skip
    bad = write(tmp_path, "j.yaml", "grades: {A: 75, B: 90}\nlevels: {}\n")
    with pytest.raises(ConfigError, match="thresholds must go down from the best grade"):
        load_indicator_scheme(bad)


def test_every_level_has_bundled_weights() -> None:
    scheme = load_indicator_scheme()
    for level, table in metrics_by_level(month_frame(), MARCH, calendar=PLAIN).items():
        assert level in LEVELS
        graded = with_composite(table, scheme)
        assert graded["综合指标值"].is_between(0, 100).all()
