"""Explanation lines in the reader's language.

The engine writes its explanation lines (``Line.rule``) once, for the CLI's ``--explain`` and the JSON, as
terse English around Chinese domain words ("环境卫生: 2 deduction(s) −5", "mean of 3 rows = 88").  A
Chinese page should not show half-English sentences, so the pages rewrite the engine's fixed phrases into
Chinese here; numbers, dates and the office's own names pass through untouched.  The engine is not changed:
its texts are part of what the CLI prints and tests pin.
"""

from __future__ import annotations

import re

HOW = {"mean": "取平均", "sum": "求和", "max": "取最高", "min": "取最低", "latest": "取最新"}
_HOW = "|".join(HOW)

ZH_PHRASES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\b({_HOW}) of (\d+) rows ="), r"\2 条记录{\1} ="),
    (re.compile(rf"\b({_HOW}) over (\d+) periods"), r"\2 个期间{\1}"),
    (re.compile(rf"\b({_HOW}) of (\d+) periods"), r"\2 个期间{\1}"),
    (re.compile(rf"\b({_HOW}) of items\b"), r"各项{\1}"),
    (re.compile(rf"\(({_HOW}) of (\d+)\)"), r"（\2 条{\1}）"),
    (re.compile(r"\b(\d+) deduction\(s\)"), r"扣分 \1 次"),
    (re.compile(r"\(item capped at ([^)]+)\)"), r"（单项封顶 \1）"),
    (re.compile(r"\b(\d+) cases:"), r"案卷 \1 件："),
    (re.compile(r"\b(\d+) failed verification\(s\)"), r"核查不通过 \1 次"),
    (re.compile(r"no cases in the period:"), "本期无案卷："),
    (re.compile(r"no deductions: full\b"), "本期无扣分：满分"),
    (re.compile(r"no scores in the period:"), "本期无评分："),
    (re.compile(r"no row scores this unit in the period; not ranked"), "本期没有对该单位的评分，不参加排名"),
    (re.compile(r"division by zero,? counted as"), "除数为 0，按"),
    (re.compile(r"\(division by zero: counted as 0\)"), "（除数为 0，按 0 计）"),
    (re.compile(r"→ clamped to"), "→ 限定为"),
    (re.compile(r"\bcapped at\b"), "封顶为"),
    (re.compile(r"\(of ([^:]+): yearly cap ([^)]+) reached\)"), r"（应加 \1，已达年度上限 \2）"),
    (re.compile(r", added (\d+) period\(s\) later"), r"，\1 期后计入"),
    (re.compile(r"\bnot rectified\b"), "未整改"),
    (re.compile(r"\brectified (\d{4}-\d\d-\d\d)"), r"\1 已整改"),
    (re.compile(r"\bnotified (\d{4}-\d\d-\d\d)"), r"\1 通报"),
    (re.compile(r"\bnotification (\d+) in a row"), r"连续第 \1 次通报"),
    (re.compile(r"\(group rank (\d+)\)"), r"（组内名次 \1）"),
    (re.compile(r"\brank worse than (\d+)"), r"名次在第 \1 名之后"),
    (re.compile(r"\brank (\d+)"), r"第 \1 名"),
    (re.compile(r"\btotal below\b"), "总分低于"),
    (re.compile(r" in (\d+) periods in a row"), r"，连续 \1 期"),
    (re.compile(r"\bfirst (\d+)\b"), r"前 \1 名"),
    (re.compile(r"\blast (\d+)\b"), r"末 \1 名"),
    (re.compile(r": last\b"), ": 末位"),
    (re.compile(r": first\b"), ": 第一名"),
    (re.compile(r" is outside the inspection window (\S+): not counted"), r" 不在考评时段 \1 内：不计扣分"),
    (re.compile(r"\bprovincial_dept\b"), "省级部门"),
    (re.compile(r"\bprovincial\b"), "省级"),
    (re.compile(r"\bnational\b"), "国家级"),
    (re.compile(r"− penalties\b"), "− 整改扣分"),
    (re.compile(r"\bflagged\b"), "已标记"),
    (re.compile(r"\(reward_eligible = false\): skipped"), "：跳过"),
    (re.compile(r"\+ bonus\b"), "+ 加分"),
    (re.compile(r"\bbonus\b"), "加分"),
]
"""Engine phrase → Chinese, applied in order (longer phrases first)."""

_COMBINE = re.compile(r"\{(" + _HOW + r")\}")


def rule_text(rule: str, lang: str) -> str:
    """``rule`` as the page shows it: rewritten into Chinese on Chinese pages, as the engine wrote it otherwise."""
    if lang != "zh":
        return rule
    out = rule
    for pattern, replacement in ZH_PHRASES:
        out = pattern.sub(replacement, out)
    return _COMBINE.sub(lambda m: HOW[m.group(1)], out)
