"""Evaluating one period of a scheme: facts → parts → totals → ranks → rewards → flags (考评计算).

This is the engine's entry point and a pure function of (scheme, facts, period).  Direct periods are
computed from the facts dated in them; derived periods (a year of quarters, a quarter of months) from
their evaluated sub-periods.  Flags over consecutive periods evaluate the earlier periods the same way.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from kaoping.engine.aggregate import canonical_parts, leaf_values, period_keys
from kaoping.engine.bonus import UnitBonus, bonus_for
from kaoping.engine.numbers import ZERO, combine, fmt
from kaoping.engine.ranking import apply_rewards, bottom_sets, rank_group
from kaoping.engine.result import GroupResult, Line, PeriodResult, UnitResult
from kaoping.engine.tree import part_value
from kaoping.io.readers import Facts
from kaoping.periods import Period
from kaoping.scheme.model import Combine, Scheme, Source

Cache = dict[tuple[str, bool], PeriodResult]


class UnsupportedPeriod(ValueError):
    """The scheme does not evaluate periods of this kind (a month asked of a quarterly plan)."""


def evaluate(scheme: Scheme, facts: Facts, period: Period) -> PeriodResult:
    """The full result of ``period``: ranking per group with rewards and flags where the scheme has them."""
    return _evaluate(scheme, facts, period, full=True, cache={})


def _evaluate(scheme: Scheme, facts: Facts, period: Period, *, full: bool, cache: Cache) -> PeriodResult:
    key = (str(period), full)
    if key in cache:
        return cache[key]
    rule = scheme.periods.get(period.kind)
    if rule is None:
        kinds = ", ".join(k.value for k in scheme.periods)
        raise UnsupportedPeriod(f"scheme {scheme.scheme} evaluates {kinds} periods; {period} is a {period.kind.value}")
    if rule.from_ is None:
        units = _direct(scheme, facts, period)
        evaluated = has_facts(scheme, facts, period)
    else:
        subs = [_evaluate(scheme, facts, sp, full=False, cache=cache) for sp in period.subperiods(rule.from_)]
        units = _derived(facts, subs, rule.combine)
        evaluated = any(s.evaluated for s in subs)
    groups: list[GroupResult] = []
    for g in scheme.groups:
        members = [u for u in units if u.group == g.name]
        if members:
            groups.append(GroupResult(g.name, rank_group(members, scheme.display)))
    result = PeriodResult(scheme.scheme, str(period), groups, evaluated)
    if full and evaluated:  # a period without data has no ranking to reward or flag
        disqualified = _disqualify(scheme, facts, period, result) if rule.rewards else set()
        if rule.rewards:
            for gr in result.groups:
                tiers = scheme.rewards.tiers.get(gr.group)
                if tiers is not None:
                    apply_rewards(gr.ranking, tiers, disqualified)
        if rule.flags:
            _flags(scheme, facts, period, result, cache)
    cache[key] = result
    return result


def _unit_rows(facts: Facts) -> list[dict[str, object]]:
    return list(facts.units.sort("unit_id").iter_rows(named=True))


def _direct(scheme: Scheme, facts: Facts, period: Period) -> list[UnitResult]:
    leaves = leaf_values(scheme, facts, period)
    bonuses = bonus_for(scheme, facts, period)
    roots = {g.name: scheme.root(g.name) for g in scheme.groups}
    out: list[UnitResult] = []
    for u in _unit_rows(facts):
        uid = str(u["unit_id"])
        root = roots[str(u["group"])]
        top = [p.name for p in root.parts]
        values: dict[str, Decimal] = {}
        lines: list[Line] = []
        base = part_value(root, uid, leaves, values, lines)
        values.pop(root.name, None)
        ub = bonuses.get(uid, UnitBonus())
        lines += ub.lines
        total = base + ub.total
        lines.append(Line("总分", f"{fmt(base)} + bonus {fmt(ub.total)} = {fmt(total)}", total))
        out.append(
            UnitResult(
                unit_id=uid,
                name=str(u["name"]),
                group=str(u["group"]),
                reward_eligible=bool(u["reward_eligible"]),
                parts=values,
                top_parts=top,
                bonus=ub.total,
                bonus_detail=ub.detail,
                total=total,
                lines=lines,
            )
        )
    return out


def _derived(facts: Facts, subs: list[PeriodResult], how: Combine) -> list[UnitResult]:
    """Combine sub-period results; a mean counts only the sub-periods that were evaluated (had facts)."""
    used = [s for s in subs if s.evaluated] if how == Combine.MEAN else subs
    out: list[UnitResult] = []
    for u in _unit_rows(facts):
        uid = str(u["unit_id"])
        per = [r for s in used if (r := s.unit(uid)) is not None]
        first = subs[0].unit(uid)
        assert first is not None  # every unit is in every sub-period result
        names = list(first.parts)
        lines: list[Line] = []
        for s, r in zip(used, per, strict=True):
            lines += [Line(ln.part, f"[{s.period}] {ln.rule}", ln.points, ln.file, ln.rows) for ln in r.lines]
        total = combine([r.total for r in per], how)
        shown = ", ".join(f"{s.period} {fmt(r.total)}" for s, r in zip(used, per, strict=True))
        lines.append(Line("总分", f"{how.value} of {len(per)} periods ({shown}) = {fmt(total)}", total))
        bonus_names = sorted({n for r in per for n in r.bonus_detail})
        out.append(
            UnitResult(
                unit_id=uid,
                name=first.name,
                group=first.group,
                reward_eligible=first.reward_eligible,
                parts={n: combine([r.parts[n] for r in per], how) for n in names},
                top_parts=first.top_parts,
                bonus=combine([r.bonus for r in per], how),
                bonus_detail={n: combine([r.bonus_detail.get(n, ZERO) for r in per], how) for n in bonus_names},
                total=total,
                lines=lines,
            )
        )
    return out


def has_facts(scheme: Scheme, facts: Facts, period: Period) -> bool:
    """Whether any row feeding a part of the scheme falls in ``period``.

    A period without such rows was not evaluated: it has no ranking, so nobody was "last" in it (an
    honor or a rank alone does not make a period evaluated — everyone would tie at 0).
    """
    score_names = list(canonical_parts([p for p in scheme.leaves() if p.source == Source.SCORES]))
    deduction_names = list(canonical_parts([p for p in scheme.leaves() if p.source == Source.DEDUCTIONS]))
    scores = facts.scores.filter(pl.col("period").is_in(period_keys(period)) & pl.col("part").is_in(score_names))
    if not scores.is_empty():
        return True
    deductions = facts.deductions.filter(
        pl.col("date").is_between(period.start(), period.end_exclusive(), closed="left")
        & pl.col("part").is_in(deduction_names)
    )
    if not deductions.is_empty():
        return True
    if any(p.source == Source.CASES for p in scheme.leaves()):
        dispatched = pl.col("dispatched_at").dt.date().is_between(period.start(), period.end_exclusive(), closed="left")
        return not facts.cases.filter(dispatched).is_empty()
    return False


def _disqualify(scheme: Scheme, facts: Facts, period: Period, result: PeriodResult) -> set[str]:
    rule = scheme.rewards.disqualify
    if rule is None:
        return set()
    hits = facts.honors.filter(
        (pl.col("kind") == rule.honor_kind)
        & (pl.col("date") >= period.start())
        & (pl.col("date") < period.end_exclusive())
    )
    label = facts.label("honors")
    out: set[str] = set()
    for r in hits.sort("unit_id", "date", "_row").iter_rows(named=True):
        unit = result.unit(r["unit_id"])
        if unit is None:
            continue
        if rule.flag not in unit.flags:
            unit.flags.append(rule.flag)
        out.add(unit.unit_id)
        text = f"{r['date']} {r['title']}: 取消获奖资格, 后位名次递补"
        unit.lines.append(Line("奖惩", text, ZERO, label, (r["_row"],)))
    return out


def _flags(scheme: Scheme, facts: Facts, period: Period, result: PeriodResult, cache: Cache) -> None:
    for rule in scheme.flags:
        for gr in result.groups:
            if rule.groups and gr.group not in rule.groups:
                continue
            hit = bottom_sets(gr.ranking, rule.bottom)
            for k in range(1, rule.consecutive):
                earlier = period.shift(-k)
                prev = _evaluate(scheme, facts, earlier, full=False, cache=cache)
                pg = next((g for g in prev.groups if g.group == gr.group), None)
                hit &= bottom_sets(pg.ranking, rule.bottom) if (prev.evaluated and pg) else set()
            for u in gr.ranking:
                if u.unit_id in hit and rule.code not in u.flags:
                    u.flags.append(rule.code)
                    n = f"last {rule.bottom}" if rule.bottom > 1 else "last"
                    run = f" in {rule.consecutive} periods in a row" if rule.consecutive > 1 else ""
                    u.lines.append(Line("问责", f"{rule.code}: {n} of {gr.group}{run}", ZERO))
