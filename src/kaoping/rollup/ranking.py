"""Ranking cities under a provincial scheme (省级方案): the ordinary engine, fed the Spark metrics.

A provincial scheme is a scheme file like any other, whose parts are ``source: cases`` leaves — formulas over
the case metrics, weights, groups, display and rounding, ties, rewards.  A city store would evaluate it from
case rows; the province has counts per city instead (Spark reduced the rows).  So each cases leaf is
valued here by the engine's own :func:`~kaoping.engine.aggregate.case_value` over
:func:`~kaoping.cases.metrics.rates` of those exact counts, and handed to the engine as that part's score
(the part becomes a scores leaf of the same name, bounds and weight); everything after the leaves —
weighting, totals, ranks, derived periods, rewards — is the engine evaluating the scheme.  The one
difference from evaluating the cases directly: a score travels as a float rounded to a micro-point, so an
unrounded total may differ by < 0.000001 (shown totals and ranks are equal; the equality test checks it).
"""

from __future__ import annotations

import polars as pl

from kaoping.cases.metrics import COUNTS, no_case_metrics, rates
from kaoping.engine.aggregate import case_value
from kaoping.engine.evaluate import evaluate
from kaoping.engine.result import PeriodResult
from kaoping.facts import facts_from_frames
from kaoping.periods import Period, PeriodKind
from kaoping.scheme.model import CasesLeaf, Node, Scheme
from kaoping.scheme.parts import Part, ScoresLeaf


class ProvinceSchemeError(ValueError):
    """A scheme the roll-up cannot evaluate from case metrics alone."""


def direct_kind(scheme: Scheme, period: Period) -> PeriodKind:
    """The kind of the periods the engine evaluates from facts for ``period`` (a year of quarters: quarter)."""
    kind = period.kind
    rule = scheme.periods.get(kind)
    while rule is not None and rule.from_ is not None:
        kind = rule.from_
        rule = scheme.periods.get(kind)
    return kind


def check_province_scheme(scheme: Scheme) -> None:
    """Every leaf must be a cases leaf: the tree gives the province case metrics, nothing else."""
    others = [p.name for p in scheme.leaves() if not isinstance(p, CasesLeaf)]
    if others or scheme.bonus.rules or scheme.penalties:
        named = "、".join(others) or "加分/扣分规则"
        raise ProvinceSchemeError(
            f"方案 {scheme.scheme} 含有非案卷指标部分（{named}）：省级汇总只能计算 source: cases 的部分 "
            "(a provincial scheme may only have cases parts)"
        )


def _as_scores(part: Part) -> Part:
    """A cases leaf as a scores leaf of the same name, bounds and weight (its value comes as a score)."""
    if isinstance(part, Node):
        return part.model_copy(update={"parts": [_as_scores(p) for p in part.parts]})
    if isinstance(part, CasesLeaf):
        keep = {k: getattr(part, k) for k in ("name", "aliases", "max", "min", "weight", "note", "groups")}
        return ScoresLeaf(**keep, items="none")
    return part


def scores_scheme(scheme: Scheme) -> Scheme:
    """``scheme`` with its cases leaves fed by scores (see the module text)."""
    return scheme.model_copy(update={"parts": [_as_scores(p) for p in scheme.parts]})


def _counts(row: dict[str, object]) -> dict[str, int]:
    return {c: int(str(row[c])) for c in COUNTS}


def part_scores(scheme: Scheme, metrics: pl.DataFrame, cities: list[str]) -> pl.DataFrame:
    """scores rows (period, unit_id = city, part, score): every cases leaf's value for every city in every
    period some city has cases in; a city without cases there scores the formula with nothing undone."""
    by_key = {(r["city"], r["period"]): rates(_counts(r)) for r in metrics.iter_rows(named=True)}
    periods = sorted(set(metrics.get_column("period").to_list()))
    rows = []
    for period in periods:
        for city in cities:
            values = by_key.get((city, period), no_case_metrics())
            for leaf in scheme.leaves_of(CasesLeaf):
                value, _line = case_value(leaf, values, no_cases=(city, period) not in by_key)
                rows.append((period, city, leaf.name, float(value)))
    schema = {"period": pl.String(), "unit_id": pl.String(), "part": pl.String(), "score": pl.Float64()}
    return pl.DataFrame(rows, schema=schema, orient="row")


def city_units(scheme: Scheme, codes: list[str], given: pl.DataFrame | None = None) -> pl.DataFrame:
    """The units of the provincial ranking: ``given`` (a units file: unit_id = city code, name, group), or
    every city of the tree under its code in the scheme's only group."""
    if given is not None:
        known = {g.name for g in scheme.groups}
        unknown = sorted(set(given.get_column("group").to_list()) - known)
        if unknown:
            groups = "、".join(sorted(known))
            raise ProvinceSchemeError(f"城市名单的分组 {'、'.join(unknown)} 不在方案 {scheme.scheme} 中（{groups}）")
        return given
    if len(scheme.groups) != 1:
        names = "、".join(g.name for g in scheme.groups)
        raise ProvinceSchemeError(f"方案 {scheme.scheme} 有多个分组（{names}）：请用 --cities 给出各城市的分组")
    group = scheme.groups[0].name
    return pl.DataFrame({"unit_id": codes, "name": codes, "group": [group] * len(codes)})


def rank_cities(scheme: Scheme, units: pl.DataFrame, metrics: pl.DataFrame, period: Period) -> PeriodResult:
    """The provincial ranking of ``period`` from per-city metrics of its direct periods."""
    check_province_scheme(scheme)
    codes = units.get_column("unit_id").to_list()
    scores = part_scores(scheme, metrics, codes)
    facts = facts_from_frames(units=units, scores=scores)
    return evaluate(scores_scheme(scheme), facts, period)
