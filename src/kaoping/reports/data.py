"""Everything a bulletin shows, gathered once so the Excel and PDF writers never compute anything.

Both writers (and later the web) need the same things: the period's result, the previous period's
result to compare with, the deduction-reason analysis and the case metrics.  Computing them here keeps
the writers pure layout code and guarantees the two formats can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import polars as pl

from kaoping.engine.analysis import Analysis, deduction_analysis
from kaoping.engine.evaluate import evaluate
from kaoping.engine.result import PeriodResult
from kaoping.facts import Facts
from kaoping.io.readers import read_facts
from kaoping.periods import parse_period
from kaoping.scheme import Scheme, load_scheme
from kaoping.service import score_facts

__all__ = ["BulletinData", "bulletin_data", "case_metrics"]


@dataclass
class BulletinData:
    """The inputs of one bulletin; ``previous`` is None when there is no evaluated previous period."""

    scheme: Scheme
    result: PeriodResult
    previous: PeriodResult | None
    analysis: Analysis
    metrics: pl.DataFrame | None
    """One row per unit with cases: unit_id, unit, the counts and rates of kaoping.cases.metrics; None without cases."""


def _load(scheme: Scheme, data: Path | None, db: str | None) -> Facts:
    if (data is None) == (db is None):
        raise ValueError("give exactly one of data (a folder or workbook) or db (a store URL)")
    if data is not None:
        return read_facts(data)
    from kaoping.store.db import open_store
    from kaoping.store.facts import load_facts

    factory = open_store(db)
    try:
        with factory() as session:
            return load_facts(session, scheme)
    finally:
        engine = factory.kw.get("bind")
        if engine is not None:
            engine.dispose()  # one engine per bulletin: give its connections back at once


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


def bulletin_data(scheme_name: str, period: str, *, data: Path | None = None, db: str | None = None) -> BulletinData:
    """Load the facts (``data`` folder/workbook or ``db`` store), check them, evaluate ``period`` and the
    one before it.

    Raises what ``kaoping score`` raises for bad input (SchemeError, InputErrors, PeriodError,
    UnsupportedPeriod, FileNotFoundError), so the CLI reports both the same way.
    """
    scheme = load_scheme(scheme_name)
    parsed = parse_period(period)  # a bad period is reported before any file is read
    facts = _load(scheme, data, db)
    result = score_facts(scheme, facts, period)
    before = parsed.previous()
    previous: PeriodResult | None = None
    if before.kind in scheme.periods:
        candidate = evaluate(scheme, facts, before)
        previous = candidate if candidate.evaluated else None
    analysis = deduction_analysis(scheme, facts, parsed, result, previous)
    return BulletinData(scheme, result, previous, analysis, case_metrics(facts, result))


def change_text(change: Decimal | None) -> str:
    """A change of total as shown in bulletins: ``+1.50``, ``-2.00``, ``0.00``; empty when unknown."""
    if change is None:
        return ""
    return f"{change:+.2f}" if change else "0.00"
