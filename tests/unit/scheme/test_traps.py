"""Traps of the scheme language (issue 19, point 4): each is refused at load, in Chinese first, with its fix.

Before, each of these loaded and scored wrongly without a word (weights ignored, the last units rewarded,
the last unit fined least).  Each test loads a small scheme that falls into one trap and checks the
message names the place and the fix, in Chinese and in English.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from kaoping.engine.evaluate import evaluate
from kaoping.facts import facts_from_frames
from kaoping.periods import parse_period
from kaoping.scheme import SchemeError, parse_scheme
from kaoping.scheme.said import Said

BASE = """
scheme: test
title: 测试方案
periods: {month: {}}
groups: [{name: 第一组, items: [道路保洁]}]
"""
ONE_PART = "parts: [{name: 得分, max: 100, source: scores, items: none}]\n"


def refused(extra: str) -> tuple[list[str], list[str]]:
    """The problems of ``BASE + extra`` in Chinese and in English."""
    with pytest.raises(SchemeError) as info:
        parse_scheme(BASE + extra, "t.yaml")
    problems = info.value.problems
    english = [p.en if isinstance(p, Said) else p for p in problems]
    return problems, english


def test_weights_without_weighted_combine_are_refused_not_ignored() -> None:
    zh, en = refused(
        "parts:\n  - {name: 日常检查, weight: 60, max: 100, source: scores}\n"
        "  - {name: 定期暗查, weight: 40, max: 100, source: scores}\n"
    )
    assert zh == [
        "日常检查、定期暗查 写了 weight，但文件顶层没有 combine: weighted（现为 sum）："
        "权重会被忽略，各部分得分直接相加。"
        "请在文件顶层写 combine: weighted，或删去 weight"
    ]
    assert "Write combine: weighted at the top of the file, or remove weight" in en[0]


def test_weights_under_a_summing_node_are_refused() -> None:
    zh, _ = refused(
        "parts:\n  - name: 实绩\n    parts:\n"
        "      - {name: 日常检查, weight: 60, max: 100, source: scores}\n"
        "      - {name: 定期暗查, max: 100, source: scores}\n"
    )
    assert zh == [
        "parts[0] (实绩)：子部分 日常检查 写了 weight，但本部分的 combine 是 sum，不是 weighted：权重会被忽略。"
        "请在本部分写 combine: weighted，或删去 weight"
    ]


def test_positive_penalty_and_negative_reward_are_refused_with_the_sign_fixed() -> None:
    zh, en = refused(ONE_PART + "rewards: {tiers: {第一组: {top: [-5万], bottom: [60万]}}}\n")
    assert zh == [
        "rewards.tiers.第一组.top[0]：top 是奖励（第 1 名），金额应为正数，现为 -50000，"
        "名列前茅者反而被罚。请写作 50000",
        "rewards.tiers.第一组.bottom[0]：bottom 是处罚（倒数第 1 名），金额应为负数，现为 600000，排名末位者反而得奖。"
        "请写作 -600000（也可写 -60万）",
    ]
    assert "must be negative; it is 600000" in en[1] and "Write -600000 (or -60万)" in en[1]


def test_bottom_in_the_documents_order_is_refused_saying_which_end_it_starts_from() -> None:
    zh, en = refused(ONE_PART + "rewards: {tiers: {第一组: {bottom: [-50万, -80万, -100万]}}}\n")
    assert zh == [
        "rewards.tiers.第一组.bottom：bottom 从最后一名算起——bottom[0] 给倒数第一名，bottom[1] 给倒数第二名……；"
        "照此读法，倒数第一名罚 50万，倒数第 3 名却罚 100万。"
        "若按文件“倒数第 3 名……倒数第一名”的顺序书写，请加 bottom_order: worst_last；"
        "若确是此意，请加 bottom_order: worst_first"
    ]
    assert "bottom counts from the last unit" in en[0] and "add bottom_order: worst_last" in en[0]


def test_either_order_said_explicitly_loads() -> None:
    tiers = "rewards: {tiers: {第一组: {bottom: [-50万, -80万, -100万], bottom_order: %s}}}\n"
    as_written = parse_scheme(BASE + ONE_PART + tiers % "worst_first", "t.yaml").rewards.tiers["第一组"]
    assert as_written.from_last == [-500_000, -800_000, -1_000_000]
    reversed_ = parse_scheme(BASE + ONE_PART + tiers % "worst_last", "t.yaml").rewards.tiers["第一组"]
    assert reversed_.from_last == [-1_000_000, -800_000, -500_000]


def test_worst_last_fines_the_last_unit_most() -> None:
    # Three units scored 90, 80, 70; bottom written as the document lists it (倒数第三 … 倒数第一):
    # u3 (last) −1,000,000; u2 (second-last) −800,000; u1 (third-last) −500,000 (and +50,000 as first).
    tiers = "rewards: {tiers: {第一组: {top: [5万], bottom: [-50万, -80万, -100万], bottom_order: worst_last}}}\n"
    scheme = parse_scheme(BASE + ONE_PART + tiers, "t.yaml")
    ids = ["u1", "u2", "u3"]
    unit_rows = pl.DataFrame({"unit_id": ids, "name": ids, "group": ["第一组"] * 3, "reward_eligible": [True] * 3})
    score_rows = pl.DataFrame(
        {"period": ["2024-03"] * 3, "unit_id": ids, "part": ["得分"] * 3, "item": [""] * 3, "score": [90.0, 80, 70]}
    )
    facts = facts_from_frames(units=unit_rows, scores=score_rows)
    got = evaluate(scheme, facts, parse_period("2024-03"))
    assert {u.unit_id: u.reward for u in got.units()} == {"u1": -450_000, "u2": -800_000, "u3": -1_000_000}
    assert {u.unit_id: u.total for u in got.units()} == {"u1": Decimal(90), "u2": Decimal(80), "u3": Decimal(70)}


def test_money_in_wan_is_whole_yuan() -> None:
    tiers = "rewards: {tiers: {第一组: {top: [5万, 2.5万, 800元, 1000], bottom: [-60万]}}}\n"
    got = parse_scheme(BASE + ONE_PART + tiers, "t.yaml").rewards.tiers["第一组"]
    assert (got.top, got.bottom) == ([50_000, 25_000, 800, 1000], [-600_000])
    zh, en = refused(ONE_PART + "rewards: {tiers: {第一组: {top: [五万, 0.00001万]}}}\n")
    assert zh == [
        "rewards.tiers.第一组.top[0]：'五万' 不是金额：应为整数元（如 500000）或万元（如 50万、-60万）",
        "rewards.tiers.第一组.top[1]：'0.00001万' 是 0.1 元，不是整数元：金额以元为单位，不带角分",
    ]
    assert en[1] == "rewards.tiers.第一组.top[1]: '0.00001万' is 0.1 yuan, not whole yuan: money is whole yuan"


def test_rewards_group_without_tiers_suggests_rewards_tiers() -> None:
    zh, en = refused(ONE_PART + "rewards: {第一组: {top: [5万]}}\n")
    assert zh == ["rewards.第一组：rewards 之下先写 tiers，再写分组。是否应为 rewards.tiers.第一组？"]
    assert en == ["rewards.第一组: groups go under rewards.tiers. Did you mean rewards.tiers.第一组?"]


def test_a_name_twice_says_where_both_are() -> None:
    zh, _ = refused(
        "parts:\n  - name: 实绩\n    parts:\n      - {name: 日常检查, max: 50, source: scores}\n"
        "      - {name: 暗查, max: 50, source: scores}\n  - {name: 日常检查, max: 50, source: scores}\n"
    )
    assert zh == [
        "名称“日常检查”用了两次：parts[0] (实绩).parts[0] (日常检查)，以及 parts[1] (日常检查)；"
        "部分、别名和加分项的名称必须唯一，请改掉其中一个"
    ]


@pytest.mark.parametrize(
    ("child", "formula", "fixed"),
    [
        ("结案率(%)", "结案率(%) * 0.6 + 按期率 * 0.4", "结案率"),  # written as named: does not parse
        ("社会评价（满意度）", "社会评价 * 0.6 + 按期率 * 0.4", "社会评价满意度"),  # the name before the bracket
        ("结案率(月)", "结案率(月) * 0.6 + 按期率 * 0.4", "结案率月"),  # parses as a call of 结案率
    ],
)
def test_a_bracketed_name_in_a_formula_suggests_a_name_and_an_alias(child: str, formula: str, fixed: str) -> None:
    zh, en = refused(
        f"parts:\n  - name: 运行效果\n    combine: formula\n    formula: {formula}\n    parts:\n"
        f'      - {{name: "{child}", max: 100, source: scores}}\n      - {{name: 按期率, max: 100, source: scores}}\n'
    )
    assert len(zh) == 1 and zh[0].startswith(
        f"parts[0] (运行效果).formula：子部分“{child}”的名称含有公式里不能用的字符"
    )
    assert f'请把该子部分改名为 {fixed}，并写 aliases: ["{child}"]' in zh[0]
    assert f"Rename the sub-part to {fixed}" in en[0]


def test_the_suggested_fix_loads() -> None:
    fixed = (
        "parts:\n  - name: 运行效果\n    combine: formula\n    formula: 结案率 * 0.6 + 按期率 * 0.4\n    parts:\n"
        '      - {name: 结案率, aliases: ["结案率(%)"], max: 100, source: scores}\n'
        "      - {name: 按期率, max: 100, source: scores}\n"
    )
    assert parse_scheme(BASE + fixed, "t.yaml").parts[0].name == "运行效果"


def test_a_tab_is_said_with_line_and_column_in_chinese() -> None:
    zh, en = refused("parts:\n  - {name: 得分, max: 100,\tsource: scores}\n")
    assert zh == ["第 7 行第 25 列是制表符（Tab）：YAML 只能用空格缩进和分隔，请把这个 Tab 换成空格"]
    assert en == ["line 7, column 25 is a tab: YAML is indented and separated by spaces; replace the tab with spaces"]
    zh, _ = refused("parts:\n\t- {name: 得分, max: 100, source: scores}\n")
    assert zh[0].startswith("第 7 行第 1 列是制表符")


def test_scheme_error_describes_itself_in_either_language() -> None:
    with pytest.raises(SchemeError) as info:
        parse_scheme(BASE + ONE_PART + "rewards: {第一组: {}}\n", "t.yaml")
    assert info.value.describe().startswith("方案 t.yaml 有误：\n  - rewards.第一组：")
    assert info.value.describe("en").startswith("invalid scheme t.yaml:\n  - rewards.第一组: groups go under")
