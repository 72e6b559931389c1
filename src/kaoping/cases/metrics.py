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
| 工单数 | 12345 work orders (``channel`` 12345) dispatched to the unit in the period |
| 办结数, 按时办结数 | of those, closed before the period ended; closed at or before their deadline |
| 回访数, 回访满意数 | of those, visited (``satisfaction`` filled); answered 满意 or 基本满意 |
| 重复投诉数 | of those, repeating an earlier order (``repeat_of`` filled) |
| 办结率, 按时办结率, 重复投诉率 | 办结数, 按时办结数, 重复投诉数 / 工单数 × 100 |
| 回访满意率 | 回访满意数 / 回访数 × 100 |

A unit with no case in the period has nothing left undone: completion rates are 100 and failure rates 0.

The definitions themselves are data (:mod:`kaoping.cases.metric_defs`); this module renders them in Polars
and the province roll-up renders the same table on Spark, so the two cannot drift apart.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from kaoping.cases.metric_defs import (
    COUNT_DEFS,
    END,
    ORDER_COUNT_DEFS,
    RATE_DEFS,
    AllOf,
    Before,
    Condition,
    Every,
    Filled,
    OneOf,
    Positive,
    Present,
    Term,
)
from kaoping.periods import Period

COUNTS = tuple(COUNT_DEFS)
RATES = tuple(r.name for r in RATE_DEFS)
METRIC_NAMES = frozenset(COUNTS + RATES)
ORDER_METRICS = tuple(ORDER_COUNT_DEFS) + tuple(r.name for r in RATE_DEFS if r.denominator[0] in ORDER_COUNT_DEFS)
"""The 12345 work-order metrics (工单数 … 重复投诉率): shown in an explanation only where they matter."""


def shown_metrics(metrics: dict[str, Decimal], formula: str) -> tuple[str, ...]:
    """The metrics an explanation line lists: the cases' own, and the 12345 ones when the unit has orders
    or the formula reads them (a grid-only plan's lines stay as they were)."""
    case_rates = tuple(r for r in RATES if r not in ORDER_METRICS)
    orders = metrics.get("工单数", Decimal(0)) > 0 or any(name in formula for name in ORDER_METRICS)
    return (*COUNTS[:2], *case_rates, *(ORDER_METRICS if orders else ()))


_NO_CASES: dict[str, Decimal] = {**{c: Decimal(0) for c in COUNTS}, **{r.name: r.empty for r in RATE_DEFS}}


def no_case_metrics() -> dict[str, Decimal]:
    return dict(_NO_CASES)


def _operand(name: str, end: pl.Expr) -> pl.Expr:
    return end if name == END else pl.col(name)


def condition_expr(cond: Condition, end: pl.Expr) -> pl.Expr:
    match cond:
        case Present(column):
            return pl.col(column).is_not_null()
        case Positive(column):
            return pl.col(column) > 0
        case OneOf(column, values):
            return pl.col(column).is_in(values).fill_null(False)
        case Filled(column):
            return pl.col(column).fill_null("").str.len_chars() > 0
        case Before(left, right, strict):
            a, b = _operand(left, end), _operand(right, end)
            return a < b if strict else a <= b


def count_expr(term: Term, end: pl.Expr) -> pl.Expr:
    """One count of :data:`~kaoping.cases.metric_defs.COUNT_DEFS` as a Polars aggregation (``end``: the
    first instant after the period)."""
    match term:
        case Every():
            return pl.len()
        case AllOf(conditions):
            joined = condition_expr(conditions[0], end)
            for cond in conditions[1:]:
                joined = joined & condition_expr(cond, end)
            return joined.sum()
        case _:
            return pl.max_horizontal(*term.columns).sum()


ORDER_COLUMNS = ("channel", "satisfaction", "repeat_of")
"""The optional text columns the 12345 order counts read (added to the cases contract after it was pinned)."""


def with_order_columns(cases: pl.DataFrame) -> pl.DataFrame:
    """``cases`` with the order columns it lacks as empty text: a frame narrowed to the older columns (a
    page's own selection, a test's) counts no order instead of failing."""
    missing = [pl.lit("", pl.String).alias(c) for c in ORDER_COLUMNS if c not in cases.columns]
    return cases.with_columns(missing) if missing else cases


def case_counts(cases: pl.DataFrame, period: Period) -> pl.DataFrame:
    """One row per unit with the counts above and ``rows`` (the case rows counted), for ``period``."""
    base = with_order_columns(cases).filter(period.holds(pl.col("dispatched_at").dt.date()))
    end_ts = pl.lit(period.end_exclusive()).cast(pl.Datetime("us"))
    counts = {name: count_expr(term, end_ts) for name, term in COUNT_DEFS.items()}
    return base.group_by("unit_id").agg(**counts, rows=pl.col("_row").sort()).sort("unit_id")


def rates(counts: dict[str, int]) -> dict[str, Decimal]:
    """All metrics (counts and percent rates) from one unit's counts, by :data:`RATE_DEFS`: a rate whose
    denominator is 0 (no case in the period, nothing checked) takes its ``empty`` value."""
    out = {c: Decimal(counts[c]) for c in COUNTS}
    hundred = Decimal(100)
    for r in RATE_DEFS:
        den = sum(counts[d] for d in r.denominator)
        out[r.name] = hundred * counts[r.numerator] / den if den else r.empty
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
