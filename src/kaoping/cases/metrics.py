"""Case metrics per unit and period (GB/T 30428.4-style rates), computed column-wise in Polars.

A scheme part fed by cases (数字城管运行效果) is a formula over these names, all in percent for rates:

| name | meaning |
|---|---|
| 应结案数 | cases dispatched to the unit in the period (派遣 in the period): the base of every rate |
| 结案数 | of those, closed before the period ended |
| 按期处置数 | of those, disposed at or before their deadline, before the period ended |
| 按期结案数 | of those, closed at or before their deadline |
| 返工数 | of those, sent back at least once (rework_count > 0) |
| 延期数 | of those, with an approved postponement (optional `postponed` column) |
| 核查不通过数 | failed verifications of those cases: max(verify_failed, rework_count) per case |
| 结案率, 按期处置率, 按期结案率 | 结案数, 按期处置数, 按期结案数 / 应结案数 × 100 |
| 返工率, 延期率 | 返工数, 延期数 / 应结案数 × 100 |
| 核查通过率 | 结案数 / (结案数 + 核查不通过数) × 100 |

A unit with no case in the period has nothing left undone: completion rates are 100 and failure rates 0.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from kaoping.periods import Period

COUNTS = ("应结案数", "结案数", "按期处置数", "按期结案数", "返工数", "延期数", "核查不通过数")
RATES = ("结案率", "按期处置率", "按期结案率", "返工率", "延期率", "核查通过率")
METRIC_NAMES = frozenset(COUNTS + RATES)

_NO_CASES: dict[str, Decimal] = {
    **{c: Decimal(0) for c in COUNTS},
    "结案率": Decimal(100),
    "按期处置率": Decimal(100),
    "按期结案率": Decimal(100),
    "返工率": Decimal(0),
    "延期率": Decimal(0),
    "核查通过率": Decimal(100),
}


def no_case_metrics() -> dict[str, Decimal]:
    return dict(_NO_CASES)


def case_counts(cases: pl.DataFrame, period: Period) -> pl.DataFrame:
    """One row per unit with the counts above and ``rows`` (the case rows counted), for ``period``."""
    base = cases.filter(period.holds(pl.col("dispatched_at").dt.date()))
    end_ts = pl.lit(period.end_exclusive()).cast(pl.Datetime("us"))
    closed = pl.col("closed_at").is_not_null() & (pl.col("closed_at") < end_ts)
    on_time = pl.col("deadline").is_not_null()
    return (
        base.group_by("unit_id")
        .agg(
            应结案数=pl.len(),
            结案数=closed.sum(),
            按期处置数=(
                on_time & (pl.col("disposed_at") <= pl.col("deadline")) & (pl.col("disposed_at") < end_ts)
            ).sum(),
            按期结案数=(on_time & closed & (pl.col("closed_at") <= pl.col("deadline"))).sum(),
            返工数=(pl.col("rework_count") > 0).sum(),
            延期数=(pl.col("postponed") > 0).sum(),
            核查不通过数=pl.max_horizontal("verify_failed", "rework_count").sum(),
            rows=pl.col("_row").sort(),
        )
        .sort("unit_id")
    )


def rates(counts: dict[str, int]) -> dict[str, Decimal]:
    """All metrics (counts and percent rates) from one unit's counts."""
    n = counts["应结案数"]
    if n == 0:
        return no_case_metrics()
    out = {c: Decimal(counts[c]) for c in COUNTS}
    hundred = Decimal(100)
    out["结案率"] = hundred * counts["结案数"] / n
    out["按期处置率"] = hundred * counts["按期处置数"] / n
    out["按期结案率"] = hundred * counts["按期结案数"] / n
    out["返工率"] = hundred * counts["返工数"] / n
    out["延期率"] = hundred * counts["延期数"] / n
    checked = counts["结案数"] + counts["核查不通过数"]
    out["核查通过率"] = hundred * counts["结案数"] / checked if checked else hundred
    return out


def failed_verifications(cases: pl.DataFrame, period: Period) -> pl.DataFrame:
    """核查不通过 per unit: failures (max of verify_failed and rework_count) of the cases closed in the
    period, or not closed but disposed in it (reworked in the period); columns unit_id, n, rows."""
    closed_in = period.holds(pl.col("closed_at").dt.date())
    reworked_in = pl.col("closed_at").is_null() & period.holds(pl.col("disposed_at").dt.date())
    fails = pl.max_horizontal("verify_failed", "rework_count")
    return (
        cases.filter((closed_in | reworked_in) & (fails > 0))
        .group_by("unit_id")
        .agg(n=fails.sum(), rows=pl.col("_row").sort())
        .sort("unit_id")
    )
