"""`kaoping bench --scale N`: the figures of the issue-13 table measured in one run for a synthetic city of N
cases a year (性能总表), each beside the baseline measured in the same run.

- dashboard first / warm / after one entry, a unit's explanation, and the month's ranking after one posted
  case: the whole page (or the kept result) in process, against the touched unit×month summed in SQL;
- on that same store (:mod:`kaoping.bench_store`): ``score --db`` for a month against a GROUP BY in the
  database, and all 17 periods through the pages' kept results against DuckDB's in-memory unit×month pass;
- reading the data files and ``score --data`` for the year: against a Python csv loop and DuckDB;
- a 100k-row .xlsx read by calamine: against openpyxl;
- ``kaoping import`` of the city's rows into SQLite (and PostgreSQL with ``--db``): against a bulk load;
- the engine on N score rows against a Polars group-by;
- with a PostgreSQL ``--db``, the API write load of :mod:`kaoping.bench_writes` (events/s, p50/p99, CPU).

Each part is one of the existing benchmarks, run here on the same N; :mod:`kaoping.bench_goals` lays the
figures out as the issue's rows and goals.  A figure is a float under a fixed key (:data:`KEYS`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from kaoping.bench_files import run_files_bench
from kaoping.bench_import import run_import_bench
from kaoping.bench_pages import run_pages_bench
from kaoping.bench_writes import WriteLoad, WritesBench, run_writes_bench

Figures = dict[str, float]
"""Seconds (or MB, events/s, ms where the key says) by key; a key absent: not measured in this run."""

_PAGE_STEPS = {
    "dash_first": "看板 2024-Q4 首次",
    "dash_warm": "看板 2024-Q4 再次",
    "write": "录入一条扣分",
    "dash_after": "看板 2024-Q4 录入后",
    "explain": "单位得分说明",
    "case": "录入一条案卷",
    "ranking": "排名 录入后（汇总格）",
    "ranking_full": "排名 录入后（全量）",
    "ranking_deduction": "排名 扣分后（汇总格）",
}
KEYS = (
    *_PAGE_STEPS,
    "sql",
    *("read", "score", "score_mb", "csv", "duckdb", "xlsx", "openpyxl"),
    *("engine", "polars"),
    *("writes_eps", "writes_p50_ms", "writes_p99_ms", "writes_cpu_ms"),
    *("score_db", "score_db_sql", "score_db_mb", "periods17", "periods17_mb", "periods_duckdb"),
)
"""Every key a run can fill, besides ``import_<backend>``, ``import_mb_<backend>`` and ``bulk_<backend>``."""


def _pages(cases: int, folder: Path) -> Figures:
    """The pages' figures, then the store probes on the very store the pages were timed on (kept in
    ``folder`` for them)."""
    from kaoping.bench_store import run_store_probes
    from kaoping.demo.city import SCHEME

    found = run_pages_bench(cases, folder)
    out = {"sql": found.baseline_s}
    for key, start in _PAGE_STEPS.items():  # a step not run at this size (the full recompute) stays absent
        seconds = next((s for name, s in found.steps if start in name), None)
        if seconds is not None:
            out[key] = seconds
    out.update(run_store_probes(f"sqlite:///{folder / f'bench-pages-{cases}.db'}", SCHEME, 2024))
    return out


def _files(cases: int, folder: Path) -> Figures:
    _written, timings = run_files_bench(folder, cases, 1)
    out = {t.step: t.seconds for t in timings}
    out["score_mb"] = next(t.peak_mb for t in timings if t.step == "score")
    return out


def _imports(cases: int, urls: list[str]) -> Figures:
    out: Figures = {}
    for found in run_import_bench([cases], urls):
        out[f"import_{found.backend}"] = found.imported.seconds
        out[f"import_mb_{found.backend}"] = found.imported.peak_mb
        out[f"bulk_{found.backend}"] = found.baseline.seconds
    return out


def _engine(cases: int) -> Figures:
    from kaoping.bench import run_bench

    found = run_bench([cases], 1)[0]
    return {"engine": found.engine_s, "polars": found.baseline_s}


def writes_figures(found: WritesBench) -> Figures:
    """The write load's figures under the table's keys."""
    return {
        "writes_eps": found.events_per_s,
        "writes_p50_ms": found.p50_ms,
        "writes_p99_ms": found.p99_ms,
        "writes_cpu_ms": found.cpu_ms_per_event,
    }


def _writes(urls: list[str], cases: int) -> Figures:
    """The write load on the first PostgreSQL store given (none: not measured), on a store of at most
    100,000 cases (the load is about the writes' path, which kept results make independent of the year's
    size)."""
    pg = next((u for u in urls if u.startswith("postgresql")), None)
    if pg is None:
        return {}
    return writes_figures(run_writes_bench(pg, WriteLoad(cases=min(cases, 100_000))))


def run_scale_bench(cases: int, urls: list[str], progress: Callable[[str], None] = lambda _: None) -> Figures:
    """Every figure of the table for a city of ``cases`` cases a year (imports into each of ``urls``; the
    write load on the first PostgreSQL one)."""
    figures: Figures = {}
    with tempfile.TemporaryDirectory(prefix="kaoping-scale-") as tmp:
        parts: list[tuple[str, Callable[[], Figures]]] = [
            ("pages", lambda: _pages(cases, Path(tmp))),
            ("files", lambda: _files(cases, Path(tmp))),
            ("import", lambda: _imports(cases, urls)),
            ("engine", lambda: _engine(cases)),
            ("writes", lambda: _writes(urls, cases)),
        ]
        for name, part in parts:
            progress(name)
            figures.update(part())
    return figures
