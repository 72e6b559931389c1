"""`kaoping bench --import` runs on both databases and measures what it says: every row of the synthetic
folder written by the bulk load and by the import (not a timed test: the figures are only reported)."""

from __future__ import annotations

import os

from kaoping.bench_import import run_import_bench

PG_URL = os.environ.get("KAOPING_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def test_bench_import_writes_every_row_on_sqlite_and_postgresql() -> None:
    results = run_import_bench([3_000], ["sqlite://", PG_URL])
    assert [r.backend for r in results] == ["sqlite", "postgresql"]
    for r in results:
        assert r.rows == 3_000 and r.baseline.rows == r.imported.rows == 3_000, r
        assert r.baseline.seconds > 0 and r.imported.seconds > 0 and r.imported.peak_mb > 0
