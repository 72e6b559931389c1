"""A small synthetic province for the roll-up tests: four cities of generated cases (``cases generate``'s
generator), each written into one Parquet tree as its store's export would be, and one local Spark session
for the whole test session (starting the JVM is the slow part: a few seconds)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from kaoping.cases.generate import build_city, generate_cases
from kaoping.cases.handbook import load_handbook
from kaoping.facts.columns import FILES
from kaoping.rollup.parquet_tree import write_city

CITIES = {"xa": 1, "bj": 2, "hz": 3, "yl": 4}
"""City code → generator seed; sizes differ so the ranking is not decided by size alone."""


def city_cases(seed: int) -> pl.DataFrame:
    """A city's cases in the interchange columns (the generator adds level columns; the contract does not)."""
    book = load_handbook()
    frame = generate_cases(1500 + 500 * seed, 2024, build_city(12, book), book, seed=seed)
    return frame.select([c.name for c in FILES["cases"]])


@pytest.fixture(scope="session")
def province(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, pl.DataFrame]]:
    """(tree root, city → its cases); units are each city's own units, as its store holds them."""
    root = tmp_path_factory.mktemp("province")
    cases = {city: city_cases(seed) for city, seed in CITIES.items()}
    for city, frame in cases.items():
        units = frame.select(pl.col("unit_id").unique().sort()).with_columns(name="unit_id", group=pl.lit("g"))
        write_city(root, city, {"units": units, "cases": frame})
    return root, cases


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from kaoping.rollup.spark_metrics import spark_session

    session = spark_session("local[2]", shuffle_partitions=2)
    yield session
    session.stop()
