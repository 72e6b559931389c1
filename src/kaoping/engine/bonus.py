"""Bonus (加分项目): honors by level with delay and yearly cap, scored bonus parts, rank tiers, caps.

Each rule gives a unit some points for the evaluated period with explanation lines; the rules add up and
the scheme's overall cap (特色工作 at most 10) applies last.  Rows are handled in Polars; only per-unit
(or per-unit-and-matter) sums come back to Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

from kaoping.engine.numbers import MICRO, ZERO, combine, from_micro, to_micro, trimmed_mean
from kaoping.engine.phrases import Msg
from kaoping.engine.result import Line, LineKind
from kaoping.facts import Facts
from kaoping.periods import Period, PeriodKind
from kaoping.scheme.model import Combine, HonorBonus, RankBonus, Scheme, ScoreBonus


@dataclass
class UnitBonus:
    total: Decimal = ZERO
    detail: dict[str, Decimal] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)


def bonus_for(scheme: Scheme, facts: Facts, period: Period) -> dict[str, UnitBonus]:
    """Bonus per unit id for ``period`` (units without any bonus are absent)."""
    out: dict[str, UnitBonus] = defaultdict(UnitBonus)
    for rule in scheme.bonus.rules:
        match rule:
            case HonorBonus():
                got = _honors(rule, facts, period, scheme.main_kind)
            case ScoreBonus():
                got = _scores(rule, facts, period)
            case RankBonus():
                got = _ranks(rule, facts, period)
        for unit, (points, lines) in got.items():
            cap = None if isinstance(rule, HonorBonus) else rule.cap
            if cap is not None and points > cap:
                capped = Line(rule.name, LineKind.BONUS, Msg.RULE_CAP, {"points": points, "cap": cap}, cap)
                lines = [*lines, capped]
                points = cap
            ub = out[unit]
            ub.detail[rule.name] = points
            ub.total += points
            ub.lines += lines
    cap = scheme.bonus.cap
    for ub in out.values():
        if cap is not None and ub.total > cap:
            ub.lines.append(Line("加分", LineKind.BONUS, Msg.BONUS_CAP, {"total": ub.total, "cap": cap}, cap))
            ub.total = cap
    return dict(out)


Got = dict[str, tuple[Decimal, list[Line]]]


def _honors(rule: HonorBonus, facts: Facts, period: Period, main: PeriodKind) -> Got:
    """Honors turned into points, added ``delay`` main periods later, capped per calendar year of addition.

    Awards are applied in date order (equal dates: larger first, then by title) until the year's cap is
    reached; the award that crosses the cap is added in part.  The cap counts every award added in the
    year, including those added before ``period`` — so the frame is processed whole, then filtered.
    """
    label = facts.label("honors")
    levels = {k: int(v * MICRO) for k, v in rule.points.items()}
    df = facts.honors.filter(pl.col("kind") == rule.honor_kind).with_columns(
        pts=pl.col("level").replace_strict(levels, default=0, return_dtype=pl.Int64)
    )
    if df.is_empty():
        return {}
    start = _main_index(df, main).alias("idx") + rule.delay * main.size
    df = df.with_columns(added_first=start).with_columns(added_year=pl.col("added_first") // 12)
    df = df.sort("unit_id", "date", "pts", "title", "_row", descending=[False, False, True, False, False])
    cap = int(rule.cap_per_year * MICRO) if rule.cap_per_year is not None else None
    if cap is not None:
        cum = pl.col("pts").cum_sum().over("unit_id", "added_year")
        df = df.with_columns(
            added=pl.min_horizontal(cum, pl.lit(cap)) - pl.min_horizontal(cum - pl.col("pts"), pl.lit(cap))
        )
    else:
        df = df.with_columns(added=pl.col("pts"))
    df = df.filter((pl.col("added_first") >= period.first) & (pl.col("added_first") <= period.last))
    out: Got = {}
    for r in df.iter_rows(named=True):
        added = from_micro(r["added"])
        full = from_micro(r["pts"])
        params = {
            "date": str(r["date"]),
            "level": r["level"],
            "title": r["title"],
            "added": added,
            "full": full,
            "cap": rule.cap_per_year or ZERO,
            "delay": rule.delay,
        }
        line = Line(rule.name, LineKind.BONUS, Msg.HONOR, params, added, label, (r["_row"],))
        points, lines = out.get(r["unit_id"], (ZERO, []))
        out[r["unit_id"]] = (points + added, [*lines, line])
    return out


def _main_index(df: pl.DataFrame, main: PeriodKind) -> pl.Expr:
    """Month index (year*12 + month-1) of the first month of the main period that holds each date."""
    month0 = pl.col("date").dt.year().cast(pl.Int64) * 12 + pl.col("date").dt.month().cast(pl.Int64) - 1
    return month0 - month0 % main.size if main != PeriodKind.MONTH else month0


def _scores(rule: ScoreBonus, facts: Facts, period: Period) -> Got:
    label = facts.label("scores")
    grouped = (
        facts.scores.lazy()
        .filter(pl.col("period").is_in(period.keys()) & pl.col("part").is_in(rule.names()))
        .with_columns(u=to_micro("score"))
        .group_by("unit_id", "item")
        .agg(s=pl.col("u").sum(), hi=pl.col("u").max(), lo=pl.col("u").min(), rows=pl.col("_row").sort())
        .sort("unit_id", "item")
        .collect()
    )
    per_unit: dict[str, list[tuple[Decimal, Line]]] = defaultdict(list)
    for g in grouped.iter_rows(named=True):
        n = len(g["rows"])
        match rule.same_item:
            case Combine.MAX:
                v = from_micro(g["hi"])
            case Combine.MIN:
                v = from_micro(g["lo"])
            case Combine.MEAN:
                v = from_micro(g["s"]) / n
            case Combine.TRIMMED_MEAN:
                v = trimmed_mean(from_micro(g["s"]), n, from_micro(g["hi"]), from_micro(g["lo"]))
            case _:
                v = from_micro(g["s"])
        params = {"item": g["item"] or rule.name, "value": v, "how": rule.same_item.value, "n": n}
        per_unit[g["unit_id"]].append(
            (v, Line(rule.name, LineKind.BONUS, Msg.SCORE_BONUS, params, v, label, tuple(g["rows"])))
        )
    return {u: (combine([v for v, _ in xs], Combine.SUM), [ln for _, ln in xs]) for u, xs in per_unit.items()}


def _ranks(rule: RankBonus, facts: Facts, period: Period) -> Got:
    label = facts.label("ranks")
    df = facts.ranks.filter(pl.col("period").is_in(period.keys()) & (pl.col("task") == rule.task))
    tier_points = pl.lit(0, dtype=pl.Int64)
    for t in reversed(rule.tiers):  # first matching tier wins, as the scheme lists them
        hit = pl.col("rank").is_between(t.ranks[0], t.ranks[1])
        tier_points = pl.when(hit).then(pl.lit(int(t.points * MICRO))).otherwise(tier_points)
    df = df.with_columns(pts=tier_points)
    out: Got = {}
    for r in df.sort("unit_id", "period").iter_rows(named=True):
        pts = from_micro(r["pts"])
        params = {"period": r["period"], "task": rule.task, "rank": r["rank"], "points": pts}
        line = Line(rule.name, LineKind.BONUS, Msg.RANK_BONUS, params, pts, label, (r["_row"],))
        points, lines = out.get(r["unit_id"], (ZERO, []))
        out[r["unit_id"]] = (points + pts, [*lines, line])
    return out
