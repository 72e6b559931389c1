"""Scheme problems said in Chinese first, with their English twin (方案错误提示).

Most of the loader's messages name a path and quote Pydantic; the traps an office falls into when it writes
a plan from its document (a weight that is silently ignored, a penalty written as a reward, ``bottom`` read
from the wrong end, a tab) are said here in words, each with the fix.  A problem is a ``str`` (the Chinese
text, what ``SchemeError`` lists) that also carries its English: callers that only print keep working, and
``kaoping check --lang en`` prints the English.
"""

from __future__ import annotations

from enum import Enum


class Said(str):
    """A problem's Chinese text, with its English as ``en``."""

    en: str

    def __new__(cls, zh: str, en: str) -> Said:
        said = super().__new__(cls, zh)
        said.en = en
        return said

    def __reduce__(self) -> tuple[type[Said], tuple[str, str]]:
        return (Said, (str(self), self.en))


def in_lang(problem: str, lang: str) -> str:
    """``problem`` in ``lang``: English where it has one (``en``), else as written."""
    return problem.en if lang == "en" and isinstance(problem, Said) else str(problem)


class SchemeMsg(Enum):
    """A trap of the scheme language: ``(Chinese, English)`` templates with the same ``{placeholders}``."""

    TAB = (
        "第 {line} 行第 {column} 列是制表符（Tab）：YAML 只能用空格缩进和分隔，请把这个 Tab 换成空格",
        "line {line}, column {column} is a tab: YAML is indented and separated by spaces; replace the tab with spaces",
    )
    WEIGHT_IGNORED_TOP = (
        "{names} 写了 weight，但文件顶层没有 combine: weighted（现为 {combine}）：权重会被忽略，各部分得分直接相加。"
        "请在文件顶层写 combine: weighted，或删去 weight",
        "{names} give a weight, but the top level is not combine: weighted (it is {combine}): the weights would be "
        "ignored and the parts' scores simply added. Write combine: weighted at the top of the file, or remove weight",
    )
    WEIGHT_IGNORED_NODE = (
        "{path}：子部分 {names} 写了 weight，但本部分的 combine 是 {combine}，不是 weighted：权重会被忽略。"
        "请在本部分写 combine: weighted，或删去 weight",
        "{path}: sub-parts {names} give a weight, but this part's combine is {combine}, not weighted: the weights "
        "would be ignored. Write combine: weighted on this part, or remove weight",
    )
    ROUND_TERMS_UNWEIGHTED = (
        "{path}round_terms：只对 combine: weighted 起作用（逐项加权后先四舍五入再相加），这里的 combine 是 {combine}。"
        "请写 combine: weighted，或删去 round_terms",
        "{path}round_terms: only applies with combine: weighted (each weighted term rounded before they are added); "
        "here combine is {combine}. Write combine: weighted, or remove round_terms",
    )
    TOP_NOT_POSITIVE = (
        "rewards.tiers.{group}.top[{index}]：top 是奖励（第 {position} 名），金额应为正数，现为 {amount}，"
        "名列前茅者反而被罚。请写作 {fixed}",
        "rewards.tiers.{group}.top[{index}]: top is a reward (rank {position}), so the amount must be positive; "
        "it is {amount}, which would fine a unit at the top. Write {fixed}",
    )
    BOTTOM_NOT_NEGATIVE = (
        "rewards.tiers.{group}.bottom[{index}]：bottom 是处罚（倒数第 {position} 名），金额应为负数，现为 {amount}，"
        "排名末位者反而得奖。请写作 {fixed}（也可写 {fixed_wan}）",
        "rewards.tiers.{group}.bottom[{index}]: bottom is a penalty ({position} from last), so the amount must be "
        "negative; it is {amount}, which would reward a unit at the bottom. Write {fixed} (or {fixed_wan})",
    )
    BOTTOM_ORDER = (
        "rewards.tiers.{group}.bottom：bottom 从最后一名算起——bottom[0] 给倒数第一名，bottom[1] 给倒数第二名……；"
        "照此读法，倒数第一名罚 {worst}，倒数第 {position} 名却罚 {harsher}。"
        "若按文件“倒数第 {count} 名……倒数第一名”的顺序书写，请加 bottom_order: worst_last；"
        "若确是此意，请加 bottom_order: worst_first",
        "rewards.tiers.{group}.bottom: bottom counts from the last unit (bottom[0] is for the last, bottom[1] for the "
        "second-last ...); read so, the last unit is fined {worst} but the unit {position} from last {harsher}. "
        "If the amounts are written as the document lists them ({count} from last ... last), add "
        "bottom_order: worst_last; if this is meant, add bottom_order: worst_first",
    )
    REWARDS_WITHOUT_TIERS = (
        "rewards.{key}：rewards 之下先写 tiers，再写分组。是否应为 rewards.tiers.{key}？",
        "rewards.{key}: groups go under rewards.tiers. Did you mean rewards.tiers.{key}?",
    )
    NAME_TWICE = (
        "名称“{name}”用了两次：{first}，以及 {second}；部分、别名和加分项的名称必须唯一，请改掉其中一个",
        "the name '{name}' is used twice: at {first} and at {second}; names of parts, aliases and bonus rules must be "
        "unique — rename one of them",
    )
    FORMULA_NAME = (
        "{path}.formula：子部分“{name}”的名称含有公式里不能用的字符 {chars}（如括号），公式无法写出这个名称。"
        '请把该子部分改名为 {fixed}，并写 aliases: ["{name}"]（数据行照旧可用原名），公式里写 {fixed}',
        "{path}.formula: sub-part '{name}' has characters a formula cannot contain ({chars}, e.g. brackets), so no "
        'formula can name it. Rename the sub-part to {fixed} with aliases: ["{name}"] (data rows may keep the old '
        "name) and write {fixed} in the formula",
    )
    MONEY = (
        "{path}：{got} 不是金额：应为整数元（如 500000）或万元（如 50万、-60万）",
        "{path}: {got} is not an amount of money: expected whole yuan (500000) or 万 (50万, -60万)",
    )
    MONEY_NOT_WHOLE = (
        "{path}：{got} 是 {yuan} 元，不是整数元：金额以元为单位，不带角分",
        "{path}: {got} is {yuan} yuan, not whole yuan: money is whole yuan",
    )


def say(msg: SchemeMsg, **params: object) -> Said:
    """``msg`` with ``params`` filled in, in both languages."""
    zh, en = msg.value
    return Said(zh.format(**params), en.format(**params))


def wan(amount: int) -> str:
    """An amount as an office writes it in 万 (-600000 → -60万), or in yuan if it is not whole 万."""
    return f"{amount // 10000}万" if amount % 10000 == 0 else str(amount)
