"""Everything a bulletin shows, as one value the Excel and PDF writers lay out without computing anything.

Both writers need the same things: the period's result, the previous period's result to compare with,
the deduction-reason analysis and the case metrics.  They are gathered by the use case
:mod:`kaoping.app.bulletins` (from files, a store URL or a page's session), so the two formats can never
disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kaoping.engine.analysis import Analysis
from kaoping.engine.result import PeriodResult
from kaoping.facts import Facts
from kaoping.periods import parse_period
from kaoping.scheme import Scheme

__all__ = ["BulletinData", "case_metrics"]


@dataclass
class BulletinData:
    """The inputs of one bulletin; ``previous`` is None when there is no evaluated previous period."""

    scheme: Scheme
    result: PeriodResult
    previous: PeriodResult | None
    analysis: Analysis
    metrics: pl.DataFrame | None
    """One row per unit with cases: unit_id, unit, the counts and rates of kaoping.cases.metrics; None without cases."""


def case_metrics(facts: Facts, result: PeriodResult) -> pl.DataFrame | None:
    """Case counts and rates per unit for the result's period, as floats ready for a sheet or a table.

    ``rates`` works on one unit's counts; it runs once per unit with cases (not per case row).
    """
    from kaoping.cases.metrics import COUNTS, RATES, case_counts, rates

    if facts.cases.is_empty():
        return None
    counts = case_counts(facts.cases, parse_period(result.period))
    if counts.is_empty():
        return None
    rows: list[dict[str, object]] = []
    for r in counts.iter_rows(named=True):
        unit = result.unit(r["unit_id"])
        values = rates({c: int(r[c]) for c in COUNTS})
        row: dict[str, object] = {"unit_id": r["unit_id"], "unit": unit.name if unit else ""}
        row.update({name: float(values[name]) for name in (*COUNTS, *RATES)})
        rows.append(row)
    schema: dict[str, pl.DataType] = {"unit_id": pl.String(), "unit": pl.String()}
    schema.update({name: pl.Float64() for name in (*COUNTS, *RATES)})
    return pl.DataFrame(rows, schema=schema, orient="row")
