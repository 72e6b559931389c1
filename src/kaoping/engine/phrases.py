"""Explanation lines (得分说明) as text, in English or Chinese, and the names of flags (问责标记).

The engine records each explanation line as a message key with parameters (:class:`Msg`, simple values);
this module is the one place that turns them into words.  English is what the CLI's ``--explain`` and the
JSON print (``rule``, pinned by tests and scripts); Chinese is what the pages and bulletins show.  Numbers,
dates and the office's own names (parts, items, titles, flag codes) pass through as they are.  Kept in the
engine package, free of web and report code, so output/, web/ and reports/ all render the same lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from kaoping.engine.numbers import fmt

if TYPE_CHECKING:
    from kaoping.engine.result import Line
    from kaoping.scheme.model import FlagRule


class Lang(StrEnum):
    """The languages lines are written in."""

    EN = "en"
    ZH = "zh"


class Msg(StrEnum):
    """What an explanation line says; each key has one English and one Chinese wording below."""

    SCORE_ROWS = "score_rows"
    OVER_TIME = "over_time"
    ITEMS_COMBINED = "items_combined"
    NO_SCORES = "no_scores"
    DEDUCTION_ITEM = "deduction_item"
    DEDUCTION_PART = "deduction_part"
    NO_DEDUCTIONS = "no_deductions"
    CASE_COUNTS = "case_counts"
    CASE_FORMULA = "case_formula"
    CASE_DIVISION_BY_ZERO = "case_division_by_zero"
    PART_COMBINED = "part_combined"
    HONOR = "honor"
    SCORE_BONUS = "score_bonus"
    RANK_BONUS = "rank_bonus"
    RULE_CAP = "rule_cap"
    BONUS_CAP = "bonus_cap"
    NOTICE = "notice"
    NOTICE_REPORT = "notice_report"
    TOTAL = "total"
    DERIVED_TOTAL = "derived_total"
    UNRATED = "unrated"
    EXCLUDED_DEDUCTION = "excluded_deduction"
    REWARD = "reward"
    PENALTY_TIER = "penalty_tier"
    NOT_ELIGIBLE = "not_eligible"
    DISQUALIFIED = "disqualified"
    FLAG = "flag"
    FAILED_VERIFICATIONS = "failed_verifications"
    TIE_BROKEN = "tie_broken"
    GRADE = "grade"
    UNGRADED = "ungraded"


Param = str | int | Decimal | bool
Params = Mapping[str, Param]
Wording = Callable[[Params], str]

HOW_ZH = {
    "mean": "取平均",
    "sum": "求和",
    "max": "取最高",
    "min": "取最低",
    "latest": "取最新",
    "trimmed_mean": "去掉一个最高分和一个最低分后取平均",
}
"""Combine methods (汇总方式) in Chinese."""


def _how(p: Params) -> str:
    """A combine method in English: its own name, except the trimmed mean, which is said in words."""
    how = str(p["how"])
    return "mean without the highest and the lowest" if how == "trimmed_mean" else how


LEVEL_ZH = {"national": "国家级", "provincial": "省级", "provincial_dept": "省级部门"}
"""Honor levels (表彰级别) in Chinese; a scheme's other level names pass through."""

WHOLE = "整体"
"""What an item-less row stands for: the whole part."""


def _n(p: Params, key: str) -> str:
    """A parameter as text: decimals in the explanation's short form (87.5, not 87.500000)."""
    value = p[key]
    return fmt(value) if isinstance(value, Decimal) else str(value)


def _clamped(p: Params, to: str) -> str:
    return f" → {to} {_n(p, 'value')}" if p["value"] != p["raw"] else ""


def _item(p: Params) -> str:
    return str(p["item"]) or WHOLE


def _honor_en(p: Params) -> str:
    capped = f" (of {_n(p, 'full')}: yearly cap {_n(p, 'cap')} reached)" if p["added"] != p["full"] else ""
    later = f", added {p['delay']} period(s) later" if p["delay"] else ""
    return f"{p['date']} {p['level']} {p['title']}: +{_n(p, 'added')}{capped}{later}"


def _honor_zh(p: Params) -> str:
    capped = f" （应加 {_n(p, 'full')}，已达年度上限 {_n(p, 'cap')}）" if p["added"] != p["full"] else ""
    later = f"，{p['delay']} 期后计入" if p["delay"] else ""
    level = LEVEL_ZH.get(str(p["level"]), str(p["level"]))
    return f"{p['date']} {level} {p['title']}: +{_n(p, 'added')}{capped}{later}"


def _notice_en(p: Params) -> str:
    state = f"rectified {p['rectified']}" if p["rectified"] else "not rectified"
    run = f"notification {p['ordinal']} in a row"
    return f"{p['problem']} notified {p['notified']} ({state}), {run}: −{_n(p, 'cost')}"


def _notice_zh(p: Params) -> str:
    state = f"{p['rectified']} 已整改" if p["rectified"] else "未整改"
    return f"{p['problem']} {p['notified']} 通报 ({state}), 连续第 {p['ordinal']} 次通报: −{_n(p, 'cost')}"


def _notice_report_en(p: Params) -> str:
    head = f"{p['problem']} (notified {p['notified']}, due {p['due']})"
    if p["failed"]:
        return f"{head} failed re-inspection {p['on']}: −{_n(p, 'cost')}"
    return f"{head} overdue, report {p['ordinal']} in a row: −{_n(p, 'cost')}"


def _notice_report_zh(p: Params) -> str:
    head = f"{p['problem']} {p['notified']} 通报, 整改期限 {p['due']}"
    if p["failed"]:
        return f"{head}, {p['on']} 复查不合格: −{_n(p, 'cost')}"
    return f"{head}, 逾期未整改, 连续第 {p['ordinal']} 次通报: −{_n(p, 'cost')}"


def _total_en(p: Params) -> str:
    minus = f" − penalties {_n(p, 'penalty')}" if p["penalty"] else ""
    floored = f" → {_n(p, 'total')} (never below {_n(p, 'floor')})" if p["total"] != p["raw"] else ""
    return f"{_n(p, 'base')} + bonus {_n(p, 'bonus')}{minus} = {_n(p, 'raw')}{floored}"


def _total_zh(p: Params) -> str:
    minus = f" − 整改扣分 {_n(p, 'penalty')}" if p["penalty"] else ""
    floored = f" → {_n(p, 'total')}（不低于 {_n(p, 'floor')}）" if p["total"] != p["raw"] else ""
    return f"{_n(p, 'base')} + 加分 {_n(p, 'bonus')}{minus} = {_n(p, 'raw')}{floored}"


def _reward_en(p: Params) -> str:
    moved = f" (group rank {p['group_rank']})" if p["group_rank"] != p["position"] else ""
    return f"第{p['position']}名奖励: {int(p['amount']):+,} 元{moved}"


def _reward_zh(p: Params) -> str:
    moved = f" （组内名次 {p['group_rank']}）" if p["group_rank"] != p["position"] else ""
    return f"第{p['position']}名奖励: {int(p['amount']):+,} 元{moved}"


FLAG_CONDITIONS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    # condition: ((English, English for n ≤ 1), (Chinese, Chinese for n ≤ 1)); any other condition is "last"
    "flagged": (("flagged {flagged}",) * 2, ("已标记 {flagged}",) * 2),
    "rank": (("{task} rank worse than {n}",) * 2, ("{task} 名次在第 {n} 名之后",) * 2),
    "top": (("first {n}", "first"), ("前 {n} 名", "第一名")),
    "below": (("total below {n}",) * 2, ("总分低于 {n}",) * 2),
    "grade": (("grade {grade}",) * 2, ("等次为{grade}",) * 2),
    "last": (("last {n}", "last"), ("末 {n} 名", "末位")),
}
"""What a flag rule's condition says, in each language; ``{name}`` stands for the line's parameter."""

FLAG_RUN = (" in {consecutive} periods in a row", "，连续 {consecutive} 期")
"""How a flag held for several periods in a row says so (English, Chinese)."""


def _flag(chinese: bool) -> Wording:
    """The flag line's wording in one language: the flag (its code in English, its name in Chinese: the
    scheme's label, else the built-in name), what its condition says, and the run of periods."""

    def wording(p: Params) -> str:
        words = {key: _n(p, key) for key in p}
        many, one = FLAG_CONDITIONS.get(str(p["condition"]), FLAG_CONDITIONS["last"])[chinese]
        what = many if many == one or int(p["n"]) > 1 else one
        run = FLAG_RUN[chinese] if int(p["consecutive"]) > 1 else ""
        code = str(p["code"])
        name = (str(p.get("label") or "") or FLAG_NAMES.get(code, code)) if chinese else code
        return f"{name}: " + (what + run).format(**words)

    return wording


def _band(p: Params, at_least: str, below: str) -> str:
    """Where a grade line's total stands: at or above its band's lower bound, else below the band above."""
    if p["min"]:
        return at_least.format(p["min"])
    return below.format(p["above"]) if p["above"] else ""


def _case_formula(p: Params, clamped: str, none: str) -> str:
    return none * bool(p["no_cases"]) + f"{p['formula']} = {_n(p, 'raw')}" + _clamped(p, clamped)


def _score_rows(p: Params, many: str) -> str:
    return f"{p['period']} {_item(p)}: " + (many + " = " if int(p["n"]) > 1 else "") + _n(p, "value")


def _deduction_item(p: Params, what: str, capped: str) -> str:
    note = capped.format(_n(p, "counted")) if p["counted"] != p["points"] else ""
    return f"{_item(p)}: {what} −{_n(p, 'points')}{note}"


def _part_combined(p: Params, zero: str, clamped: str) -> str:
    terms = f"{p['terms']} {zero}" if p["division_by_zero"] else str(p["terms"])
    return f"{terms} = {_n(p, 'raw')}" + _clamped(p, clamped)


def _both(wording: Wording) -> tuple[Wording, Wording]:
    """A message worded alike in both languages (the Chinese terms of a bulletin, kept in English output)."""
    return wording, wording


WORDINGS: dict[Msg, tuple[Wording, Wording]] = {
    # key: (English, Chinese)
    Msg.SCORE_ROWS: (
        lambda p: _score_rows(p, f"{_how(p)} of {p['n']} rows"),
        lambda p: _score_rows(p, f"{p['n']} 条记录{HOW_ZH[str(p['how'])]}"),
    ),
    Msg.OVER_TIME: (
        lambda p: f"{_how(p)} over {p['n']} periods ({p['values']})",
        lambda p: f"{p['n']} 个期间{HOW_ZH[str(p['how'])]} ({p['values']})",
    ),
    Msg.ITEMS_COMBINED: (lambda p: f"{_how(p)} of items", lambda p: f"各项{HOW_ZH[str(p['how'])]}"),
    Msg.NO_SCORES: (lambda p: f"no scores in the period: {_n(p, 'min')}", lambda p: f"本期无评分： {_n(p, 'min')}"),
    Msg.DEDUCTION_ITEM: (
        lambda p: _deduction_item(p, f"{p['n']} deduction(s)", " (item capped at {})"),
        lambda p: _deduction_item(p, f"扣分 {p['n']} 次", " （单项封顶 {}）"),
    ),
    Msg.DEDUCTION_PART: (
        lambda p: f"{_n(p, 'max')} − {_n(p, 'deducted')} = {_n(p, 'value')}" + " (floored)" * bool(p["floored"]),
        lambda p: f"{_n(p, 'max')} − {_n(p, 'deducted')} = {_n(p, 'value')}" + "（保底）" * bool(p["floored"]),
    ),
    Msg.NO_DEDUCTIONS: (
        lambda p: f"no deductions: full {_n(p, 'full')}",
        lambda p: f"本期无扣分：满分 {_n(p, 'full')}",
    ),
    Msg.CASE_COUNTS: (lambda p: f"{p['n']} cases: {p['metrics']}", lambda p: f"案卷 {p['n']} 件： {p['metrics']}"),
    Msg.CASE_FORMULA: (
        lambda p: _case_formula(p, "clamped to", "no cases in the period: "),
        lambda p: _case_formula(p, "限定为", "本期无案卷： "),
    ),
    Msg.CASE_DIVISION_BY_ZERO: (
        lambda p: (
            "no cases in the period: " * bool(p["no_cases"])
            + f"{p['formula']}: division by zero, counted as {_n(p, 'value')}"
        ),
        lambda p: "本期无案卷： " * bool(p["no_cases"]) + f"{p['formula']}: 除数为 0，按 {_n(p, 'value')} 计",
    ),
    Msg.PART_COMBINED: (
        lambda p: _part_combined(p, "(division by zero: counted as 0)", "clamped to"),
        lambda p: _part_combined(p, "（除数为 0，按 0 计）", "限定为"),
    ),
    Msg.HONOR: (_honor_en, _honor_zh),
    Msg.SCORE_BONUS: (
        lambda p: f"{_item(p)}: +{_n(p, 'value')}" + (f" ({_how(p)} of {p['n']})" if int(p["n"]) > 1 else ""),
        lambda p: (
            f"{_item(p)}: +{_n(p, 'value')}" + (f" （{p['n']} 条{HOW_ZH[str(p['how'])]}）" if int(p["n"]) > 1 else "")
        ),
    ),
    Msg.RANK_BONUS: (
        lambda p: f"{p['period']} {p['task']} rank {p['rank']}: +{_n(p, 'points')}",
        lambda p: f"{p['period']} {p['task']} 第 {p['rank']} 名: +{_n(p, 'points')}",
    ),
    Msg.RULE_CAP: (
        lambda p: f"{_n(p, 'points')} capped at {_n(p, 'cap')}",
        lambda p: f"{_n(p, 'points')} 封顶为 {_n(p, 'cap')}",
    ),
    Msg.BONUS_CAP: (
        lambda p: f"bonus {_n(p, 'total')} capped at {_n(p, 'cap')}",
        lambda p: f"加分 {_n(p, 'total')} 封顶为 {_n(p, 'cap')}",
    ),
    Msg.NOTICE: (_notice_en, _notice_zh),
    Msg.NOTICE_REPORT: (_notice_report_en, _notice_report_zh),
    Msg.TOTAL: (_total_en, _total_zh),
    Msg.DERIVED_TOTAL: (
        lambda p: f"{_how(p)} of {p['n']} periods ({p['values']}) = {_n(p, 'total')}",
        lambda p: f"{p['n']} 个期间{HOW_ZH[str(p['how'])]} ({p['values']}) = {_n(p, 'total')}",
    ),
    Msg.UNRATED: (
        lambda p: "未考评: no row scores this unit in the period; not ranked",
        lambda p: "未考评: 本期没有对该单位的评分，不参加排名",
    ),
    Msg.EXCLUDED_DEDUCTION: (
        lambda p: (
            f"{_item(p)} −{p['points']}: {p['date']} {p['time']} "
            f"is outside the inspection window {p['window']}: not counted"
        ),
        lambda p: f"{_item(p)} −{p['points']}: {p['date']} {p['time']} 不在考评时段 {p['window']} 内：不计扣分",
    ),
    Msg.REWARD: (_reward_en, _reward_zh),
    Msg.PENALTY_TIER: _both(lambda p: f"倒数第{p['position']}名处罚: {int(p['amount']):+,} 元"),
    Msg.NOT_ELIGIBLE: (
        lambda p: "不参加经济奖惩 (reward_eligible = false): skipped, 递补",
        lambda p: "不参加经济奖惩 ：跳过, 递补",
    ),
    Msg.DISQUALIFIED: _both(lambda p: f"{p['date']} {p['title']}: 取消获奖资格, 后位名次递补"),
    Msg.FLAG: (_flag(chinese=False), _flag(chinese=True)),
    Msg.TIE_BROKEN: (
        lambda p: (
            f"total {_n(p, 'total')} equal to {p['others']}: ordered by {p['parts']} "
            f"(this unit {p['own']}) → rank {p['rank']}"
        ),
        lambda p: (
            f"总分 {_n(p, 'total')} 与 {p['others']} 相同：按 {p['parts']} 排序（本单位 {p['own']}）→ 第 {p['rank']} 名"
        ),
    ),
    Msg.FAILED_VERIFICATIONS: (
        lambda p: f"{p['code']}: {p['n']} failed verification(s) (核查不通过)",
        lambda p: f"核查不通过 {p['n']} 次",
    ),
    Msg.GRADE: (
        lambda p: f"{_n(p, 'total')}" + _band(p, " ≥ {}", " < {}") + f": grade {p['grade']}",
        lambda p: f"总分 {_n(p, 'total')}" + _band(p, "（{} 分及以上）", "（{} 分以下）") + f"：等次为“{p['grade']}”",
    ),
    Msg.UNGRADED: (
        lambda p: f"{_n(p, 'total')} is below every grade band: not graded",
        lambda p: f"总分 {_n(p, 'total')} 低于所有等次的下限：不定等次",
    ),
}
"""Each message in English and in Chinese, side by side so that a change to one is seen next to the other."""
EN: dict[Msg, Wording] = {key: english for key, (english, _) in WORDINGS.items()}
ZH: dict[Msg, Wording] = {key: chinese for key, (_, chinese) in WORDINGS.items()}
"""One language's wordings, as a table of its own."""


def phrase(key: Msg, params: Params, lang: str = Lang.EN) -> str:
    """The text of one message; a language other than Chinese reads English."""
    return (ZH if lang == Lang.ZH else EN)[key](params)


def line_text(line: Line, lang: str = Lang.EN) -> str:
    """A line as the reader sees it: the sub-periods it came from (``[2024-Q1] [2024-01]``), then its message."""
    return "".join(f"[{p}] " for p in line.periods) + phrase(line.key, line.params, lang)


# --- flag names (问责标记) ------------------------------------------------------------------------------

FLAG_NAMES = {
    "statement": "末位表态发言",
    "public_explanation": "公开说明原因",
    "reminder": "提醒",
    "supervision": "督导",
    "warning": "预警",
    "disqualified": "取消获奖资格",
    "commended": "表彰",
    "unqualified_cases": "核查不通过",
}
"""Built-in Chinese names of the flag codes the built-in schemes use; a scheme's ``label`` comes first."""


def flag_label(code: str, rules: Iterable[FlagRule] = ()) -> str:
    """A flag code as a bulletin or page prints it, in Chinese.

    The flag rule's own ``label`` wins, then the built-in name; a code known to neither is shown as it
    is.  A counted flag (``unqualified_cases:3``) reads as its name and the count: 核查不通过3次.
    """
    name, _, count = code.partition(":")
    labels = {r.code: r.label for r in rules if r.label}
    text = labels.get(name) or FLAG_NAMES.get(name)
    if text is None:
        return code
    return f"{text}{count}次" if count else text
