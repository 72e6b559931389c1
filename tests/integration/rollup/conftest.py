"""A small synthetic province for the roll-up tests, built the way a province would build it: four cities of
cases from `kaoping cases generate`, each imported into its own store (`kaoping import`) and exported into one
Parquet tree (`kaoping export --parquet`); and one local Spark session for the whole test session (starting
the JVM is the slow part: several seconds)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.io.readers import read_facts

CITIES = {"xa": 1, "bj": 2, "hz": 3, "yl": 4}
"""City code → generator seed; sizes differ too (1,200 to 2,400 cases), so size alone does not rank them."""


def _run(*args: str) -> None:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.stderr


@pytest.fixture(scope="session")
def province(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, pl.DataFrame]]:
    """(tree root, city → its cases as the generated cases.csv reads, independent of store and tree)."""
    base = tmp_path_factory.mktemp("province")
    root = base / "tree"
    cases: dict[str, pl.DataFrame] = {}
    for city, seed in CITIES.items():
        folder = base / city
        n = str(800 + 400 * seed)
        generate = ("cases", "generate", "--units", "12", "--cases", n, "--year", "2024", "--seed", str(seed))
        _run(*generate, "--out", str(folder))
        db = f"sqlite:///{base / city}.db"
        _run("import", str(folder), "--db", db)
        _run("export", "--parquet", str(root), "--db", db, "--city", city)
        cases[city] = read_facts(folder).cases
    return root, cases


FAST_START = "--driver-java-options -XX:TieredStopAtLevel=1 pyspark-shell"
"""The JVM's quick compiler only: on this 2-core box it halves the JVM start and the first query (15 s → 8 s
each), which is all a test's few thousand cases need; the roll-up itself keeps Java's defaults."""


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from kaoping.rollup.spark_metrics import spark_session

    before = os.environ.get("PYSPARK_SUBMIT_ARGS")
    os.environ["PYSPARK_SUBMIT_ARGS"] = before or FAST_START
    try:
        session = spark_session("local[2]", shuffle_partitions=2)
    finally:
        if before is None:
            del os.environ["PYSPARK_SUBMIT_ARGS"]
    yield session
    session.stop()
