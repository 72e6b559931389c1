"""Deduction cells (扣分汇总格): deductions.csv kept per unit, month, part, item and clock class, so that a
month's 扣分制 parts are added up from a few thousand sums instead of every deduction row.

What the engine does with deduction rows (:func:`~kaoping.engine.aggregate._deduction_leaves`) is a sum of
points and a count per (unit, part, item) over the rows of the period, with two rules that depend on the row:

- the period (a run of whole months): the cell's ``month`` (year × 12 + month − 1) decides it;
- the inspection windows (考评时段, :mod:`kaoping.engine.windows`): a row with a ``time`` outside its month's
  window is not counted.  Windows differ from scheme to scheme, but every edge is a whole minute (``HH:MM``)
  and both edges are inclusive, so a row's time is kept as its *clock class*: ``2 × minute of the day`` when
  the time is on the minute, ``2 × minute + 1`` when seconds follow.  A time lies in [start, end] exactly
  when its class lies in [2 × start, 2 × end]; rows without a time (class −1) always count.

The item cap (单项扣完为止) is applied by the engine to the period's sum of an item, which the cells add up
exactly (integer millionths).  Part and item are kept as written in the row; the scheme's aliases are
resolved when the cells are read, as for rows.  The cells carry no row numbers: rows the windows exclude
are read by the store when a result lists them.
"""

from __future__ import annotations

import polars as pl

from kaoping.engine.numbers import to_micro
from kaoping.facts import Facts
from kaoping.periods import Period
from kaoping.scheme.model import InspectionWindow

NO_CLOCK = -1
"""The clock class of a row without a time: inside every window."""

CELL_SCHEMA: dict[str, pl.DataType] = {
    "unit_id": pl.String(),
    "month": pl.Int32(),
    "part": pl.String(),
    "item": pl.String(),
    "clock": pl.Int32(),
    "points": pl.Int64(),
    "n": pl.Int64(),
}
"""One cell: ``points`` in millionths, ``n`` rows; the key is every column but those two."""

KEY = ["unit_id", "month", "part", "item", "clock"]


def clock_class(column: str = "time") -> pl.Expr:
    """A time's clock class (see the module docstring); −1 without a time."""
    t = pl.col(column)
    minute = t.dt.hour().cast(pl.Int32) * 60 + t.dt.minute().cast(pl.Int32)
    after = ((t.dt.second() > 0) | (t.dt.nanosecond() > 0)).cast(pl.Int32)
    return pl.when(t.is_null()).then(pl.lit(NO_CLOCK, pl.Int32)).otherwise(minute * 2 + after).cast(pl.Int32)


def _minutes(text: str) -> int:
    h, m = (int(x) for x in text.split(":"))
    return h * 60 + m


def deduction_cells(rows: pl.DataFrame) -> pl.DataFrame:
    """Every cell the deduction ``rows`` add up to (schema :data:`CELL_SCHEMA`)."""
    month = (pl.col("date").dt.year().cast(pl.Int32) * 12 + pl.col("date").dt.month().cast(pl.Int32) - 1).cast(pl.Int32)
    return (
        rows.lazy()
        .with_columns(month=month, clock=clock_class(), u=to_micro("points"))
        .group_by(KEY)
        .agg(points=pl.col("u").sum().cast(pl.Int64), n=pl.len().cast(pl.Int64))
        .select(pl.col(c).cast(t) for c, t in CELL_SCHEMA.items())
        .sort(KEY)
        .collect()
    )


def empty_cells() -> pl.DataFrame:
    return pl.DataFrame(schema=CELL_SCHEMA)


def outside_cells(windows: list[InspectionWindow]) -> pl.Expr:
    """True for cells whose rows lie outside the window of their month (as
    :func:`~kaoping.engine.windows.outside_windows` says of each row)."""
    if not windows:
        return pl.lit(False)
    month = pl.col("month") % 12 + 1
    covered = pl.lit(False)
    inside = pl.lit(False)
    for w in windows:
        in_months = month.is_in(w.months)
        covered = covered | in_months
        inside = inside | (in_months & pl.col("clock").is_between(2 * _minutes(w.start), 2 * _minutes(w.end)))
    return (pl.col("clock") != NO_CLOCK) & covered & ~inside


def in_period(period: Period) -> pl.Expr:
    return pl.col("month").is_between(period.first, period.last)


def grouped(
    cells: pl.DataFrame, period: Period, names: dict[str, str], item: pl.Expr, outside: pl.Expr
) -> pl.DataFrame:
    """What the engine groups from rows — (part, unit_id, item) with ``s`` (millionths), ``n`` and ``rows``
    (empty: cells keep no row numbers) — from the cells of ``period`` counted by the windows."""
    return (
        cells.lazy()
        .filter(in_period(period) & pl.col("part").is_in(list(names)) & ~outside)
        .with_columns(item=item, part=pl.col("part").replace_strict(names))
        .group_by("part", "unit_id", "item")
        .agg(s=pl.col("points").sum(), n=pl.col("n").sum())
        .with_columns(rows=pl.lit([], pl.List(pl.Int64)))
        .sort("part", "unit_id", "item")
        .collect()
    )


def any_deduction(facts: Facts, period: Period, names: list[str]) -> bool:
    """Whether a deduction of one of the parts ``names`` is dated in ``period`` (rows, or kept cells)."""
    if facts.deduction_cells is not None:
        return not facts.deduction_cells.filter(in_period(period) & pl.col("part").is_in(names)).is_empty()
    return not facts.deductions.filter(period.holds("date") & pl.col("part").is_in(names)).is_empty()
