"""Leaf parts from fact rows: the only place rows are touched, and only through Polars group-bys.

A leaf part of a scheme is fed by scores.csv (部门考评, 第三方测评...) or deductions.csv (扣分制 items).
Rows are filtered to the evaluated period, grouped by (part, unit, item, period) in Polars with exact
integer sums, and only the groups — units × items × months, never rows — come back to Python to be
combined by the scheme's rules (several scorers averaged, items summed, months averaged, clamping).
Each group keeps the row numbers it came from, which is what makes every point explainable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

from kaoping.cases.cells import period_counts
from kaoping.cases.metrics import no_case_metrics, rates, shown_metrics
from kaoping.engine.deduction_cells import grouped as cell_groups
from kaoping.engine.deduction_cells import outside_cells
from kaoping.engine.numbers import ZERO, clamp, combine, fmt, from_micro, part_formula, to_micro, trimmed_mean
from kaoping.engine.phrases import Msg, Params
from kaoping.engine.result import Line, LineKind
from kaoping.engine.windows import outside_windows
from kaoping.facts import Facts
from kaoping.periods import Period, parse_period, period_of
from kaoping.scheme.model import (
    CasesLeaf,
    Combine,
    DeductionsLeaf,
    InspectionWindow,
    Leaf,
    PartBase,
    Scheme,
    ScoresLeaf,
    Source,
)


@dataclass
class LeafValue:
    value: Decimal
    lines: list[Line] = field(default_factory=list)


LeafValues = dict[tuple[str, str], LeafValue]
"""(unit_id, part name) → value with its explanation."""


def canonical_parts(parts: Sequence[PartBase]) -> dict[str, str]:
    """Every name or alias → the part's own name."""
    return {n: p.name for p in parts for n in p.names()}


def normalise_item(parts: dict[str, str]) -> pl.Expr:
    """An item that repeats its part's name (or alias) means the whole part: ''."""
    canonical = pl.col("part").replace_strict(parts, default=pl.col("part"))
    return (
        pl.when((pl.col("item") == pl.col("part")) | (pl.col("item") == canonical))
        .then(pl.lit(""))
        .otherwise(pl.col("item"))
    )


def leaf_values(scheme: Scheme, facts: Facts, period: Period) -> LeafValues:
    """Values of every leaf part for every unit with rows in ``period`` (units without rows are absent)."""
    out: LeafValues = {}
    score_parts = [p for p in scheme.leaves() if p.source == Source.SCORES]
    deduction_parts = [p for p in scheme.leaves() if p.source == Source.DEDUCTIONS]
    if score_parts:
        out.update(_score_leaves(score_parts, facts, period))
    if deduction_parts:
        out.update(_deduction_leaves(deduction_parts, facts, period, scheme.inspection_windows))
    for part in (p for p in scheme.leaves() if p.source == Source.CASES):
        out.update(_case_leaf(part, facts, period))
    return out


def _case_leaf(part: CasesLeaf, facts: Facts, period: Period) -> LeafValues:
    """数字城管运行效果: the part's formula over each unit's case metrics of the period."""
    label = facts.label("cases")
    out: LeafValues = {}
    for row in period_counts(facts.cases, facts.case_cells, period).iter_rows(named=True):
        metrics = rates(row)
        value, explained = case_value(part, metrics, unit=row["unit_id"])
        names = shown_metrics(metrics, part.formula or "")
        shown = "、".join(f"{k} {fmt(metrics[k].quantize(Decimal('0.01')))}" for k in names)
        n = row["应结案数"]
        params = {"n": n, "metrics": shown}
        counts = Line(part.name, LineKind.PART, Msg.CASE_COUNTS, params, Decimal(n), label, tuple(row["rows"]))
        out[(row["unit_id"], part.name)] = LeafValue(value, [counts, explained])
    return out


def case_value(
    part: CasesLeaf, metrics: dict[str, Decimal], *, no_cases: bool = False, unit: str | None = None
) -> tuple[Decimal, Line]:
    """The part's formula over the metrics (of ``unit``, for messages), clamped, with the line that says so."""
    formula = part.formula or "0"
    try:
        raw = part_formula(part.name, formula, metrics, unit)
    except ZeroDivisionError:
        failed: Params = {"formula": formula, "value": part.min, "no_cases": no_cases}
        return part.min, Line(part.name, LineKind.PART, Msg.CASE_DIVISION_BY_ZERO, failed, part.min)
    value = clamp(raw, part.min, part.max)
    params: Params = {"formula": formula, "raw": raw, "value": value, "no_cases": no_cases}
    return value, Line(part.name, LineKind.PART, Msg.CASE_FORMULA, params, value)


def _score_leaves(parts: list[ScoresLeaf], facts: Facts, period: Period) -> LeafValues:
    names = canonical_parts(parts)
    label = facts.label("scores")
    in_period = score_rows(parts, period)
    pooled = [p.name for p in parts if p.pool]
    grouped = (
        facts.scores.lazy()
        .filter(in_period)
        .with_columns(item=normalise_item(names), part=pl.col("part").replace_strict(names), u=to_micro("score"))
        .with_columns(
            period=pl.when(pl.col("part").is_in(pooled)).then(pl.lit(str(period))).otherwise(pl.col("period")),
            item=pl.when(pl.col("part").is_in(pooled)).then(pl.lit("")).otherwise(pl.col("item")),
        )
        .group_by("part", "unit_id", "item", "period")
        .agg(
            s=pl.col("u").sum(),
            n=pl.len(),
            hi=pl.col("u").max(),
            lo=pl.col("u").min(),
            rows=pl.col("_row").sort(),
        )
        .collect()
    )
    by_part = {p.name: p for p in parts}
    # (unit, part) → period → item → (value, line)
    cells: dict[tuple[str, str], dict[str, dict[str, tuple[Decimal, Line]]]] = defaultdict(lambda: defaultdict(dict))
    for g in grouped.iter_rows(named=True):
        part = by_part[g["part"]]
        value = _scorers(part.scorers, g["s"], g["n"], g["hi"], g["lo"])
        params = {"period": g["period"], "item": g["item"], "n": g["n"], "how": part.scorers.value, "value": value}
        line = Line(part.name, LineKind.PART, Msg.SCORE_ROWS, params, value, label, tuple(g["rows"]))
        cells[(g["unit_id"], g["part"])][g["period"]][g["item"]] = (value, line)
    out: LeafValues = {}
    for (unit, pname), per_period in cells.items():
        part = by_part[pname]
        lines: list[Line] = []
        period_values: list[Decimal] = []
        for key in sorted(per_period, key=_period_order):
            items = per_period[key]
            lines += [items[i][1] for i in sorted(items)]
            raw = combine([items[i][0] for i in sorted(items)], part.items_combine)
            period_values.append(clamp(raw, part.min, part.max))
        value = clamp(combine(period_values, part.over_time), part.min, part.max)
        if len(period_values) > 1:
            shown = ", ".join(fmt(v) for v in period_values)
            params = {"how": part.over_time.value, "n": len(period_values), "values": shown}
            lines.append(Line(pname, LineKind.PART, Msg.OVER_TIME, params, value))
        elif any(len(items) > 1 for items in per_period.values()):
            lines.append(Line(pname, LineKind.PART, Msg.ITEMS_COMBINED, {"how": part.items_combine.value}, value))
        out[(unit, pname)] = LeafValue(value, lines)
    return out


def score_rows(parts: list[ScoresLeaf], period: Period) -> pl.Expr:
    """scores.csv rows that feed one of ``parts`` in ``period`` (see score_keys)."""
    in_period = pl.lit(False)
    for p in parts:
        in_period = in_period | (pl.col("part").is_in(p.names()) & pl.col("period").is_in(score_keys(p, period)))
    return in_period


def score_keys(part: ScoresLeaf, period: Period) -> list[str]:
    """Period texts of the rows a part takes for ``period``.

    Normally every period inside it.  A part given per a coarser period than the one evaluated (a
    quarterly 环卫一体化 score in a monthly ranking) takes the score of the period that holds it.
    """
    given = part.given_per
    if given is not None and given.size > period.last - period.first + 1:
        return [str(period_of(period.start(), given))]
    return period.keys()


def _period_order(key: str) -> tuple[int, int]:
    p = parse_period(key)
    return (p.first, p.last)


def _scorers(how: Combine, s: int, n: int, hi: int, lo: int) -> Decimal:
    match how:
        case Combine.SUM:
            return from_micro(s)
        case Combine.MAX:
            return from_micro(hi)
        case Combine.MIN:
            return from_micro(lo)
        case Combine.TRIMMED_MEAN:
            return trimmed_mean(from_micro(s), n, from_micro(hi), from_micro(lo))
        case _:
            return from_micro(s) / n


def _deduction_leaves(
    parts: list[DeductionsLeaf], facts: Facts, period: Period, windows: list[InspectionWindow]
) -> LeafValues:
    """扣分制 leaves; rows outside the inspection ``windows`` are left to windows.py to report.  From the
    store's kept deduction cells when the facts came with them (:mod:`kaoping.engine.deduction_cells`)."""
    names = canonical_parts(parts)
    label = facts.label("deductions")
    if facts.deduction_cells is not None:  # the store's kept cells: the same sums, without the rows
        grouped = cell_groups(facts.deduction_cells, period, names, normalise_item(names), outside_cells(windows))
    else:
        grouped = row_groups(facts.deductions, period, names, windows)
    by_part = {p.name: p for p in parts}
    totals: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    lines: dict[tuple[str, str], list[Line]] = defaultdict(list)
    for g in grouped.iter_rows(named=True):
        part = by_part[g["part"]]
        points = from_micro(g["s"])
        counted = min(points, part.item_cap) if part.item_cap is not None else points
        params = {"item": g["item"], "n": g["n"], "points": points, "counted": counted}
        key = (g["unit_id"], g["part"])
        totals[key] += counted
        lines[key].append(Line(part.name, LineKind.PART, Msg.DEDUCTION_ITEM, params, -counted, label, tuple(g["rows"])))
    out: LeafValues = {}
    for key, deducted in totals.items():
        part = by_part[key[1]]
        value = deduction_value(part, deducted)
        full = part.max or ZERO
        params = {"max": full, "deducted": deducted, "value": value, "floored": value != full - deducted}
        out[key] = LeafValue(value, [*lines[key], Line(part.name, LineKind.PART, Msg.DEDUCTION_PART, params, value)])
    return out


def row_groups(
    rows: pl.DataFrame, period: Period, names: dict[str, str], windows: list[InspectionWindow]
) -> pl.DataFrame:
    """Deduction ``rows`` counted in ``period`` grouped as the 扣分制 leaves count them: (part, unit_id, item)
    with ``s`` (millionths), ``n`` and ``rows`` (the row numbers a line cites)."""
    return (
        rows.lazy()
        .filter(period.holds("date") & pl.col("part").is_in(list(names)) & ~outside_windows(windows))
        .with_columns(item=normalise_item(names), part=pl.col("part").replace_strict(names), u=to_micro("points"))
        .group_by("part", "unit_id", "item")
        .agg(s=pl.col("u").sum(), n=pl.len(), rows=pl.col("_row").sort())
        .sort("part", "unit_id", "item")
        .collect()
    )


def cited_deductions(scheme: Scheme, rows: pl.DataFrame, period: Period) -> dict[tuple[str, str, str], tuple[int, ...]]:
    """(part, unit_id, item) → the rows of ``rows`` its line cites in ``period``: what a result computed from
    kept cells (which cite no row) fills in for the one unit it explains."""
    names = canonical_parts([p for p in scheme.leaves() if p.source == Source.DEDUCTIONS])
    grouped = row_groups(rows, period, names, scheme.inspection_windows)
    return {(g["part"], g["unit_id"], g["item"]): tuple(g["rows"]) for g in grouped.iter_rows(named=True)}


def deduction_value(part: DeductionsLeaf, deducted: Decimal) -> Decimal:
    """扣分制: the maximum minus deductions, never below the floor (default the part's min)."""
    floor = part.floor if part.floor is not None else part.min
    return clamp((part.max or ZERO) - deducted, floor, part.max)


def missing_leaf(part: Leaf) -> LeafValue:
    """A unit with no rows for a leaf: deductions → full marks; scores → the part's minimum; cases → the
    formula over a period with nothing left undone (completion 100%, failures 0%)."""
    if part.source == Source.CASES:
        value, line = case_value(part, no_case_metrics(), no_cases=True)
        return LeafValue(value, [line])
    if part.source == Source.DEDUCTIONS:
        full = part.max or ZERO
        return LeafValue(full, [Line(part.name, LineKind.PART, Msg.NO_DEDUCTIONS, {"full": full}, full)])
    return LeafValue(part.min, [Line(part.name, LineKind.PART, Msg.NO_SCORES, {"min": part.min}, part.min)])
