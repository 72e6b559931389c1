"""Combining a unit's parts up the scheme's tree: sums, percent weights, formulas, clamps (计分方法)."""

from __future__ import annotations

from decimal import Decimal

from kaoping.engine.aggregate import LeafValues, missing_leaf
from kaoping.engine.numbers import ZERO, clamp, fmt, part_formula, rounded
from kaoping.engine.phrases import Msg, Params
from kaoping.engine.result import Line, LineKind
from kaoping.scheme.model import Node, Part, Rounding

HUNDRED = Decimal(100)


def part_value(
    part: Part,
    unit: str,
    leaves: LeafValues,
    values: dict[str, Decimal],
    lines: list[Line],
    kind: LineKind = LineKind.PART,
) -> Decimal:
    """Value of ``part`` for ``unit``; fills ``values`` (every part by name) and ``lines`` as it goes.

    ``kind``: the kind of the line combining ``part`` (BASE for the root, 基本分; nested parts are PART).
    """
    if not isinstance(part, Node):
        leaf = leaves.get((unit, part.name)) or missing_leaf(part)
        lines.extend(leaf.lines)
        values[part.name] = leaf.value
        return leaf.value
    children = {c.name: part_value(c, unit, leaves, values, lines) for c in part.parts}
    division_by_zero = False
    match part.combine:
        case "sum":
            raw = sum(children.values(), ZERO)
            terms = " + ".join(fmt(v) for v in children.values())
        case "weighted":
            raw, terms = _weighted(part, children)
        case "formula":
            terms = part.formula or ""
            try:
                raw = part_formula(part.name, terms, children, unit)
            except ZeroDivisionError:
                raw, division_by_zero = ZERO, True
    value = clamp(raw, part.min, part.max)
    params: Params = {"terms": terms, "raw": raw, "value": value, "division_by_zero": division_by_zero}
    lines.append(Line(part.name, kind, Msg.PART_COMBINED, params, value))
    values[part.name] = value
    return value


def _weighted(part: Node, children: dict[str, Decimal]) -> tuple[Decimal, str]:
    """Σ child × weight / 100, and the terms as the explanation shows them.

    With ``round_terms``, each term is rounded half-up (四舍五入) before the sum, and the line shows the term
    exact and kept (``95.53×40%=38.212→38.21``), so a total that differs from the exact sum says why.
    """
    shown: list[str] = []
    total = ZERO
    for c in part.parts:
        value, weight = children[c.name], c.weight or ZERO
        term = value * weight / HUNDRED
        written = f"{fmt(value)}×{fmt(weight)}%"
        if part.round_terms is not None:
            kept = rounded(term, part.round_terms, Rounding.HALF_UP)
            written += f"={fmt(term)}→{fmt(kept)}" if kept != term else ""
            term = kept
        shown.append(written)
        total += term
    return total, " + ".join(shown)
