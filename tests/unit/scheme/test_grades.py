"""Grade bands (等次) as a scheme construct: read at scheme and group level, checked at load in Chinese
(ordered best first, not overlapping, names once, ``min`` left out only on the last band), and a flag by grade
naming a grade of every group it applies to."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaoping.scheme import SchemeError, load_scheme, parse_scheme
from kaoping.scheme.grades import GradeBand, band_text, grade_of
from kaoping.scheme.model import GradeIs

BASE = """
scheme: test
title: 测试方案
periods: {month: {}}
groups: [{name: 一组}, {name: 二组, grades: [{name: 达标, min: 80}, {name: 不达标}]}]
parts: [{name: P, max: 100, source: deductions}]
"""


def problems(extra: str) -> list[str]:
    with pytest.raises(SchemeError) as info:
        parse_scheme(BASE + extra, "test.yaml")
    return info.value.problems


def test_bands_at_scheme_and_group_level() -> None:
    scheme = parse_scheme(
        BASE + "grades: [{name: 优秀, min: 90}, {name: 良好, min: 80}, {name: 合格, min: 60}, {name: 不合格}]\n"
        "flags: [{code: accountable, label: 问责, grade: 不合格, groups: [一组]}]\n",
        "test.yaml",
    )
    assert [b.name for b in scheme.grades_of("一组")] == ["优秀", "良好", "合格", "不合格"]
    assert [b.name for b in scheme.grades_of("二组")] == ["达标", "不达标"]  # the group's own
    assert scheme.graded
    assert scheme.flags[0].condition == GradeIs(grade="不合格")
    assert scheme.flags[0].condition.sentence() == ("考评等次为“{g}”", {"g": "不合格"})


def test_grade_of_takes_the_first_band_reached_best_first() -> None:
    bands = [GradeBand(name="优秀", min=Decimal(90)), GradeBand(name="合格", min=Decimal(60))]
    assert grade_of(bands, Decimal("90.00")).name == "优秀"  # type: ignore[union-attr]  # min is inclusive
    assert grade_of(bands, Decimal("89.99")).name == "合格"  # type: ignore[union-attr]
    assert grade_of(bands, Decimal("59.99")) is None  # the last band has a min: below it, no grade
    assert band_text(bands) == ["优秀：90 分及以上", "合格：60 分及以上、90 分以下"]
    assert band_text([*bands, GradeBand(name="不合格")])[-1] == "不合格：60 分以下"


def test_an_ungraded_scheme_is_not_graded() -> None:
    assert not load_scheme("city-1000").graded


def test_bands_out_of_order_overlapping_or_repeated_are_refused_in_chinese() -> None:
    got = problems("grades: [{name: 良好, min: 80}, {name: 优秀, min: 90}, {name: 良好, min: 80}]\n")
    assert got == [
        "grades: 等次名称“良好”重复；每个等次只能写一次",
        "grades[1] (优秀).min: 下限 90 不低于上一等次“良好”的下限 80；等次须按分数从高到低排列，互不重叠",
    ]
    got = problems("grades: [{name: 优秀, min: 90}, {name: 良好, min: 90}]\n")  # two bands at one bound overlap
    assert got == ["grades[1] (良好).min: 下限 90 不低于上一等次“优秀”的下限 90；等次须按分数从高到低排列，互不重叠"]


def test_only_the_last_band_may_leave_out_its_minimum() -> None:
    got = problems("grades: [{name: 优秀, min: 90}, {name: 一般}, {name: 差, min: 0}]\n")
    assert got == ["grades[1] (一般).min: 只有最后一个等次可以不写下限（其余等次须写 min）"]


def test_a_group_s_bands_are_checked_with_its_path() -> None:
    text = BASE.replace("{name: 达标, min: 80}, {name: 不达标}", "{name: 达标, min: 80}, {name: 达标, min: 70}")
    with pytest.raises(SchemeError) as info:
        parse_scheme(text, "test.yaml")
    assert info.value.problems == ["groups[1] (二组).grades: 等次名称“达标”重复；每个等次只能写一次"]


def test_a_flag_by_a_grade_no_group_has_is_refused() -> None:
    got = problems("grades: [{name: 优秀, min: 90}, {name: 不合格}]\nflags: [{code: accountable, grade: 差}]\n")
    hint = "请在 grades 中写明该等次或改正名称"
    assert got == [f"flags[0] (accountable).grade: “差”不是分组 ['一组', '二组'] 的等次；{hint}"]
    got = problems("grades: [{name: 优秀, min: 90}, {name: 不合格}]\nflags: [{code: a, grade: 不合格}]\n")
    assert got == ["flags[0] (a).grade: “不合格”不是分组 ['二组'] 的等次；请在 grades 中写明该等次或改正名称"]


def test_a_band_name_is_bounded() -> None:
    got = problems("grades: [{name: '" + "优" * 21 + "', min: 90}]\n")
    assert got[0].startswith("grades[0] (" + "优" * 21 + ").name: String should have at most 20 characters")


# ---------------------------------------------------------------- 应报分数: due and by (scheme/due.py)

OWED = """
scheme: owed
title: 应报
periods: {quarter: {}}
groups: [{name: 各区, items: [甲项, 乙项]}]
parts:
  - {name: P, max: 100, source: scores, items: group, given_per: quarter, %s}
"""


def test_due_reads_the_plan_s_deadline() -> None:
    from datetime import date

    from kaoping.periods import parse_period
    from kaoping.scheme.due import Due

    assert Due(day=25).deadline(parse_period("2024-Q1")) == date(2024, 3, 25)  # 每季度末月25日前
    assert Due(day=5, month="next").deadline(parse_period("2024-Q4")) == date(2025, 1, 5)  # 次月5日前
    assert Due(day=31).deadline(parse_period("2024-02")) == date(2024, 2, 29)  # past the month's end: its last day
    scheme = parse_scheme(OWED % "due: {day: 25}, by: {甲项: [城管局], 乙项: [城管局, 园林局]}", "o.yaml")
    assert scheme.parts[0].scorers_of("乙项") == ["城管局", "园林局"]  # type: ignore[union-attr]


def test_by_is_checked_at_load() -> None:
    with pytest.raises(SchemeError) as info:
        parse_scheme(OWED % "by: [城管局]", "o.yaml")
    assert info.value.problems == ["parts[0] (P).by: 报送单位须与报送时限 due 同时写明（未写 due 的项目不催报）"]
    with pytest.raises(SchemeError) as info:
        parse_scheme(OWED % "due: {day: 25}, by: {丙项: [城管局]}", "o.yaml")
    assert info.value.problems == ["parts[0] (P).by: ['丙项'] 不是本项目的考评内容"]
    with pytest.raises(SchemeError) as info:
        parse_scheme(OWED % "due: {day: 32}", "o.yaml")
    assert "due.day" in info.value.problems[0]
