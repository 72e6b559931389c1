"""The Spark roll-up computes what the city's Polars engine computes: per city and period the same counts
(exactly) and rates (to 1e-9; Spark divides in doubles, Polars in Decimal), and ranking the cities under the
provincial scheme gives the same ranks and shown totals as the engine evaluating the scheme on the raw cases.

Local Spark (``local[2]``), four cities of 1,200–2,400 cases each: a few seconds after the JVM starts."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from kaoping.cases.metrics import COUNTS, RATES, case_counts, rates
from kaoping.engine.evaluate import evaluate
from kaoping.engine.result import PeriodResult
from kaoping.facts import facts_from_frames
from kaoping.periods import Period, PeriodKind, parse_period
from kaoping.rollup.ranking import city_units, direct_kind, rank_cities
from kaoping.rollup.spark_metrics import spark_city_metrics
from kaoping.scheme import load_scheme

Province = tuple[Path, dict[str, pl.DataFrame]]


def as_city_units(cases: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Every city's cases as one frame whose unit is the city: the province's view of them."""
    return pl.concat([f.with_columns(unit_id=pl.lit(city)) for city, f in cases.items()])


def polars_metrics(cases: dict[str, pl.DataFrame], period: Period) -> dict[str, dict[str, Decimal]]:
    facts = facts_from_frames(cases=as_city_units(cases))
    return {r["unit_id"]: rates(r) for r in case_counts(facts.cases, period).iter_rows(named=True)}


@pytest.mark.parametrize("text", ["2024-03", "2024-Q2"])
def test_spark_metrics_equal_polars_metrics(province: Province, spark: Any, text: str) -> None:
    root, cases = province
    period = parse_period(text)
    got = spark_city_metrics(spark, root, period, period.kind)
    want = polars_metrics(cases, period)
    assert sorted(got.get_column("city")) == sorted(want) == sorted(cases)
    for row in got.iter_rows(named=True):
        expected = want[row["city"]]
        assert row["period"] == text
        assert {c: row[c] for c in COUNTS} == {c: int(expected[c]) for c in COUNTS}, row["city"]
        for r in RATES:
            assert abs(Decimal(repr(row[r])) - expected[r]) < Decimal("1e-9"), (row["city"], r)


def _ranking(result: PeriodResult) -> list[tuple[str, int, Decimal]]:
    return [(u.unit_id, u.rank, u.shown_total) for g in result.groups for u in g.ranking]


@pytest.mark.parametrize("text", ["2024-Q1", "2024"])
def test_spark_ranking_equals_engine_ranking(province: Province, spark: Any, text: str) -> None:
    """The year is derived from its quarters: the Spark pass computes the four quarters in one go.  A city
    listed without any case scores the formulas with nothing undone, as the engine scores such a unit."""
    root, cases = province
    scheme = load_scheme("province-cases")
    period = parse_period(text)
    kind = direct_kind(scheme, period)
    assert kind == PeriodKind.QUARTER
    quiet = pl.DataFrame({"unit_id": ["zz"], "name": ["无案卷市"], "group": ["地市"]})  # listed, no case at all
    units = pl.concat([city_units(scheme, sorted(cases)), quiet])
    metrics = spark_city_metrics(spark, root, period, kind)
    got = rank_cities(scheme, units, metrics, period)
    facts = facts_from_frames(units=units, cases=as_city_units(cases))
    want = evaluate(scheme, facts, period)
    assert _ranking(got) == _ranking(want)
    assert len(_ranking(got)) == len(cases) + 1
    assert _ranking(got)[0][0] == "zz"  # nothing left undone: every part 100
    exact = {u.unit_id: u.total for g in want.groups for u in g.ranking}
    for g in got.groups:
        for u in g.ranking:
            assert abs(u.total - exact[u.unit_id]) < Decimal("1e-6"), u.unit_id
