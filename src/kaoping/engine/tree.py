"""Combining a unit's parts up the scheme's tree: sums, percent weights, formulas, clamps (计分方法)."""

from __future__ import annotations

from decimal import Decimal, DecimalException

from kaoping.engine.aggregate import LeafValues, missing_leaf
from kaoping.engine.numbers import ZERO, clamp, fmt
from kaoping.engine.result import Line
from kaoping.scheme.formula import evaluate
from kaoping.scheme.model import Node, Part

HUNDRED = Decimal(100)


def part_value(part: Part, unit: str, leaves: LeafValues, values: dict[str, Decimal], lines: list[Line]) -> Decimal:
    """Value of ``part`` for ``unit``; fills ``values`` (every part by name) and ``lines`` as it goes."""
    if not isinstance(part, Node):
        leaf = leaves.get((unit, part.name)) or missing_leaf(part)
        lines.extend(leaf.lines)
        values[part.name] = leaf.value
        return leaf.value
    children = {c.name: part_value(c, unit, leaves, values, lines) for c in part.parts}
    match part.combine:
        case "sum":
            raw = sum(children.values(), ZERO)
            how = " + ".join(fmt(v) for v in children.values())
        case "weighted":
            raw = sum((children[c.name] * (c.weight or ZERO) / HUNDRED for c in part.parts), ZERO)
            how = " + ".join(f"{fmt(children[c.name])}×{fmt(c.weight or ZERO)}%" for c in part.parts)
        case "formula":
            how = part.formula or ""
            try:
                raw = evaluate(how, children)
            except (ZeroDivisionError, DecimalException):
                raw, how = ZERO, f"{how} (division by zero: counted as 0)"
    value = clamp(raw, part.min, part.max)
    clamped = f" → clamped to {fmt(value)}" if value != raw else ""
    lines.append(Line(part.name, f"{how} = {fmt(raw)}{clamped}", value))
    values[part.name] = value
    return value
