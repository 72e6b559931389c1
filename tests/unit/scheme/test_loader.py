"""Scheme files: built-ins load; broken schemes fail at load naming file, path and what was expected."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kaoping.scheme import SchemeError, builtin_names, load_scheme, parse_scheme
from kaoping.scheme.loader import builtin_text

BASE = """
scheme: test
title: 测试方案
periods: {month: {}}
groups: [{name: 第一组, size: 3, items: [道路保洁, 绿化养护]}]
"""


def problems(extra: str) -> list[str]:
    with pytest.raises(SchemeError) as info:
        parse_scheme(BASE + extra, "test.yaml")
    assert info.value.file == "test.yaml"
    assert str(info.value).startswith("invalid scheme test.yaml")
    return info.value.problems


def test_builtins_load() -> None:
    assert {"city-1000", "enforcement-100"} <= set(builtin_names())
    city = load_scheme("city-1000")
    assert [p.name for p in city.parts] == ["部门考评", "社会评价", "第三方测评"]
    assert city.main_kind.value == "quarter"
    assert len(city.groups[0].items) == 14 and len(city.groups[1].items) == 7


def test_scheme_file_by_path(tmp_path: Path) -> None:
    path = tmp_path / "my.yaml"
    path.write_text(BASE + "parts: [{name: 日常检查, max: 100, source: scores}]\n", encoding="utf-8")
    assert load_scheme(path).scheme == "test"
    with pytest.raises(SchemeError, match="no such scheme"):
        load_scheme(tmp_path / "missing.yaml")


def test_weights_must_add_up_to_100() -> None:
    got = problems(
        """
combine: weighted
parts:
  - {name: 日常检查, weight: 30, max: 100, source: scores}
  - {name: 定期暗查, weight: 40, max: 100, source: scores}
"""
    )
    assert got == ["(top level).parts: weights add up to 70, expected 100 (日常检查 30 + 定期暗查 40)"]


def test_nested_weights_and_missing_weight() -> None:
    got = problems(
        """
parts:
  - name: 实绩
    max: 100
    combine: weighted
    parts:
      - {name: a, weight: 50, source: scores}
      - {name: b, source: scores}
"""
    )
    assert got == ["parts[0] (实绩).parts: weighted, but ['b'] have no weight"]


def test_unknown_key_is_named_with_its_path() -> None:
    got = problems("parts: [{name: 日常检查, maxx: 100, source: scores}]\n")
    assert got == ["parts[0] (日常检查).maxx: Extra inputs are not permitted (got 100)"]


def test_bad_value_is_named_with_expected() -> None:
    got = problems("parts: [{name: 日常检查, max: 100, source: excel}]\n")
    expected = "parts[0] (日常检查).source: Input should be 'scores', 'deductions' or 'cases'"
    assert len(got) == 1 and got[0].startswith(expected)


def test_tier_beyond_group_size_and_unknown_group() -> None:
    got = problems(
        """
parts: [{name: 日常检查, max: 100, source: scores}]
rewards:
  tiers:
    第一组: {top: [3, 2, 1, 1]}
    第九组: {bottom: [-1]}
flags: [{code: statement, bottom: 4}]
"""
    )
    assert "rewards.tiers.第一组.top: 4 tiers but the group has 3 units" in got
    assert "rewards.tiers.第九组: unknown group; expected one of ['第一组']" in got
    assert "flags[0] (statement).bottom: 4 is beyond the size of ['第一组']" in got


def test_formula_names_checked_at_load() -> None:
    got = problems(
        """
parts:
  - name: 数字城管
    max: 100
    combine: formula
    formula: 结案率 * 60 + 按期率 * 40
    parts:
      - {name: 结案率, source: scores}
      - {name: 按期处置率, source: scores}
"""
    )
    assert got == [
        "parts[0] (数字城管).formula: formula '结案率 * 60 + 按期率 * 40' uses unknown name(s) 按期率; "
        "known: 按期处置率, 结案率"
    ]


def test_formula_may_not_call_arbitrary_functions() -> None:
    got = problems(
        """
parts:
  - name: x
    combine: formula
    formula: __import__('os')
    parts: [{name: a, source: scores}]
"""
    )
    assert "may be called" in got[0]


def test_duplicate_names_tie_break_and_period_rules() -> None:
    got = problems(
        """
periods: {month: {}, quarter: {from: year}}
display: {ties: [不存在]}
parts:
  - {name: 日常检查, max: 100, source: scores}
  - {name: 暗查, aliases: [日常检查], max: 100, source: scores}
"""
    )
    joined = "\n".join(got)
    assert "periods.quarter.from: 'year' is not one of this scheme's periods" in joined
    assert "名称“日常检查”用了两次：parts[0] (日常检查)，以及 parts[1] (暗查).aliases[0]" in joined
    assert "display.ties[0]: unknown part '不存在'" in joined


def test_deduction_part_needs_maximum_and_leaf_needs_source() -> None:
    got = problems("parts: [{name: 日常考评, source: deductions}, {name: 月督查}]\n")
    assert "parts[0] (日常考评).max: a deduction part needs its maximum" in got[0]
    assert got[1].startswith("parts[1] (月督查).source: a part without sub-parts needs a source")


def test_yaml_syntax_error() -> None:
    with pytest.raises(SchemeError, match="not valid YAML"):
        parse_scheme("scheme: [unclosed", "bad.yaml")


def test_builtin_descriptions_are_short_chinese_and_english() -> None:
    """A description is a sentence or two: Chinese in ``description``, English (no Chinese) in
    ``description_en``, within the bounds the model sets."""
    for name in builtin_names():
        scheme = load_scheme(name)
        assert scheme.description and re.search(r"[\u4e00-\u9fff]", scheme.description), name
        assert scheme.description_en and not re.search(r"[\u4e00-\u9fff]", scheme.description_en), name
        assert scheme.described("en") == scheme.description_en and scheme.described("zh") == scheme.description


def test_description_is_bounded_and_optional() -> None:
    text = builtin_text("city-1000") or ""
    bare = "\n".join(ln for ln in text.splitlines() if not ln.startswith("description"))
    assert parse_scheme(bare, "bare.yaml").described("en") == ""
    too_long = re.sub(r"^(version: \d+)$", r"\1\ndescription: " + "长" * 301, bare, count=1, flags=re.M)
    assert too_long != bare
    with pytest.raises(SchemeError):
        parse_scheme(too_long, "long.yaml")
