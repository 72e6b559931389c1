"""`kaoping bench --scale N`: the issue-13 table in one run — for a synthetic city of N cases a year, each
operation beside the baseline measured in the same run, as a ratio (性能总表).

- dashboard first / warm / after one entry, and the month's ranking after one posted case: the whole
  page (or the kept result) in process, against the touched unit×month summed in SQL;
- reading the data files and ``score --data`` for the year: against a Python csv loop and DuckDB;
- a 100k-row .xlsx read by calamine: against openpyxl;
- ``kaoping import`` of the city's rows into SQLite (and PostgreSQL with ``--db``): against a bulk load.

Each part is one of the existing benchmarks (:mod:`kaoping.bench_pages`, :mod:`kaoping.bench_files`,
:mod:`kaoping.bench_import`), run here on the same N so the figures sit in one table.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from kaoping.bench_files import run_files_bench
from kaoping.bench_import import run_import_bench
from kaoping.bench_pages import run_pages_bench


@dataclass(frozen=True)
class ScaleRow:
    """One line of the table: what was timed, its seconds, the baseline's name and seconds."""

    operation: str
    seconds: float
    baseline: str
    baseline_s: float

    @property
    def ratio(self) -> float:
        return self.seconds / self.baseline_s if self.baseline_s else float("inf")


def _pages(cases: int) -> list[ScaleRow]:
    found = run_pages_bench(cases)
    return [ScaleRow(name, s, "SQL unit×month", found.baseline_s) for name, s in found.steps]


def _files(cases: int, folder: Path) -> list[ScaleRow]:
    _written, timings = run_files_bench(folder, cases, 1)
    t = {x.step: x.seconds for x in timings}
    rows = []
    for step, name in (("read", "读取数据文件 read the files"), ("score", "score --data 全年 the year")):
        for base in ("csv", "duckdb"):
            label = "Python csv loop" if base == "csv" else "DuckDB"
            rows.append(ScaleRow(name, t[step], label, t[base]))
    rows.append(ScaleRow("10万行 .xlsx calamine", t["xlsx"], "openpyxl", t["openpyxl"]))
    return rows


def _imports(cases: int, urls: list[str]) -> list[ScaleRow]:
    rows = []
    for found in run_import_bench([cases], urls):
        name = f"kaoping import {found.rows:,} 行 ({found.backend})"
        rows.append(ScaleRow(name, found.imported.seconds, "bulk load", found.baseline.seconds))
    return rows


def run_scale_bench(cases: int, urls: list[str]) -> list[ScaleRow]:
    """Every operation of the table for a city of ``cases`` cases a year (imports into each of ``urls``)."""
    with tempfile.TemporaryDirectory(prefix="kaoping-scale-") as tmp:
        return [*_pages(cases), *_files(cases, Path(tmp)), *_imports(cases, urls)]
