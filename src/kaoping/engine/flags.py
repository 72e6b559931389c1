"""Accountability flags (问责标记) and disqualification (取消获奖资格).

Each flag rule has one condition — among the last N of its group, flagged by an earlier rule, ranked
worse than K in an outside evaluation, cases that failed verification — that may have to hold over
several consecutive periods.  Earlier periods are evaluated by the caller's ``earlier`` function (the
engine, with its cache), so a 督导 after two 提醒 in a row needs no special code.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from kaoping.cases.cells import period_failures
from kaoping.engine.numbers import ZERO
from kaoping.engine.phrases import Msg, Param
from kaoping.engine.ranking import REWARDS, bottom_sets
from kaoping.engine.result import Line, LineKind, PeriodResult, UnitResult
from kaoping.facts import Facts
from kaoping.periods import Period
from kaoping.scheme.model import (
    FailedVerifications,
    FirstInGroup,
    FlaggedEarlier,
    FlagRule,
    GradeIs,
    LastInGroup,
    OutsideRankWorse,
    Scheme,
    TotalBelow,
)

ACCOUNTABILITY = "问责"
"""The ``part`` of flag lines."""

Earlier = Callable[[Period, bool], PeriodResult]
"""(period, with_flags) → that period's result."""


def disqualify(scheme: Scheme, facts: Facts, period: Period, result: PeriodResult) -> set[str]:
    """Units with an honor of the disqualifying kind (通报批评) dated in the period: flagged, no reward."""
    rule = scheme.rewards.disqualify
    if rule is None:
        return set()
    hits = facts.honors.filter((pl.col("kind") == rule.honor_kind) & period.holds("date"))
    label = facts.label("honors")
    out: set[str] = set()
    for r in hits.sort("unit_id", "date", "_row").iter_rows(named=True):
        unit = result.unit(r["unit_id"])
        if unit is None:
            continue
        if rule.flag not in unit.flags:
            unit.flags.append(rule.flag)
        out.add(unit.unit_id)
        params = {"date": str(r["date"]), "title": r["title"]}
        unit.lines.append(Line(REWARDS, LineKind.REWARD, Msg.DISQUALIFIED, params, ZERO, label, (r["_row"],)))
    return out


def apply_flags(scheme: Scheme, facts: Facts, period: Period, result: PeriodResult, earlier: Earlier) -> None:
    """Add every flag rule's code to the units that meet its condition (in rule order)."""
    for rule in scheme.flags:
        if isinstance(rule.condition, FailedVerifications):
            _failed_verifications(rule, facts, period, result)
            continue
        hit = _hits(rule, facts, period, result)
        for k in range(1, rule.consecutive):
            prev = earlier(period.shift(-k), isinstance(rule.condition, FlaggedEarlier))
            hit &= _hits(rule, facts, period.shift(-k), prev) if prev.evaluated else set()
        for u in result.units():
            if u.unit_id in hit and rule.code not in u.flags:
                u.flags.append(rule.code)
                u.lines.append(Line(ACCOUNTABILITY, LineKind.FLAG, Msg.FLAG, _condition(rule), ZERO))


def _in_scope(rule: FlagRule, group: str) -> bool:
    return not rule.groups or group in rule.groups


def _hits(rule: FlagRule, facts: Facts, period: Period, result: PeriodResult) -> set[str]:
    """Unit ids meeting ``rule``'s condition in one period: the one place a condition is applied."""
    match rule.condition:
        case FlaggedEarlier() | TotalBelow() | GradeIs():
            return {u.unit_id for u in result.units() if _meets(rule.condition, u) and _in_scope(rule, u.group)}
        case OutsideRankWorse(rank=cond):
            rows = facts.ranks.filter(
                pl.col("period").is_in(period.keys())
                & (pl.col("task") == cond.task)
                & (pl.col("rank") > cond.worse_than)
            )
            worse = set(rows.get_column("unit_id").to_list())
            return {u.unit_id for u in result.units() if u.unit_id in worse and _in_scope(rule, u.group)}
        case FirstInGroup(top=top):
            return _in_groups(rule, result, lambda ranking: {u.unit_id for u in ranking if u.rank <= top})
        case LastInGroup(bottom=bottom):
            return _in_groups(rule, result, lambda ranking: bottom_sets(ranking, bottom))
        case FailedVerifications():
            return set()  # counted per case with the count in the code: see _failed_verifications


def _meets(condition: FlaggedEarlier | TotalBelow | GradeIs, u: UnitResult) -> bool:
    """A condition one unit's own result decides: an earlier flag, its shown total, its grade (等次)."""
    match condition:
        case FlaggedEarlier(flagged=code):
            return code in u.flags
        case TotalBelow(below=below):
            return u.shown_total < below
        case GradeIs(grade=grade):
            return u.grade == grade


def _in_groups(rule: FlagRule, result: PeriodResult, pick: Callable[[list[UnitResult]], set[str]]) -> set[str]:
    """A ranking condition applied group by group, in the groups the rule covers."""
    out: set[str] = set()
    for gr in result.groups:
        if _in_scope(rule, gr.group):
            out |= pick(gr.ranking)
    return out


def _failed_verifications(rule: FlagRule, facts: Facts, period: Period, result: PeriodResult) -> None:
    label = facts.label("cases")
    for r in period_failures(facts.cases, facts.case_cells, period).iter_rows(named=True):
        unit = result.unit(r["unit_id"])
        if unit is None or not _in_scope(rule, unit.group) or r["n"] == 0:
            continue
        code = f"{rule.code}:{r['n']}"
        unit.flags.append(code)
        params = {"code": code, "n": r["n"]}
        line = Line(ACCOUNTABILITY, LineKind.FLAG, Msg.FAILED_VERIFICATIONS, params, ZERO, label, tuple(r["rows"]))
        unit.lines.append(line)


def _condition(rule: FlagRule) -> dict[str, Param]:
    """The flag line's parameters: the rule's code and its one condition (see phrases.Msg.FLAG)."""
    params: dict[str, Param] = {"code": rule.code, "consecutive": rule.consecutive, "flagged": "", "task": ""}
    params["label"] = rule.label or ""  # the Chinese line names the flag (末位表态发言), the English its code
    return {**params, **rule.condition.params()}
