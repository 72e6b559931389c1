"""`kaoping bench`: how the engine scales with fact rows, as ratios against a baseline of the same run.

Absolute seconds depend on the machine; the ratio does not (much).  The baseline is the irreducible work:
one Polars group-by summing the same score rows by (unit, part, item, period).  The engine's figure is the
whole `kaoping score` path after reading: checking facts against the scheme, then evaluating the quarter
(with the previous quarter for flags).  A ratio that stays flat as rows grow means no per-row Python work.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from kaoping.engine.consistency import check_facts
from kaoping.engine.evaluate import evaluate
from kaoping.facts import Facts, facts_from_frames
from kaoping.periods import parse_period
from kaoping.scheme import Scheme, load_scheme


@dataclass(frozen=True)
class BenchResult:
    rows: int
    baseline_s: float
    engine_s: float

    @property
    def ratio(self) -> float:
        return self.engine_s / self.baseline_s if self.baseline_s else float("inf")


def synthetic_facts(scheme: Scheme, rows: int, units_per_group: int = 20, seed: int = 7) -> Facts:
    """Valid city-1000-shaped facts with ``rows`` score rows, built column-wise (no Python loop per row)."""
    unit_rows = [
        (f"{g.name[:2]}{i:03d}", f"{g.name}单位{i}", g.name) for g in scheme.groups for i in range(units_per_group)
    ]
    units = pl.DataFrame(
        {
            "unit_id": [u[0] for u in unit_rows],
            "name": [u[1] for u in unit_rows],
            "group": [u[2] for u in unit_rows],
            "reward_eligible": [True] * len(unit_rows),
        }
    )
    group_items = pl.DataFrame(
        [(g.name, item) for g in scheme.groups for item in g.items], schema=["group", "item"], orient="row"
    ).with_columns(k=pl.int_range(pl.len()).over("group"), n=pl.len().over("group"))
    idx = pl.int_range(0, rows, eager=True).alias("i")
    frame = (
        pl.DataFrame(idx)
        .with_columns(
            h=(pl.col("i") * 2654435761 + seed).hash(seed) % 1_000_003,
        )
        .with_columns(
            unit_ix=pl.col("h") % len(unit_rows),
            kind=pl.col("i") % 3,
            month=(pl.col("h") // 7) % 6,
            score_frac=((pl.col("h") // 11) % 1000) / 1000,
        )
    )
    frame = frame.join(units.with_row_index("unit_ix").with_columns(pl.col("unit_ix").cast(pl.Int64)), on="unit_ix")
    frame = (
        frame.with_columns(k=(pl.col("h") // 13))
        .join(group_items.select("group", "n").unique(), on="group")
        .with_columns(k=pl.col("k") % pl.col("n"))
        .join(group_items.drop("n"), on=["group", "k"])
    )
    quarter = pl.when(pl.col("month") < 3).then(pl.lit("2024-Q1")).otherwise(pl.lit("2024-Q2"))
    month_text = pl.format("2024-0{}", pl.col("month") + 1)
    scores = frame.select(
        period=pl.when(pl.col("kind") == 2).then(month_text).otherwise(quarter),
        unit_id="unit_id",
        part=pl.when(pl.col("kind") == 0)
        .then(pl.lit("部门考评"))
        .when(pl.col("kind") == 1)
        .then(pl.lit("社会评价"))
        .otherwise(pl.lit("第三方测评")),
        item=pl.when(pl.col("kind") == 2).then(pl.lit("")).otherwise(pl.col("item")),
        score=pl.when(pl.col("kind") == 2).then(400 + 100 * pl.col("score_frac")).otherwise(10 * pl.col("score_frac")),
    ).with_columns(score=pl.col("score").round(2))
    return facts_from_frames(units=units, scores=scores)


def _timed(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run_bench(sizes: list[int], repeat: int = 3) -> list[BenchResult]:
    scheme = load_scheme("city-1000")
    period = parse_period("2024-Q2")
    out: list[BenchResult] = []
    for n in sizes:
        facts = synthetic_facts(scheme, n)

        def baseline(f: Facts = facts) -> object:
            return f.scores.group_by("unit_id", "part", "item", "period").agg(pl.col("score").sum())

        def engine(f: Facts = facts) -> object:
            check_facts(scheme, f)
            return evaluate(scheme, f, period)

        out.append(BenchResult(n, _timed(baseline, repeat), _timed(engine, repeat)))
    return out
