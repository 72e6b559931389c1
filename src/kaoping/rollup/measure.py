"""The measurements behind docs/scale.md: Parquet bytes per case and the Spark metric pass's rate here.

``python -m kaoping.rollup.measure --cities 5 --cases 200000`` generates that many cities of synthetic cases
(the ``cases generate`` generator, one seed per city), writes them as one Parquet tree, then times the
metric pass for a month, a quarter and a year by quarter on local Spark (best of ``--repeat`` runs after one
warm-up, so the JVM's start and first compilation are left out) and the same metrics on Polars for scale.
It prints one JSON line; the numbers in docs/scale.md are such lines from this machine.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from kaoping.cases.generate import CaseDraw, build_city, generate_cases
from kaoping.cases.handbook import load_handbook
from kaoping.cases.metrics import case_counts
from kaoping.facts.columns import FILES
from kaoping.periods import PeriodKind, parse_period
from kaoping.rollup.parquet_tree import scan_kind, write_city
from kaoping.rollup.spark_metrics import spark_city_metrics, spark_session
from kaoping.timing import best_of


def build_tree(root: Path, cities: int, cases: int) -> dict[str, float]:
    """Write ``cities`` cities of ``cases`` cases each; the tree's bytes and the write time."""
    book = load_handbook()
    written = 0.0
    for i in range(cities):
        frame = generate_cases(CaseDraw(cases, 2024, seed=i + 1), build_city(40, book), book)
        frame = frame.select([c.name for c in FILES["cases"]])
        started = time.perf_counter()
        write_city(root, f"c{i:03d}", {"cases": frame})
        written += time.perf_counter() - started
    size = sum(p.stat().st_size for p in (root / "cases").rglob("*.parquet"))
    return {"parquet_bytes": size, "bytes_per_case": size / (cities * cases), "write_s": written}


def polars_pass(root: Path, text: str) -> pl.DataFrame:
    """The same metrics on Polars (one process, all cores): the city as the unit."""
    frame = scan_kind(root, "cases").with_columns(unit_id="city").collect()
    return case_counts(frame, parse_period(text))


def _spark_job(spark: Any, root: Path, text: str, kind: PeriodKind) -> Callable[[], pl.DataFrame]:
    return lambda: spark_city_metrics(spark, root, parse_period(text), kind)


def measure(cities: int, cases: int, master: str, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        out: dict[str, Any] = {"cities": cities, "cases": cities * cases, "master": master}
        out.update(build_tree(root, cities, cases))
        spark = spark_session(master)
        jobs = {"month": ("2024-03", PeriodKind.MONTH), "quarter": ("2024-Q2", PeriodKind.QUARTER)}
        jobs["year_by_quarter"] = ("2024", PeriodKind.QUARTER)
        for name, (text, kind) in jobs.items():
            out[f"spark_{name}_s"] = round(best_of(_spark_job(spark, root, text, kind), repeat), 2)
        out["spark_year_rows_per_s"] = round(cities * cases / out["spark_year_by_quarter_s"])
        out["polars_year_s"] = round(best_of(lambda: polars_pass(root, "2024"), repeat), 2)
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description="省级汇总的测量 / measure the roll-up (docs/scale.md)")
    parser.add_argument("--cities", type=int, default=5)
    parser.add_argument("--cases", type=int, default=200_000, help="每个城市的案卷数 / cases per city")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    print(json.dumps(measure(args.cities, args.cases, args.master, args.repeat)))


if __name__ == "__main__":
    main()
