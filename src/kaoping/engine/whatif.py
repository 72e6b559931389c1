"""试算 (what-if): the same facts ranked under a scheme and under a draft revision of it — who moves, by how
much, and which rule moved them.

The comparison is of two results the engine already computed (same facts, same period), so it is exact: a
unit's total is split into what each top-level part contributes (its value, times its weight under a
weighted total), the bonus, the penalty and the clamp of the total, and every piece that differs is named
with the scheme changes placed in it (:mod:`kaoping.engine.scheme_diff`).  Honest by construction: a part
whose contribution changed is named even when no change was made inside it (another rule moved it — the
text says so), and a unit whose own numbers did not change but whose rank did is said to have moved
because others did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from kaoping.engine.numbers import ZERO
from kaoping.engine.result import PeriodResult, UnitResult
from kaoping.engine.scheme_diff import Area, SchemeChange, scheme_changes
from kaoping.engine.tree import HUNDRED
from kaoping.scheme.model import Scheme

__all__ = ["Cause", "Mover", "Shift", "WhatIf", "compare"]


class Cause(StrEnum):
    """What a piece of a unit's change is: a part's contribution, the bonus, the penalty, the total's clamp
    (total_max/total_min and how parts combine), rewards by rank, or only the others' moves."""

    PART = "part"
    BONUS = "bonus"
    PENALTY = "penalty"
    TOTAL = "total"
    REWARD = "reward"
    FLAGS = "flags"
    OTHERS = "others"


CAUSE_NAMES = {
    Cause.BONUS: "加分",
    Cause.PENALTY: "整改扣分",
    Cause.TOTAL: "总分组合与上下限",
    Cause.REWARD: "经济奖惩",
    Cause.FLAGS: "问责标记",
    Cause.OTHERS: "本单位得分未变，名次随他人变动",
}
CAUSE_NAMES_EN = {
    Cause.BONUS: "bonus",
    Cause.PENALTY: "rectification penalty",
    Cause.TOTAL: "how the total combines, its cap and floor",
    Cause.REWARD: "reward",
    Cause.FLAGS: "flags",
    Cause.OTHERS: "own score unchanged; the rank moved with the others",
}
_AREAS = {Cause.BONUS: Area.BONUS, Cause.PENALTY: Area.PENALTY, Cause.TOTAL: Area.TOTAL, Cause.REWARD: Area.REWARDS}


@dataclass(frozen=True)
class Shift:
    """One piece of a unit's change: ``name`` (a part's name, or the cause's), its contribution to the total
    before and after, and the scheme changes placed there (empty: no rule there changed)."""

    cause: Cause
    name: str
    before: Decimal
    after: Decimal
    changes: tuple[SchemeChange, ...] = ()

    @property
    def delta(self) -> Decimal:
        return self.after - self.before


@dataclass(frozen=True)
class Mover:
    """A unit whose shown total, rank or reward differs under the draft (rank 0: not ranked, 未考评)."""

    group: str
    unit_id: str
    name: str
    rank_before: int
    rank_after: int
    total_before: Decimal
    total_after: Decimal
    reward_before: int
    reward_after: int
    shifts: tuple[Shift, ...]
    flags_before: tuple[str, ...] = ()
    flags_after: tuple[str, ...] = ()

    @property
    def total_delta(self) -> Decimal:
        return self.total_after - self.total_before

    @property
    def rank_delta(self) -> int:
        """Places gained: positive is up (rank 3 → 2 is +1); 0 when either side is unranked."""
        return self.rank_before - self.rank_after if self.rank_before and self.rank_after else 0


@dataclass(frozen=True)
class WhatIf:
    """The draft compared with the scheme on one period's facts."""

    scheme: str
    period: str
    changes: list[SchemeChange]
    movers: list[Mover]
    units: int
    """How many units were compared (movers and the unchanged)."""
    notes: list[str] = field(default_factory=list)


def compare(old: Scheme, new: Scheme, before: PeriodResult, after: PeriodResult) -> WhatIf:
    """The units that move between ``before`` (under ``old``) and ``after`` (under ``new``), both computed on
    the same facts and period; movers in the draft's group and rank order."""
    changes = scheme_changes(old, new)
    units_before = _all_units(before)
    movers: list[Mover] = []
    for u in _all_units(after).values():
        b = units_before.get(u.unit_id)
        if b is None:
            continue
        mover = _mover(old, new, b, u, changes)
        if mover is not None:
            movers.append(mover)
    notes = [] if changes else ["草案与原方案的规则相同"]
    return WhatIf(old.scheme, after.period, changes, movers, len(units_before), notes)


def _all_units(result: PeriodResult) -> dict[str, UnitResult]:
    return {u.unit_id: u for g in result.groups for u in (*g.ranking, *g.unrated)}


def _rank(u: UnitResult) -> int:
    return u.rank if u.rated else 0


def _mover(old: Scheme, new: Scheme, b: UnitResult, a: UnitResult, changes: list[SchemeChange]) -> Mover | None:
    same = (_rank(b), b.shown_total, b.reward, b.flags) == (_rank(a), a.shown_total, a.reward, a.flags)
    if same:
        return None
    shifts = _shifts(old, new, b, a, changes) + _flag_and_rank_shifts(b, a, changes)
    if not shifts:  # only the shown total moved (a display rule), nothing of the unit's own
        shifts = [_others(b, a, changes)]
    return Mover(
        group=a.group,
        unit_id=a.unit_id,
        name=a.name,
        rank_before=_rank(b),
        rank_after=_rank(a),
        total_before=b.shown_total,
        total_after=a.shown_total,
        reward_before=b.reward,
        reward_after=a.reward,
        shifts=tuple(shifts),
        flags_before=tuple(b.flags),
        flags_after=tuple(a.flags),
    )


def _flag_and_rank_shifts(b: UnitResult, a: UnitResult, changes: list[SchemeChange]) -> list[Shift]:
    """Flags that differ (with the flag rules changed), and — when the unit's own numbers did not move but its
    rank did — the others' moves (with any change of the display and tie rules)."""
    out: list[Shift] = []
    if b.flags != a.flags:
        placed = tuple(c for c in changes if c.area == Area.FLAGS)
        out.append(Shift(Cause.FLAGS, CAUSE_NAMES[Cause.FLAGS], Decimal(len(b.flags)), Decimal(len(a.flags)), placed))
    if (b.total, b.shown_total) == (a.total, a.shown_total) and _rank(b) != _rank(a):
        out.insert(0, _others(b, a, changes))
    return out


def _others(b: UnitResult, a: UnitResult, changes: list[SchemeChange]) -> Shift:
    """The unit's own numbers did not move: it moved with the others (or with the display and tie rules)."""
    display = tuple(c for c in changes if c.area == Area.DISPLAY)
    return Shift(Cause.OTHERS, CAUSE_NAMES[Cause.OTHERS], b.total, a.total, display)


def contributions(scheme: Scheme, u: UnitResult) -> dict[str, Decimal]:
    """What each top-level part adds to the unit's base: its value, times weight/100 under a weighted total."""
    weights = {p.name: p.weight or ZERO for p in scheme.parts}
    if scheme.combine == "weighted":
        return {n: u.parts.get(n, ZERO) * weights.get(n, ZERO) / HUNDRED for n in u.top_parts}
    return {n: u.parts.get(n, ZERO) for n in u.top_parts}


def _shifts(old: Scheme, new: Scheme, b: UnitResult, a: UnitResult, changes: list[SchemeChange]) -> list[Shift]:
    """The pieces of the unit's total (and reward) that differ, each with the scheme changes placed there."""
    cb, ca = contributions(old, b), contributions(new, a)
    out: list[Shift] = []
    for name in [*ca, *(n for n in cb if n not in ca)]:
        x, y = cb.get(name, ZERO), ca.get(name, ZERO)
        if x != y:
            placed = tuple(c for c in changes if c.area == Area.PART and c.part == name)
            out.append(Shift(Cause.PART, name, x, y, placed))
    clamp_b = b.base - sum(cb.values(), ZERO) + (b.total - (b.base + b.bonus - b.penalty))
    clamp_a = a.base - sum(ca.values(), ZERO) + (a.total - (a.base + a.bonus - a.penalty))
    pieces = [
        (Cause.BONUS, b.bonus, a.bonus),
        (Cause.PENALTY, -b.penalty, -a.penalty),
        (Cause.TOTAL, clamp_b, clamp_a),
        (Cause.REWARD, Decimal(b.reward), Decimal(a.reward)),
    ]
    for cause, x, y in pieces:
        if x != y:
            placed = tuple(c for c in changes if c.area == _AREAS[cause])
            out.append(Shift(cause, CAUSE_NAMES[cause], x, y, placed))
    return out
