"""Case cells (案卷汇总格): the case metrics of :mod:`kaoping.cases.metrics` kept per unit and month, so that a
month, a quarter or a year is counted from a few thousand sums instead of a million case rows.

A count of :data:`~kaoping.cases.metric_defs.COUNT_DEFS` depends on the period twice: on its months (the
case was dispatched in them) and on its end (``END``: closed *before the period ended*).  A period is always
a run of whole months, so "``t`` < END" holds exactly when ``t`` falls in the period's last month or earlier,
and ``t`` <= END when the instant just before ``t`` does.  Each case therefore adds its term to one cell per
count::

    (unit_id, month = its dispatch month, measure = the count, settle = the first month by whose end it holds)

and a period [first, last] adds the cells with ``first <= month <= last`` and ``settle <= last``.  A count
without ``END`` settles in the dispatch month itself.  The 核查不通过 failures that the
``failed_verifications`` flag counts are kept under the measure :data:`FAILED`, by the month the case was
closed in (or disposed in, while not closed), as :func:`~kaoping.cases.metrics.failed_verifications` reads them.

The cells carry no row numbers: a unit's explanation reads its own cases again (a few hundred rows).
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache

import polars as pl

from kaoping.cases.metric_defs import COUNT_DEFS, END, AllOf, Before, Condition, Every, Largest, Term
from kaoping.cases.metrics import COUNTS, case_counts, condition_expr, failed_verifications, with_order_columns
from kaoping.periods import Period

FAILED = "核查不通过"
"""The measure of the failures of cases closed (or reworked) in the month: the flag's count."""

CELL_SCHEMA: dict[str, pl.DataType] = {
    "unit_id": pl.String(),
    "month": pl.Int32(),
    "measure": pl.String(),
    "settle": pl.Int32(),
    "value": pl.Int64(),
}
"""One cell: month and settle are month indexes (year × 12 + month − 1), like :class:`~kaoping.periods.Period`."""


def month_index(column: str | pl.Expr) -> pl.Expr:
    """The month index of a date or timestamp column (null stays null)."""
    col = pl.col(column) if isinstance(column, str) else column
    return (col.dt.year().cast(pl.Int32) * 12 + col.dt.month().cast(pl.Int32) - 1).cast(pl.Int32)


def _settles(cond: Condition) -> bool:
    return isinstance(cond, Before) and END in (cond.left, cond.right)


def _settle_month(cond: Before) -> pl.Expr:
    """The first month by whose end ``cond`` holds (null: never, the time is missing)."""
    if cond.left == END:
        raise ValueError(f"END on the left of a condition is not kept in cells: {cond}")
    moment = pl.col(cond.left)
    return month_index(moment if cond.strict else moment - timedelta(microseconds=1))


def _measure(name: str, term: Term, dispatched: pl.Expr) -> pl.Expr:
    """Per case: a struct (value, settle) for count ``name``, or null where the case adds nothing."""
    settle = dispatched
    match term:
        case Every():
            value: pl.Expr = pl.lit(1, pl.Int64)
        case AllOf(conditions):
            fixed = [c for c in conditions if not _settles(c)]
            ending = [c for c in conditions if _settles(c)]
            value = pl.lit(1, pl.Int64)
            if fixed:  # none of them about END: the end passed is never read
                holds = pl.all_horizontal([condition_expr(c, pl.lit(None)) for c in fixed]).fill_null(False)
                value = pl.when(holds).then(1).otherwise(0).cast(pl.Int64)
            for cond in ending:
                assert isinstance(cond, Before)
                settle = pl.max_horizontal(settle, _settle_month(cond))
                value = pl.when(_settle_month(cond).is_null()).then(0).otherwise(value)
        case Largest(columns):
            value = pl.max_horizontal(*columns).cast(pl.Int64)
    return pl.struct(measure=pl.lit(name), settle=settle, value=value)


@cache
def _count_measures() -> tuple[pl.Expr, ...]:
    """Every count's per-case term, built once per process: building these few dozen expressions took about
    half the CPU of a one-case write's cell change (the counts are fixed, and an expression is immutable)."""
    dispatched = month_index("dispatched_at")
    return tuple(_measure(name, term, dispatched) for name, term in COUNT_DEFS.items())


def case_cells(cases: pl.DataFrame) -> pl.DataFrame:
    """Every cell the ``cases`` rows add up to (schema :data:`CELL_SCHEMA`), cells of value 0 left out."""
    return _summed(cases.with_columns(_w=pl.lit(1, pl.Int64)))


def cell_changes(before: pl.DataFrame, after: pl.DataFrame) -> pl.DataFrame:
    """What the cells gain (a negative value: lose) when the ``before`` rows are replaced by the ``after`` rows:
    a cell is a plain sum of each case's terms, so the cells of the rows after a write minus those of the rows
    before it are the change of the kept cells (schema :data:`CELL_SCHEMA`, changes of 0 left out)."""
    signed = pl.concat(
        [before.with_columns(_w=pl.lit(-1, pl.Int64)), after.with_columns(_w=pl.lit(1, pl.Int64))],
        how="vertical_relaxed",
    )
    return _summed(signed)


def _summed(cases: pl.DataFrame) -> pl.DataFrame:
    """The cells of ``cases``, each case's terms counted ``_w`` times (1, or −1 for a row taken away)."""
    dispatched = month_index("dispatched_at")
    counted = (
        with_order_columns(cases)
        .lazy()
        .filter(pl.col("dispatched_at").is_not_null())
        .select(pl.col("unit_id"), pl.col("_w"), month=dispatched, m=pl.concat_list(_count_measures()))
        .explode("m")
        .unnest("m")
    )
    fails = pl.max_horizontal("verify_failed", "rework_count").cast(pl.Int64)
    failed = (
        cases.lazy()
        .filter((fails > 0) & pl.coalesce("closed_at", "disposed_at").is_not_null())
        .select(
            pl.col("unit_id"),
            pl.col("_w"),
            month=month_index(pl.coalesce("closed_at", "disposed_at")),
            measure=pl.lit(FAILED),
            settle=month_index(pl.coalesce("closed_at", "disposed_at")),
            value=fails,
        )
    )
    both = pl.concat([counted, failed], how="vertical_relaxed")
    return (
        both.filter(pl.col("value") > 0)
        .group_by("unit_id", "month", "measure", "settle")
        .agg((pl.col("value") * pl.col("_w")).sum())
        .filter(pl.col("value") != 0)
        .select(pl.col(c).cast(t) for c, t in CELL_SCHEMA.items())
        .sort("unit_id", "month", "measure", "settle")
        .collect()
    )


def empty_cells() -> pl.DataFrame:
    return pl.DataFrame(schema=CELL_SCHEMA)


def _in_period(cells: pl.DataFrame, period: Period) -> pl.DataFrame:
    return cells.filter(pl.col("month").is_between(period.first, period.last) & (pl.col("settle") <= period.last))


def cell_counts(cells: pl.DataFrame, period: Period) -> pl.DataFrame:
    """What :func:`~kaoping.cases.metrics.case_counts` answers for ``period``, from cells: one row per unit
    with a case dispatched in it, its counts, and ``rows`` empty (cells keep no row numbers)."""
    kept = _in_period(cells, period).filter(pl.col("measure").is_in(COUNTS))
    if kept.is_empty():
        return _no_counts()
    wide = kept.pivot(on="measure", index="unit_id", values="value", aggregate_function="sum")
    missing = [pl.lit(0, pl.Int64).alias(c) for c in COUNTS if c not in wide.columns]
    out = wide.with_columns(missing).select(
        "unit_id", *[pl.col(c).fill_null(0).cast(pl.UInt32 if c == "应结案数" else pl.Int64) for c in COUNTS]
    )
    out = out.filter(pl.col("应结案数") > 0)
    return out.with_columns(rows=pl.lit([], pl.List(pl.Int64))).sort("unit_id")


def _no_counts() -> pl.DataFrame:
    schema: dict[str, pl.DataType] = {"unit_id": pl.String()}
    schema.update({c: pl.UInt32() if c == "应结案数" else pl.Int64() for c in COUNTS})
    schema["rows"] = pl.List(pl.Int64())
    return pl.DataFrame(schema=schema)


def cell_failures(cells: pl.DataFrame, period: Period) -> pl.DataFrame:
    """What :func:`~kaoping.cases.metrics.failed_verifications` answers, from cells (``rows`` empty)."""
    kept = _in_period(cells, period).filter(pl.col("measure") == FAILED)
    return (
        kept.group_by("unit_id")
        .agg(n=pl.col("value").sum())
        .with_columns(rows=pl.lit([], pl.List(pl.Int64)))
        .sort("unit_id")
    )


def any_dispatched(cells: pl.DataFrame, period: Period) -> bool:
    """Whether a case was dispatched in ``period`` (what makes a period of a cases part evaluated)."""
    base = cells.filter(pl.col("month").is_between(period.first, period.last) & (pl.col("measure") == COUNTS[0]))
    return not base.is_empty()


# --- what the engine and the pages ask, from cells when the facts came with them -------------------------


def period_counts(cases: pl.DataFrame, cells: pl.DataFrame | None, period: Period) -> pl.DataFrame:
    """Per unit, the counts of ``period``: from ``cells`` when given (the store's kept cells), else the rows."""
    return case_counts(cases, period) if cells is None else cell_counts(cells, period)


def period_failures(cases: pl.DataFrame, cells: pl.DataFrame | None, period: Period) -> pl.DataFrame:
    """Per unit, the failed verifications of ``period`` (see :func:`period_counts`)."""
    return failed_verifications(cases, period) if cells is None else cell_failures(cells, period)


def period_dispatched(cases: pl.DataFrame, cells: pl.DataFrame | None, period: Period) -> bool:
    """Whether a case was dispatched in ``period`` (see :func:`period_counts`)."""
    if cells is not None:
        return any_dispatched(cells, period)
    return not cases.filter(period.holds(pl.col("dispatched_at").dt.date())).is_empty()
