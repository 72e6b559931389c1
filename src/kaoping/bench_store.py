"""`kaoping bench --scale`'s two probes on the store the bench builds (the pages' demo city of N cases):

- ``score --db`` for a month: the use case the command runs (:func:`~kaoping.app.store_scoring.score_kept`:
  the store's kept cells and results, as the pages read them), against the irreducible work where the data lives — each
  unit's deductions, cases and scores for that month counted by a GROUP BY in the database;
- all 17 periods of the year (12 months, 4 quarters, the year) as the office's pages get them
  (:func:`~kaoping.app.results.scored`: kept case cells, kept sub-period results, published periods as
  published), against DuckDB's in-memory unit×month pass over the same facts (loaded before the clock
  starts), with the process's peak memory.

Each side that kaoping runs does so in a fresh process (its caches cold, its peak memory its own:
VmHWM, reset by exec), so the figures do not depend on what the bench ran before.
"""

from __future__ import annotations

import multiprocessing
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from kaoping.bench_import import peak_mb
from kaoping.periods import month, quarter, year_period
from kaoping.store.tables import CaseRow, DeductionRow, ScoreRow
from kaoping.timing import best_of

REPEAT = 3
"""The baselines take the best of this many runs (the first warms the database's and DuckDB's caches)."""


def year_periods(year: int) -> list[str]:
    """The 17 periods of the issue: 12 months, 4 quarters and the year, shortest first."""
    months = [str(month(year, m)) for m in range(1, 13)]
    return [*months, *(str(quarter(year, q)) for q in range(1, 5)), str(year_period(year))]


def _month_span(key: str) -> tuple[date, date]:
    y, m = int(key[:4]), int(key[5:7])
    return date(y, m, 1), date(y + m // 12, m % 12 + 1, 1)


def _group_by(s: Session, key: str) -> object:
    """Each unit's month in SQL: deduction points, cases (dispatched that month, as the engine counts them),
    cases disposed in time, failed verifications, and each part's scores."""
    lo, hi = _month_span(key)
    deductions = (
        select(DeductionRow.unit_id, func.sum(DeductionRow.points), func.count())
        .where(DeductionRow.date >= lo, DeductionRow.date < hi)
        .group_by(DeductionRow.unit_id)
    )
    in_time = case((CaseRow.disposed_at <= CaseRow.deadline, 1), else_=0)
    start, end = datetime(lo.year, lo.month, 1), datetime(hi.year, hi.month, 1)
    cases = (
        select(CaseRow.unit_id, func.count(), func.sum(in_time), func.sum(CaseRow.verify_failed))
        .where(CaseRow.dispatched_at >= start, CaseRow.dispatched_at < end)
        .group_by(CaseRow.unit_id)
    )
    scores = (
        select(ScoreRow.unit_id, ScoreRow.part, func.avg(ScoreRow.score))
        .where(ScoreRow.period == key)
        .group_by(ScoreRow.unit_id, ScoreRow.part)
    )
    return [s.execute(q).all() for q in (deductions, cases, scores)]


def score_db_child(url: str, scheme: str, key: str) -> tuple[float, float, float]:
    """In a fresh process: the GROUP BY baseline (best of REPEAT), then ``score --db``'s use case once —
    seconds, baseline seconds, peak MB."""
    from kaoping.app.store_scoring import score_kept
    from kaoping.store.db import close_store, open_store

    factory = open_store(url)
    with factory() as s:
        baseline = best_of(lambda: _group_by(s, key), REPEAT)
    close_store(factory)
    started = time.perf_counter()
    score_kept(scheme, url, key)
    return time.perf_counter() - started, baseline, peak_mb()


def periods_child(url: str, scheme_name: str, year: int) -> tuple[float, float]:
    """In a fresh process: the 17 periods through the pages' kept-results path — seconds, peak MB."""
    from kaoping.app.results import scored
    from kaoping.scheme import load_scheme
    from kaoping.store.db import close_store, open_store

    scheme = load_scheme(scheme_name)
    factory = open_store(url)
    started = time.perf_counter()
    with factory() as s:
        for key in year_periods(year):
            scored(s, scheme, key)
    seconds = time.perf_counter() - started
    close_store(factory)
    return seconds, peak_mb()


def _frames(url: str, year: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The year's cases and deductions as frames (what DuckDB is given; read before any clock starts)."""
    from kaoping.store.db import close_store, open_store

    factory = open_store(url)
    lo, hi = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    with factory() as s:
        cols = (CaseRow.unit_id, CaseRow.dispatched_at, CaseRow.deadline, CaseRow.disposed_at, CaseRow.verify_failed)
        rows = s.execute(select(*cols).where(CaseRow.dispatched_at >= lo, CaseRow.dispatched_at < hi)).all()
        cases = pl.DataFrame(
            rows,
            schema={"unit_id": pl.String, "dispatched": pl.Datetime, "deadline": pl.Datetime, "done": pl.Datetime,
                    "failed": pl.Int64},
            orient="row",
        )  # fmt: skip
        query = select(DeductionRow.unit_id, DeductionRow.date, DeductionRow.points).where(
            DeductionRow.date >= lo.date(), DeductionRow.date < hi.date()
        )
        points = [(u, d, float(p)) for u, d, p in s.execute(query)]
        schema = {"unit_id": pl.String, "date": pl.Date, "points": pl.Float64}
        deductions = pl.DataFrame(points, schema=schema, orient="row")
    close_store(factory)
    return cases, deductions


def duckdb_unit_month(url: str, year: int) -> float:
    """DuckDB in memory: the year's facts in its tables (untimed), then the unit×month pass — cases,
    cases in time and failed verifications, deduction points — best of REPEAT."""
    import duckdb

    con = duckdb.connect()
    with tempfile.TemporaryDirectory(prefix="kaoping-duck-") as tmp:  # handed over as Parquet (no pyarrow here)
        for name, frame in zip(("cases", "deductions"), _frames(url, year), strict=True):
            frame.write_parquet(Path(tmp) / f"{name}.parquet")
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{Path(tmp) / name}.parquet')")

    def unit_month() -> object:
        return (
            con.execute(
                "SELECT unit_id, date_trunc('month', dispatched) AS m, count(*),"
                " count(*) FILTER (WHERE done <= deadline), sum(failed) FROM cases GROUP BY ALL"
            ).fetchall(),
            con.execute("SELECT unit_id, date_trunc('month', date) AS m, sum(points) FROM deductions GROUP BY ALL")
            .fetchall(),
        )  # fmt: skip

    best = best_of(unit_month, REPEAT)
    con.close()
    return best


def _in_child(target: Callable[..., tuple[float, ...]], *args: object) -> tuple[float, ...]:
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        found: tuple[float, ...] = pool.apply(target, args)
    return found


def run_store_probes(url: str, scheme: str, year: int) -> dict[str, float]:
    """Both probes on the store at ``url`` (``scheme``'s city, facts in ``year``), under the scale table's
    keys: ``score_db`` (December), ``score_db_sql``, ``score_db_mb``; ``periods17``, ``periods17_mb``,
    ``periods_duckdb``."""
    seconds, sql, mb = _in_child(score_db_child, url, scheme, f"{year}-12")
    periods, periods_mb = _in_child(periods_child, url, scheme, year)
    return {
        "score_db": seconds,
        "score_db_sql": sql,
        "score_db_mb": mb,
        "periods17": periods,
        "periods17_mb": periods_mb,
        "periods_duckdb": duckdb_unit_month(url, year),
    }
