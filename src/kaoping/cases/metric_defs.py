"""The case metrics as data: what each count adds up per case and how each rate divides counts.

One table, read by two engines: :mod:`kaoping.cases.metrics` renders it as Polars expressions for one
city's store, :mod:`kaoping.rollup.spark_metrics` as Spark columns for a province's Parquet tree.  Neither
writes a formula of its own, so the city's 结案率 and the province's 结案率 cannot drift apart.

A count is the sum over the cases dispatched in the period of one per-case term:

- :class:`Every`: 1 for every case (应结案数);
- :class:`AllOf`: 1 when every condition holds — a condition with a missing (null) time is not met;
- :class:`Largest`: the largest of some whole-number columns (核查不通过数 = max(verify_failed, rework_count)).

``END`` stands for the first instant after the period (a case closed at or after it is not closed "in" it).
No engine-specific code lives here: plain frozen dataclasses, so the neutral package imports nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

END = "<end>"
"""The operand meaning "the first instant after the evaluated period"."""


@dataclass(frozen=True)
class Present:
    """The time column ``column`` is filled in (the case reached that step)."""

    column: str


@dataclass(frozen=True)
class Before:
    """``left < right`` (``strict``) or ``left <= right``; either side a time column or :data:`END`."""

    left: str
    right: str
    strict: bool = True


@dataclass(frozen=True)
class Positive:
    """The whole-number column ``column`` is above 0 (reworked, postponed)."""

    column: str


@dataclass(frozen=True)
class OneOf:
    """The text column ``column`` holds one of ``values`` (a 12345 order: ``channel`` is ``12345``)."""

    column: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Filled:
    """The text column ``column`` is not empty (the order was visited, it repeats an earlier one)."""

    column: str


Condition = Present | Before | Positive | OneOf | Filled


@dataclass(frozen=True)
class Every:
    """Each case counts 1."""


@dataclass(frozen=True)
class AllOf:
    """A case counts 1 when all ``conditions`` hold."""

    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Largest:
    """A case counts the largest of ``columns`` (whole numbers ≥ 0)."""

    columns: tuple[str, ...]


Term = Every | AllOf | Largest


@dataclass(frozen=True)
class RateDef:
    """``100 × numerator / sum(denominator)``; ``empty`` when the denominator is 0 (nothing to fail at)."""

    name: str
    numerator: str
    denominator: tuple[str, ...]
    empty: Decimal


_CLOSED = (Present("closed_at"), Before("closed_at", END))
_DISPOSED_ON_TIME = (Present("deadline"), Before("disposed_at", "deadline", strict=False), Before("disposed_at", END))

COUNT_DEFS: dict[str, Term] = {
    "应结案数": Every(),
    "结案数": AllOf(_CLOSED),
    "按期处置数": AllOf(_DISPOSED_ON_TIME),
    "按期结案数": AllOf((Present("deadline"), *_CLOSED, Before("closed_at", "deadline", strict=False))),
    "返工数": AllOf((Positive("rework_count"),)),
    "延期数": AllOf((Positive("postponed"),)),
    "核查不通过数": Largest(("verify_failed", "rework_count")),
}
"""Every count, in the order they are shown."""

HOTLINE_CHANNELS = ("12345", "12345热线")
"""The ``channel`` values that make a case a 12345 work order (工单); any other channel is not one."""
SATISFIED = ("satisfied", "basic")
"""The 回访 answers that count as satisfied: 满意 and 基本满意 (不满意 does not)."""

_ORDER = (OneOf("channel", HOTLINE_CHANNELS),)
_ORDER_CLOSED = (*_ORDER, *_CLOSED)

ORDER_COUNT_DEFS: dict[str, Term] = {
    "工单数": AllOf(_ORDER),
    "办结数": AllOf(_ORDER_CLOSED),
    "按时办结数": AllOf((*_ORDER_CLOSED, Present("deadline"), Before("closed_at", "deadline", strict=False))),
    "回访数": AllOf((*_ORDER, Filled("satisfaction"))),
    "回访满意数": AllOf((*_ORDER, OneOf("satisfaction", SATISFIED))),
    "重复投诉数": AllOf((*_ORDER, Filled("repeat_of"))),
}
"""The 12345 work-order counts: cases whose ``channel`` is 12345, dispatched in the period like every case
(so an order counts in 结案率 too: it is a case of the unit), with the optional ``satisfaction`` (回访) and
``repeat_of`` (重复投诉) columns.  Kept apart only to be listed apart; :data:`COUNT_DEFS` holds them all."""

COUNT_DEFS.update(ORDER_COUNT_DEFS)

_BASE = ("应结案数",)
_ORDERS = ("工单数",)

RATE_DEFS: tuple[RateDef, ...] = (
    RateDef("结案率", "结案数", _BASE, Decimal(100)),
    RateDef("按期处置率", "按期处置数", _BASE, Decimal(100)),
    RateDef("按期结案率", "按期结案数", _BASE, Decimal(100)),
    RateDef("返工率", "返工数", _BASE, Decimal(0)),
    RateDef("延期率", "延期数", _BASE, Decimal(0)),
    RateDef("核查通过率", "结案数", ("结案数", "核查不通过数"), Decimal(100)),
    RateDef("办结率", "办结数", _ORDERS, Decimal(100)),
    RateDef("按时办结率", "按时办结数", _ORDERS, Decimal(100)),
    RateDef("回访满意率", "回访满意数", ("回访数",), Decimal(100)),
    RateDef("重复投诉率", "重复投诉数", _ORDERS, Decimal(0)),
)
"""Every rate (percent), in the order they are shown."""
