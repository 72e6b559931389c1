"""What the scheme page needs beyond the scheme itself: the parts tree flattened with each part's share of
the total, the weight charts, and the scheme file's own text.

Everything else (periods, bonus, tiers, flags) the template reads straight from the validated
:class:`~kaoping.scheme.Scheme`, so the page cannot drift from what the engine evaluates.  A share is shown
only where the scheme fixes it: a part's maximum out of its group's total, or its percent weight (times its
parent's share); a part under a formula has none, since the formula decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from kaoping.scheme import Scheme, SchemeError, builtin_names, load_scheme, scheme_text
from kaoping.scheme.model import Node, Part

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class PartRow:
    """One line of the parts table: the part, how deep it sits, and its share of the total in percent."""

    part: Part
    depth: int
    share: Decimal | None
    parent_combine: str
    """How the parent combines this part (sum, weighted, formula): says whether ``weight`` applies."""


def num(value: Decimal | float | int | None) -> str:
    """A number as a reader writes it: ``300`` not ``300.00``, ``12.5`` not ``1.25E+1``."""
    if value is None:
        return ""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    return format(d.normalize(), "f")


def percent(value: Decimal | None) -> str:
    """A share with at most one decimal: 30%, 33.3%."""
    if value is None:
        return ""
    return num(value.quantize(Decimal("0.1")).normalize()) + "%"


def _points(parts: list[Part]) -> Decimal | None:
    """The points the parts add up to, when each has a maximum."""
    if not parts or any(p.max is None for p in parts):
        return None
    return sum((p.max for p in parts if p.max is not None), Decimal(0))


def _child_share(node: Node, child: Part, share: Decimal | None) -> Decimal | None:
    if share is None:
        return None
    if node.combine == "weighted":
        return share * child.weight / HUNDRED if child.weight is not None else None
    if node.combine == "sum":
        whole = node.max if node.max is not None else _points(node.parts)
        return share * child.max / whole if child.max is not None and whole else None
    return None


def _walk(part: Part, share: Decimal | None, depth: int, parent_combine: str, out: list[PartRow]) -> None:
    out.append(PartRow(part, depth, share, parent_combine))
    if isinstance(part, Node):
        for child in part.parts:
            _walk(child, _child_share(part, child, share), depth + 1, part.combine, out)


def top_share(scheme: Scheme, part: Part) -> Decimal | None:
    """A top-level part's share of the total of the groups it applies to."""
    if scheme.combine == "weighted":
        return part.weight
    groups = part.groups or [g.name for g in scheme.groups]
    root = scheme.root(groups[0]) if groups else scheme.root()
    whole = scheme.total_max if scheme.total_max is not None else _points(root.parts)
    if part.max is None or not whole:
        return None
    return part.max * HUNDRED / whole


def part_rows(scheme: Scheme) -> list[PartRow]:
    """The parts tree, parents first, with shares."""
    out: list[PartRow] = []
    for part in scheme.parts:
        _walk(part, top_share(scheme, part), 0, scheme.combine, out)
    return out


def charts(scheme: Scheme) -> list[dict[str, object]]:
    """One chart per distinct set of top-level parts: groups with the same parts share a chart.

    Values are shares of the total in percent; a chart is left out when a part's share is unknown.
    """
    by_parts: dict[tuple[str, ...], list[str]] = {}
    for g in scheme.groups:
        names = tuple(p.name for p in scheme.root(g.name).parts)
        by_parts.setdefault(names, []).append(g.name)
    out: list[dict[str, object]] = []
    for names, groups in by_parts.items():
        parts = [p for p in scheme.parts if p.name in names]
        shares = [top_share(scheme, p) for p in parts]
        if not parts or any(s is None for s in shares):
            continue
        data = [
            {"name": p.name, "value": float(s), "share": percent(s)}
            for p, s in zip(parts, shares, strict=True)
            if s is not None
        ]
        out.append({"groups": groups, "parts": data})
    return out


def scheme_yaml(source: str) -> str | None:
    """The text of the scheme an office runs (a built-in by name, else the file it was loaded from), if found."""
    try:
        return scheme_text(source)[0]
    except SchemeError:
        return None


@cache
def builtin_schemes() -> tuple[tuple[str, Scheme], ...]:
    """Every built-in scheme by file name, parsed once: they ship with the package and never change."""
    return tuple((name, load_scheme(name)) for name in builtin_names())
