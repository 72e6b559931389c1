"""Evaluating one period of a scheme: facts → parts → totals → ranks → rewards → flags (考评计算).

This is the engine's entry point and a pure function of (scheme, facts, period).  Direct periods are
computed from the facts dated in them; derived periods (a year of quarters, a quarter of months) from
their evaluated sub-periods.  Flags over consecutive periods evaluate the earlier periods the same way.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from kaoping.engine.aggregate import canonical_parts, leaf_values, score_rows
from kaoping.engine.bonus import UnitBonus, bonus_for
from kaoping.engine.flags import apply_flags, disqualify
from kaoping.engine.numbers import ZERO, clamp, combine, fmt, rounded
from kaoping.engine.penalties import penalties_for
from kaoping.engine.ranking import apply_rewards, rank_group
from kaoping.engine.result import Excluded, GroupResult, Line, PeriodResult, UnitResult
from kaoping.engine.tree import part_value
from kaoping.engine.windows import excluded_deductions, window_text
from kaoping.facts import Facts
from kaoping.periods import Period
from kaoping.scheme.model import Combine, Node, Scheme, Source

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
        # nothing was scored in the period: nobody is ranked (未考评) — except under deductions (扣分制),
        # where a period without deductions means full marks for everyone
        if not evaluated and not any(leaf.source == Source.DEDUCTIONS for leaf in scheme.leaves()):
            for u in units:
                u.rated = False
    else:
        subs = [_evaluate(scheme, facts, sp, full=False, cache=cache) for sp in period.subperiods(rule.from_)]
        units = _derived(facts, subs, rule.combine)
        evaluated = any(s.evaluated for s in subs)
    groups: list[GroupResult] = []
    for g in scheme.groups:
        members = [u for u in units if u.group == g.name]
        if members:
            rated = [u for u in members if u.rated]
            unrated = [u for u in members if not u.rated]
            for u in unrated:
                u.shown_total = rounded(u.total, scheme.display.decimals, scheme.display.rounding)
                u.lines.append(Line("总分", "未考评: no row scores this unit in the period; not ranked", ZERO))
            groups.append(GroupResult(g.name, rank_group(rated, scheme.display), unrated))
    result = PeriodResult(scheme.scheme, str(period), groups, evaluated=evaluated)
    if rule.from_ is None:
        _report_excluded(scheme, facts, period, result)
    else:
        result.excluded = [e for s in subs for e in s.excluded]
    if full and evaluated:  # a period without data has no ranking to reward or flag
        disqualified = disqualify(scheme, facts, period, result) if rule.rewards else set()
        if rule.rewards:
            for gr in result.groups:
                tiers = scheme.rewards.tiers.get(gr.group)
                if tiers is not None:
                    apply_rewards(gr.ranking, tiers, disqualified)
        if rule.flags:

            def earlier(p: Period, with_flags: bool) -> PeriodResult:
                return _evaluate(scheme, facts, p, full=with_flags, cache=cache)

            apply_flags(scheme, facts, period, result, earlier)
    cache[key] = result
    return result


def _report_excluded(scheme: Scheme, facts: Facts, period: Period, result: PeriodResult) -> None:
    label = facts.label("deductions")
    for r in excluded_deductions(scheme, facts, period).iter_rows(named=True):
        window = window_text(scheme, r["date"].month)
        reason = f"{r['date']} {r['time']} is outside the inspection window {window}: not counted"
        result.excluded.append(Excluded(label, r["_row"], r["unit_id"], reason))
        unit = result.unit(r["unit_id"])
        if unit is not None:
            unit.lines.append(
                Line(r["part"], f"{r['item'] or '整体'} −{r['points']}: {reason}", ZERO, label, (r["_row"],))
            )


def _unit_rows(facts: Facts) -> list[dict[str, object]]:
    return list(facts.units.sort("unit_id").iter_rows(named=True))


def _direct(scheme: Scheme, facts: Facts, period: Period) -> list[UnitResult]:
    leaves = leaf_values(scheme, facts, period)
    bonuses = bonus_for(scheme, facts, period)
    penalties = penalties_for(scheme, facts, period)
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
        penalty, penalty_lines = penalties.get(uid, (ZERO, []))
        lines += penalty_lines
        raw = base + ub.total - penalty
        total = clamp(raw, scheme.total_min, None)
        minus = f" − penalties {fmt(penalty)}" if penalty else ""
        floored = f" → {fmt(total)} (never below {fmt(scheme.total_min or ZERO)})" if total != raw else ""
        lines.append(Line("总分", f"{fmt(base)} + bonus {fmt(ub.total)}{minus} = {fmt(raw)}{floored}", total))
        rated = any(
            leaf.source != Source.SCORES or (uid, leaf.name) in leaves
            for p in root.parts
            for leaf in p.walk()
            if not isinstance(leaf, Node)
        )
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
                penalty=penalty,
                total=total,
                lines=lines,
                rated=rated,
            )
        )
    return out


def _derived(facts: Facts, subs: list[PeriodResult], how: Combine) -> list[UnitResult]:
    """Combine sub-period results; a mean counts only the sub-periods that were evaluated (had facts)."""
    used = subs if how == Combine.SUM else [s for s in subs if s.evaluated]
    out: list[UnitResult] = []
    for u in _unit_rows(facts):
        uid = str(u["unit_id"])
        # a mean counts the sub-periods in which the unit was rated; a sum adds them all (a bonus added in a
        # quarter without scores still belongs to the year)
        pairs = [(s, r) for s in used if (r := s.unit(uid)) is not None and (r.rated or how == Combine.SUM)]
        per = [r for _, r in pairs]
        first = subs[0].unit(uid)
        assert first is not None  # every unit is in every sub-period result
        names = list(first.parts)
        lines: list[Line] = []
        for s, r in pairs:
            lines += [Line(ln.part, f"[{s.period}] {ln.rule}", ln.points, ln.file, ln.rows) for ln in r.lines]
        total = combine([r.total for r in per], how)
        shown = ", ".join(f"{s.period} {fmt(r.total)}" for s, r in pairs)
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
                penalty=combine([r.penalty for r in per], how),
                bonus_detail={n: combine([r.bonus_detail.get(n, ZERO) for r in per], how) for n in bonus_names},
                total=total,
                lines=lines,
                rated=any(r.rated for r in per),
            )
        )
    return out


def has_facts(scheme: Scheme, facts: Facts, period: Period) -> bool:
    """Whether any row feeding a part of the scheme falls in ``period``.

    A period without such rows was not evaluated: it has no ranking, so nobody was "last" in it (an
    honor or a rank alone does not make a period evaluated — everyone would tie at 0).
    """
    deduction_names = list(canonical_parts([p for p in scheme.leaves() if p.source == Source.DEDUCTIONS]))
    scores = facts.scores.filter(score_rows([p for p in scheme.leaves() if p.source == Source.SCORES], period))
    if not scores.is_empty():
        return True
    deductions = facts.deductions.filter(
        pl.col("date").is_between(period.start(), period.end_exclusive(), closed="left")
        & pl.col("part").is_in(deduction_names)
    )
    if not deductions.is_empty():
        return True
    if (
        scheme.penalties
        and not facts.notices.filter(
            pl.col("notified_on").is_between(period.start(), period.end_exclusive(), closed="left")
        ).is_empty()
    ):
        return True
    if any(p.source == Source.CASES for p in scheme.leaves()):
        dispatched = pl.col("dispatched_at").dt.date().is_between(period.start(), period.end_exclusive(), closed="left")
        return not facts.cases.filter(dispatched).is_empty()
    return False
