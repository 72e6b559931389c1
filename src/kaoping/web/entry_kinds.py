"""问题类型 as a pick-list in the deduction form (issue #15, point 3): the standard's kinds of problem for the
chosen part and item, with the standard points written into the form as data the page's script fills the
points field from.

The server does not trust the page: a posted row that names a kind is checked against the standard by the
one standard check (:mod:`kaoping.engine.standard_rows`) like a file row — points that disagree with the
standard need a reason.  The form only spares the inspector looking the points up in a printed table.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kaoping.api.context import ApiContext
from kaoping.scheme.standard import Per


@dataclass(frozen=True)
class KindOption:
    """One kind of problem as the select offers it: its code, what it says, where it applies, what it costs."""

    code: str
    label: str
    """``SJ0103 积存垃圾渣土：每平方米 0.5 分，单次最高 5 分`` (:meth:`~kaoping.scheme.standard.Entry.explain`)."""
    label_en: str
    item: str
    parts: tuple[str, ...]
    """The checklists (deduction parts) the kind is on."""
    points: str
    per: str
    """``occurrence``, ``m2`` or ``place``: a kind counted per m² or per place needs the quantity."""
    cap: str


def _n(x: Decimal) -> str:
    return format(x.normalize(), "f")


def kind_options(ctx: ApiContext, parts: list[str]) -> tuple[KindOption, ...]:
    """The kinds of problem of every standard the office's schemes deduct by, on one of ``parts`` (the
    deduction parts the account may write); empty when no scheme has a standard (the form then has no such field)."""
    seen: dict[str, KindOption] = {}
    for office in ctx.schemes.values():
        standard = office.scheme.catalogue
        if standard is None:
            continue
        for code, entry in standard.kinds().items():
            on = tuple(p for p in entry.checklists if p in parts)
            if not on or code in seen:
                continue
            k = entry.kind
            zh, en = (text.replace(" × 1", "", 1) for text in entry.explain(Decimal(1)))  # the rate, no quantity
            cap = _n(k.cap) if k.cap is not None else ""
            seen[code] = KindOption(code, zh, en, entry.item, on, _n(k.points), k.per.value, cap)
    return tuple(seen.values())


COUNTED = (Per.SQUARE_METRE.value, Per.PLACE.value)
"""The ``per`` values whose points are multiplied by the row's quantity."""
