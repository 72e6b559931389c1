"""排名稳健性: how close each ranking is to changing — the smallest change of one weight that would make two
neighbours equal, and the units whose rank rests on a tie-break or on a margin below the rounding unit.

A total is linear in the weights of the top-level parts: total = Σ c_k·v_k + bonus − penalty, with
c_k = weight_k/100 under a weighted total and c_k = 1 under a sum (a part's points counted in full).  For
neighbours i (above) and i+1 with exact margin m = T_i − T_{i+1}, changing c_k alone by Δ changes the
margin by Δ·(v_ik − v_(i+1)k), so the totals are equal at Δ = −m / (v_ik − v_(i+1)k): solved per part, the
smallest |Δ| (with the weight staying ≥ 0) is reported.  A unit whose base is not that linear sum (the
total's cap or floor applied) gets no swap: the linear answer would not be true for it.

Fragile ranks are reported apart: a rank decided by the scheme's tie-break parts (the totals ranked on are
equal), or a margin smaller than the rounding unit of the shown total (10^-decimals): such a rank could
change with the rounding rule alone.  Pure: a scheme and a result in, values out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from kaoping.engine.numbers import ZERO, fmt
from kaoping.engine.result import PeriodResult, UnitResult
from kaoping.scheme.model import Scheme

__all__ = ["Fragility", "Neighbours", "Robustness", "WeightSwap", "fragile_notes", "rank_robustness"]

HUNDRED = Decimal(100)
FOUR = Decimal("0.0001")
"""Weights are shown to four decimals of a percentage point."""
TOLERANCE = Decimal("1e-9")
"""A base within this of the linear sum counts as the sum (a derived mean divides in 28 digits)."""


class Fragility(StrEnum):
    """Why a pair of neighbours' order is fragile."""

    TIE_BREAK = "tie_break"
    """Equal on the total ranked on: the order comes from the scheme's tie-break parts."""
    ROUNDING = "rounding"
    """The exact margin is non-zero but smaller than the rounding unit of the shown total."""


FRAGILITY_NAMES = {
    Fragility.TIE_BREAK: "名次由并列规则（按分项比较）决定",
    Fragility.ROUNDING: "差距小于总分的舍入单位",
}
FRAGILITY_NAMES_EN = {
    Fragility.TIE_BREAK: "the order comes from the tie rule (parts compared)",
    Fragility.ROUNDING: "the margin is below the rounding unit of the total",
}


@dataclass(frozen=True)
class WeightSwap:
    """Changing ``part``'s weight by ``delta`` (percentage points; under a sum total, percent of the part's
    points) makes the two totals equal; ``weight`` is the current one (100 under a sum)."""

    part: str
    weight: Decimal
    delta: Decimal
    weighted: bool

    def text(self, lang: str = "zh") -> str:
        """``部门考评权重 30 → 27.5（−2.5 个百分点）`` or ``部门考评按 97.5% 计（−2.5%）`` (``lang`` en: English)."""
        after = fmt((self.weight + self.delta).quantize(FOUR))
        sign = "+" if self.delta > 0 else "−"
        step = fmt(abs(self.delta.quantize(FOUR)))
        if lang == "en":
            if self.weighted:
                return f"weight of {self.part} {fmt(self.weight)} → {after} ({sign}{step} points)"
            return f"{self.part} counted at {after}% ({sign}{step}%)"
        if self.weighted:
            return f"{self.part}权重 {fmt(self.weight)} → {after}（{sign}{step} 个百分点）"
        return f"{self.part}按 {after}% 计（{sign}{step}%）"


@dataclass(frozen=True)
class Neighbours:
    """Two units next to each other in a group's ranking, ``upper`` above ``lower``."""

    group: str
    upper: UnitResult
    lower: UnitResult
    margin: Decimal
    """Exact total of ``upper`` minus that of ``lower``."""
    swap: WeightSwap | None
    """The smallest one-weight change that makes their totals equal (None: no weight can, or not linear)."""
    fragility: tuple[Fragility, ...]


@dataclass(frozen=True)
class Robustness:
    """Every pair of neighbours of a period's rankings, and the rounding unit of its totals."""

    period: str
    pairs: list[Neighbours]
    rounding_unit: Decimal

    def fragile(self) -> list[Neighbours]:
        return [p for p in self.pairs if p.fragility]

    def smallest(self, group: str) -> Neighbours | None:
        """The pair of ``group`` that the smallest one-weight change would make equal."""
        found = [p for p in self.pairs if p.group == group and p.swap is not None]
        return min(found, key=lambda p: abs(p.swap.delta) if p.swap else ZERO, default=None)

    def groups(self) -> list[str]:
        return list(dict.fromkeys(p.group for p in self.pairs))


def rank_robustness(scheme: Scheme, result: PeriodResult) -> Robustness:
    """Each group's neighbours with their margin, smallest weight swap and fragility (none in a report-only
    scheme: its units are listed, not ranked)."""
    unit = Decimal(1).scaleb(-scheme.display.decimals)
    pairs: list[Neighbours] = []
    for g in [] if scheme.report_only else result.groups:
        for upper, lower in zip(g.ranking, g.ranking[1:], strict=False):
            margin = upper.total - lower.total
            swap = _smallest_swap(scheme, upper, lower, margin) if margin else None
            pairs.append(Neighbours(g.group, upper, lower, margin, swap, _fragility(scheme, upper, lower, unit)))
    return Robustness(result.period, pairs, unit)


def _fragility(scheme: Scheme, upper: UnitResult, lower: UnitResult, unit: Decimal) -> tuple[Fragility, ...]:
    out: list[Fragility] = []
    on_rounded = scheme.display.rank_on == "rounded"
    first = (upper.shown_total, lower.shown_total) if on_rounded else (upper.total, lower.total)
    if upper.rank != lower.rank and first[0] == first[1]:
        out.append(Fragility.TIE_BREAK)
    if ZERO < abs(upper.total - lower.total) < unit:
        out.append(Fragility.ROUNDING)
    return tuple(out)


def coefficients(scheme: Scheme) -> dict[str, Decimal]:
    """c_k of each top-level part: weight/100 under a weighted total, 1 under a sum."""
    if scheme.combine == "weighted":
        return {p.name: (p.weight or ZERO) / HUNDRED for p in scheme.parts}
    return {p.name: Decimal(1) for p in scheme.parts}


def _linear(u: UnitResult, c: dict[str, Decimal]) -> bool:
    """Whether the unit's base is the plain weighted sum of its top-level parts (no cap or floor applied)."""
    return abs(u.base - sum((c.get(n, ZERO) * u.parts.get(n, ZERO) for n in u.top_parts), ZERO)) <= TOLERANCE


def _smallest_swap(scheme: Scheme, upper: UnitResult, lower: UnitResult, margin: Decimal) -> WeightSwap | None:
    c = coefficients(scheme)
    if not (_linear(upper, c) and _linear(lower, c)):
        return None
    weighted = scheme.combine == "weighted"
    best: WeightSwap | None = None
    for name in upper.top_parts:
        dv = upper.parts.get(name, ZERO) - lower.parts.get(name, ZERO)
        if dv == 0 or name not in c:
            continue
        delta = -margin / dv
        if c[name] + delta < 0:  # a weight below zero is no weight
            continue
        if best is None or abs(delta) * HUNDRED < abs(best.delta):
            best = WeightSwap(name, c[name] * HUNDRED, delta * HUNDRED, weighted)
    return best


def fragile_notes(robustness: Robustness) -> list[str]:
    """One Chinese sentence per fragile pair, for a bulletin's note (排名稳健性提示); empty when none is."""
    out: list[str] = []
    for p in robustness.fragile():
        why = "；".join(FRAGILITY_NAMES[f] for f in p.fragility)
        out.append(
            f"{p.group}：{p.upper.name}（第{p.upper.rank}名）与{p.lower.name}（第{p.lower.rank}名）"
            f"总分精确差 {fmt(abs(p.margin))} 分，{why}"
        )
    return out
