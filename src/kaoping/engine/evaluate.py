"""Evaluating one period of a scheme: facts → parts → totals → ranks → rewards → flags (考评计算).

This is the engine's entry point and a pure function of (scheme, facts, period).  Direct periods are
computed from the facts dated in them; derived periods (a year of quarters, a quarter of months) from
their evaluated sub-periods.  Flags over consecutive periods evaluate the earlier periods the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from kaoping.cases.cells import period_dispatched
from kaoping.engine.aggregate import LeafValues, canonical_parts, leaf_values, score_rows
from kaoping.engine.bonus import UnitBonus, bonus_for
from kaoping.engine.deduction_cells import any_deduction
from kaoping.engine.flags import apply_flags, disqualify
from kaoping.engine.numbers import ZERO, clamp, combine, fmt, rounded
from kaoping.engine.penalties import penalties_for
from kaoping.engine.phrases import Msg, Params
from kaoping.engine.ranking import apply_rewards, grade_group, rank_group
from kaoping.engine.result import Excluded, GroupResult, Line, LineKind, PeriodResult, UnitResult
from kaoping.engine.tree import part_value
from kaoping.engine.windows import excluded_deductions, window_text
from kaoping.facts import Facts
from kaoping.periods import Period, PeriodKind
from kaoping.scheme.model import Combine, Node, Scheme, Source

TOTAL = "总分"
"""The ``part`` of total lines."""


class UnsupportedPeriod(ValueError):
    """The scheme does not evaluate periods of this kind (a month asked of a quarterly plan).

    Said in Chinese (``str``), with ``en`` beside it for the edges' language switch: the API and the CLI
    pass the text on as it is, so it must already be what a clerk reads.
    """

    def __init__(self, scheme: str, kinds: Iterable[PeriodKind], period: Period) -> None:
        codes = list(kinds)
        zh = f"方案 {scheme} 只评{'、'.join(k.label for k in codes)}考评期，{period} 是{period.kind.label}考评期"
        super().__init__(zh)
        self.en = (
            f"scheme {scheme} evaluates {', '.join(k.value for k in codes)} periods; {period} is a {period.kind.value}"
        )

    def text(self, lang: str = "zh") -> str:
        """The refusal in ``lang`` (``en`` or Chinese)."""
        return self.en if lang == "en" else str(self)


Evaluated = dict[tuple[str, bool], PeriodResult]
"""Period results of one evaluation by (period text, full): full ones carry rewards and flags, the others are
the sub-periods a derived period combines."""
DirectUnits = Callable[[Period], list[UnitResult] | None]
"""The units of a direct period as :func:`direct_units` gives them for the facts evaluated (kept by the
caller, fresh copies: ranking writes ranks and lines into them), or None to compute them."""


def evaluate(
    scheme: Scheme,
    facts: Facts,
    period: Period,
    *,
    known: Evaluated | None = None,
    computed: Evaluated | None = None,
    direct: DirectUnits | None = None,
) -> PeriodResult:
    """The full result of ``period``: ranking per group with rewards and flags where the scheme has them.

    ``known``: results of periods already evaluated *on these same facts* (a year's months kept from earlier
    evaluations), used instead of evaluating them again; ``computed`` receives every result this evaluation
    made or used, so a caller can keep them for the next one.  ``direct``: asked for the units of each direct
    period evaluated (the month itself, a quarter's months, a flag's earlier months), ranked instead of being
    computed again when it gives them."""
    evaluation = _Evaluation(scheme, facts, dict(known or {}), direct)
    result = evaluation.result(period, full=True)
    if computed is not None:
        computed.update(evaluation.cache)
    return result


@dataclass
class _Evaluation:
    """One evaluation's scheme and facts, and the periods evaluated so far (a year's quarters, earlier
    periods of a ``consecutive`` flag): each is computed once, in the steps evaluate → rank → reward → flag.
    """

    scheme: Scheme
    facts: Facts
    cache: dict[tuple[str, bool], PeriodResult] = field(default_factory=dict)
    direct: DirectUnits | None = None
    """Units of direct periods computed before (see ``evaluate``)."""

    def result(self, period: Period, *, full: bool) -> PeriodResult:
        """``period``'s result; ``full``: with rewards and flags (sub-periods of a derived period go without)."""
        key = (str(period), full)
        if key not in self.cache:
            self.cache[key] = self._compute(period, full=full)
        return self.cache[key]

    def _compute(self, period: Period, *, full: bool) -> PeriodResult:
        rule = self.scheme.periods.get(period.kind)
        if rule is None:
            raise UnsupportedPeriod(self.scheme.scheme, self.scheme.periods, period)
        result = self._direct(period) if rule.from_ is None else self._derived(period, rule.from_, rule.combine)
        if full and result.evaluated:  # a period without data has no ranking to reward or flag
            if rule.rewards and not self.scheme.report_only:
                self._reward(period, result)
            if rule.flags:
                apply_flags(self.scheme, self.facts, period, result, self._earlier)
        return result

    def _direct(self, period: Period) -> PeriodResult:
        """Evaluate a period from the facts dated in it, rank it, and report the rows it excluded."""
        given = self.direct(period) if self.direct is not None else None
        units = given if given is not None else direct_units(self.scheme, self.facts, period)
        evaluated = has_facts(self.scheme, self.facts, period)
        # nothing was scored in the period: nobody is ranked (未考评) — except under deductions (扣分制),
        # where a period without deductions means full marks for everyone
        if not evaluated and not any(leaf.source == Source.DEDUCTIONS for leaf in self.scheme.leaves()):
            for u in units:
                u.rated = False
        result = self._ranked(period, units, evaluated)
        _report_excluded(self.scheme, self.facts, period, result)
        return result

    def _derived(self, period: Period, kind: PeriodKind, how: Combine) -> PeriodResult:
        """Evaluate a period from its evaluated sub-periods (a year of quarters), then rank it."""
        subs = [self.result(sp, full=False) for sp in period.subperiods(kind)]
        result = self._ranked(period, derived_units(self.facts, subs, how), any(s.evaluated for s in subs))
        result.excluded = [e for s in subs for e in s.excluded]
        return result

    def _ranked(self, period: Period, units: list[UnitResult], evaluated: bool) -> PeriodResult:
        """Rank the rated units of each group (排名); unrated ones are listed apart with their reason.

        A report-only scheme (通报型) ranks nobody: its rated units stay in units.csv order with rank 0."""
        display = self.scheme.display
        groups: list[GroupResult] = []
        for g in self.scheme.groups:
            members = [u for u in units if u.group == g.name]
            if not members:
                continue
            unrated = [u for u in members if not u.rated]
            for u in unrated:
                u.shown_total = rounded(u.total, display.decimals, display.rounding)
                u.lines.append(Line(TOTAL, LineKind.TOTAL, Msg.UNRATED, {}, ZERO))
            rated = [u for u in members if u.rated]
            ranking = rated if self.scheme.report_only else rank_group(rated, display)
            if not self.scheme.report_only:
                grade_group(ranking, self.scheme.grades_of(g.name))
            groups.append(GroupResult(g.name, ranking, unrated))
        return PeriodResult(self.scheme.scheme, str(period), groups, evaluated=evaluated)

    def _reward(self, period: Period, result: PeriodResult) -> None:
        """经济奖惩 by rank within each group, after disqualification (取消获奖资格)."""
        disqualified = disqualify(self.scheme, self.facts, period, result)
        for gr in result.groups:
            tiers = self.scheme.rewards.tiers.get(gr.group)
            if tiers is not None:
                apply_rewards(gr.ranking, tiers, disqualified)

    def _earlier(self, period: Period, with_flags: bool) -> PeriodResult:
        return self.result(period, full=with_flags)


def _report_excluded(scheme: Scheme, facts: Facts, period: Period, result: PeriodResult) -> None:
    label = facts.label("deductions")
    for r in excluded_deductions(scheme, facts, period).iter_rows(named=True):
        window = window_text(scheme, r["date"].month)
        reason = f"{r['date']} {r['time']} is outside the inspection window {window}: not counted"
        result.excluded.append(Excluded(label, r["_row"], r["unit_id"], reason))
        unit = result.unit(r["unit_id"])
        if unit is not None:
            params = {
                "item": r["item"] or "",
                "points": str(r["points"]),
                "date": str(r["date"]),
                "time": str(r["time"]),
                "window": window,
            }
            unit.lines.append(
                Line(r["part"], LineKind.EXCLUDED, Msg.EXCLUDED_DEDUCTION, params, ZERO, label, (r["_row"],))
            )


def _unit_rows(facts: Facts) -> list[dict[str, object]]:
    return list(facts.units.sort("unit_id").iter_rows(named=True))


def direct_units(scheme: Scheme, facts: Facts, period: Period) -> list[UnitResult]:
    """Every unit's parts, bonus, penalties and total for a period computed from its facts."""
    leaves = leaf_values(scheme, facts, period)
    bonuses = bonus_for(scheme, facts, period)
    penalties = penalties_for(scheme, facts, period)
    roots = {g.name: scheme.root(g.name) for g in scheme.groups}
    out: list[UnitResult] = []
    for u in _unit_rows(facts):
        uid = str(u["unit_id"])
        root = roots[str(u["group"])]
        values: dict[str, Decimal] = {}
        lines: list[Line] = []
        base = part_value(root, uid, leaves, values, lines, LineKind.BASE)
        values.pop(root.name, None)
        ub = bonuses.get(uid, UnitBonus())
        penalty, penalty_lines = penalties.get(uid, (ZERO, []))
        lines += [*ub.lines, *penalty_lines]
        raw = base + ub.total - penalty
        total = clamp(raw, scheme.total_min, None)
        params = {
            "base": base,
            "bonus": ub.total,
            "penalty": penalty,
            "raw": raw,
            "total": total,
            "floor": scheme.total_min or ZERO,
        }
        lines.append(Line(TOTAL, LineKind.TOTAL, Msg.TOTAL, params, total))
        out.append(
            UnitResult(
                unit_id=uid,
                name=str(u["name"]),
                group=str(u["group"]),
                reward_eligible=bool(u["reward_eligible"]),
                parts=values,
                top_parts=[p.name for p in root.parts],
                bonus=ub.total,
                bonus_detail=ub.detail,
                penalty=penalty,
                base=base,
                total=total,
                lines=lines,
                rated=_scored(root, uid, leaves),
            )
        )
    return out


def _scored(root: Node, unit: str, leaves: LeafValues) -> bool:
    """Whether a row scores the unit: a leaf of deductions or cases always does, a scores leaf with rows."""
    return any(
        leaf.source != Source.SCORES or (unit, leaf.name) in leaves
        for p in root.parts
        for leaf in p.walk()
        if not isinstance(leaf, Node)
    )


def derived_units(facts: Facts, subs: list[PeriodResult], how: Combine) -> list[UnitResult]:
    """Combine sub-period results; a mean counts only the sub-periods that were evaluated (had facts)."""
    used = subs if how == Combine.SUM else [s for s in subs if s.evaluated]
    units = [_by_id(s) for s in used]
    firsts = _by_id(subs[0])
    out: list[UnitResult] = []
    for u in _unit_rows(facts):
        uid = str(u["unit_id"])
        # a mean counts the sub-periods in which the unit was rated; a sum adds them all (a bonus added in a
        # quarter without scores still belongs to the year)
        pairs = [
            (s, r)
            for s, by in zip(used, units, strict=True)
            if (r := by.get(uid)) is not None and (r.rated or how == Combine.SUM)
        ]
        first = firsts.get(uid)
        assert first is not None  # every unit is in every sub-period result
        out.append(_combined(first, pairs, how))
    return out


def _by_id(result: PeriodResult) -> dict[str, UnitResult]:
    """``result``'s units by id, as :meth:`PeriodResult.unit` finds them (the first of an id), looked up at once:
    a derived period asks every sub-period for every unit."""
    found: dict[str, UnitResult] = {}
    for g in result.groups:
        for u in (*g.ranking, *g.unrated):
            found.setdefault(u.unit_id, u)
    return found


def _combined(first: UnitResult, pairs: list[tuple[PeriodResult, UnitResult]], how: Combine) -> UnitResult:
    """One unit over a derived period: each number combined over its sub-period results (``pairs``)."""
    per = [r for _, r in pairs]
    lines = [ln.within(s.period) for s, r in pairs for ln in r.lines]
    total = combine([r.total for r in per], how)
    shown = ", ".join(f"{s.period} {fmt(r.total)}" for s, r in pairs)
    params: Params = {"how": how.value, "n": len(per), "values": shown, "total": total}
    lines.append(Line(TOTAL, LineKind.TOTAL, Msg.DERIVED_TOTAL, params, total))
    bonus_names = sorted({n for r in per for n in r.bonus_detail})
    return UnitResult(
        unit_id=first.unit_id,
        name=first.name,
        group=first.group,
        reward_eligible=first.reward_eligible,
        parts={n: combine([r.parts[n] for r in per], how) for n in first.parts},
        top_parts=first.top_parts,
        bonus=combine([r.bonus for r in per], how),
        penalty=combine([r.penalty for r in per], how),
        base=combine([r.base for r in per], how),
        bonus_detail={n: combine([r.bonus_detail.get(n, ZERO) for r in per], how) for n in bonus_names},
        total=total,
        lines=lines,
        rated=any(r.rated for r in per),
    )


def has_facts(scheme: Scheme, facts: Facts, period: Period) -> bool:
    """Whether any row feeding a part of the scheme falls in ``period``.

    A period without such rows was not evaluated: it has no ranking, so nobody was "last" in it (an
    honor or a rank alone does not make a period evaluated — everyone would tie at 0).
    """
    deduction_names = list(canonical_parts([p for p in scheme.leaves() if p.source == Source.DEDUCTIONS]))
    scores = facts.scores.filter(score_rows([p for p in scheme.leaves() if p.source == Source.SCORES], period))
    if not scores.is_empty():
        return True
    if any_deduction(facts, period, deduction_names):
        return True
    if scheme.penalties and not facts.notices.filter(period.holds("notified_on")).is_empty():
        return True
    if any(p.source == Source.CASES for p in scheme.leaves()):
        return period_dispatched(facts.cases, facts.case_cells, period)
    return False
