"""Exact arithmetic for scores: integers in the frames, Decimals in the combination, rounding at the edge.

Fact rows are summed by Polars as integers of millionths of a point (``MICRO``), so a sum never depends on
row order (float sums do, in the last bit, and a bulletin cannot change because a sheet was sorted).  The
few per-unit numbers that come out are Decimals; they are rounded only when shown (JSON, tables).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import polars as pl

from kaoping.errors import InputError, InputErrors
from kaoping.scheme.formula import FormulaError, evaluate
from kaoping.scheme.model import Combine, Rounding

MICRO = 1_000_000
ZERO = Decimal(0)


def to_micro(col: str) -> pl.Expr:
    """A Float64 column of points as Int64 millionths (values from files have at most a few decimals)."""
    return (pl.col(col) * MICRO).round(0).cast(pl.Int64)


def from_micro(n: int) -> Decimal:
    return Decimal(n) / MICRO


_MODES = {Rounding.HALF_UP: ROUND_HALF_UP, Rounding.TRUNCATE: ROUND_DOWN, Rounding.HALF_EVEN: ROUND_HALF_EVEN}


def rounded(x: Decimal, decimals: int, mode: Rounding = Rounding.HALF_UP) -> Decimal:
    """Round for display: half-up as offices round by default, truncation where a plan says so."""
    return x.quantize(Decimal(1).scaleb(-decimals), rounding=_MODES[mode])


def clamp(x: Decimal, low: Decimal | None, high: Decimal | None) -> Decimal:
    if low is not None and x < low:
        return low
    if high is not None and x > high:
        return high
    return x


def combine(values: list[Decimal], how: Combine) -> Decimal:
    """Combine numbers that are already in time order (``latest`` takes the last)."""
    if not values:
        return ZERO
    match how:
        case Combine.SUM:
            return sum(values, ZERO)
        case Combine.MEAN:
            return sum(values, ZERO) / len(values)
        case Combine.MAX:
            return max(values)
        case Combine.MIN:
            return min(values)
        case Combine.LATEST:
            return values[-1]
        case Combine.TRIMMED_MEAN:
            return trimmed_mean(sum(values, ZERO), len(values), max(values), min(values))


def trimmed_mean(total: Decimal, n: int, high: Decimal, low: Decimal) -> Decimal:
    """去掉一个最高分和一个最低分后取平均: a panel's mean without its one highest and one lowest score, so that
    no single judge decides; with fewer than three scores nothing is dropped (two would leave nothing)."""
    if n < 3:
        return total / n
    return (total - high - low) / (n - 2)


def fmt(x: Decimal) -> str:
    """Short human text of a Decimal for explanations: 87.5, not 87.500000; 85.666667, not 28 digits."""
    if x.as_tuple().exponent < -6:  # type: ignore[operator]
        x = x.quantize(Decimal("0.000001"))
    text = format(x.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def part_formula(part: str, formula: str, values: Mapping[str, Decimal], unit: str | None) -> Decimal:
    """A part's formula over ``values``: a finite Decimal, or ZeroDivisionError (counted as the part's minimum).

    A formula that loaded but fails on this unit's numbers (a result beyond ±10^12, an exponent too large,
    the root of a negative number) is bad input, the scheme's rather than the data's: it is raised as
    InputErrors naming the part, the formula and the unit, so every edge reports it as it reports bad rows
    (the CLI exits 2) instead of crashing or scoring infinity.
    """
    try:
        return evaluate(formula, values)
    except FormulaError as exc:
        whose = f"单位 {unit}" if unit is not None else "无案卷时"
        message = f"部分 {part} 的公式无法计算（{whose}）: {exc}"
        raise InputErrors([InputError("scheme formula", None, part, message)]) from None
