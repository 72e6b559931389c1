"""A province's data as one Parquet tree: every city store exports its facts into its own ``city=`` folders.

Layout (hive style, so Spark, Polars, DuckDB and Arrow all read the partitions as columns)::

    DIR/units/city=xa/part-0.parquet
    DIR/cases/city=xa/month=2024-03/part-0.parquet
    DIR/scores/city=xa/month=2024-04/part-0.parquet   (… deductions, honors, notices, ranks likewise)

Each file holds exactly the interchange columns of its kind (:data:`kaoping.facts.columns.FILES`), in
contract order and with the dtypes of :data:`~kaoping.facts.columns.SCHEMAS` — no ``_row`` (a row number is
only meaningful inside one store) and no ``city``/``month`` (they are the folders).  The month places a row
where a reader of one period looks for it: a case by the month it was dispatched (派遣, the month every case
metric counts it in; a case never dispatched by the month it was reported), a score or rank by the first
month of its period, the other kinds by their date.  A period's metrics then read only its months' folders.

Exporting a city again replaces all of that city's folders of a kind at once (written beside them under a
hidden name, then swapped in), so a month deleted from the store does not linger in the tree; other cities'
folders are never touched, so many stores can export into one tree, one after another or side by side.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

import polars as pl

from kaoping.facts import FILE_NAMES, facts_from_frames
from kaoping.facts.columns import ROW, SCHEMAS
from kaoping.periods import Period, PeriodKind, parse_period

CITY_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")
PART = "part-0.parquet"
PARTITIONS = {"city": pl.String(), "month": pl.String()}


class TreeError(ValueError):
    """A city code that cannot be a folder name, or a tree without the data asked for."""


def check_city(code: str) -> str:
    """``code`` if it can name a ``city=`` folder (letters, digits, ``_``, ``-``); TreeError otherwise."""
    if not CITY_CODE.match(code):
        raise TreeError(f"城市代码 '{code}' 只能由字母、数字、_ 和 - 组成（city code: letters, digits, _ and -）")
    return code


def month_of_rows(kind: str, frame: pl.DataFrame) -> pl.Series | None:
    """The month folder of each row as ``YYYY-MM`` (see the module text); None for units (not dated)."""
    match kind:
        case "units":
            return None
        case "scores" | "ranks":
            periods = frame.get_column("period")
            firsts = {p: _first_month(p) for p in periods.unique().to_list()}
            return periods.replace_strict(firsts, return_dtype=pl.String).rename("month")
        case "cases":
            when = pl.coalesce("dispatched_at", "reported_at")
        case "notices":
            when = pl.col("notified_on")
        case _:
            when = pl.col("date")
    return frame.select(when.dt.strftime("%Y-%m").alias("month")).to_series()


def _first_month(text: str) -> str:
    """The first month of a period text as read from a file (``2024`` → ``2024-01``, ``2024-Q2`` → ``2024-04``)."""
    start = parse_period(text).start()
    return f"{start.year:04d}-{start.month:02d}"


def contract_frame(kind: str, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with exactly the contract columns of ``kind`` in order and dtype (``_row`` left out); an
    optional column it lacks gets the value an empty cell stands for, as when a file is read."""
    typed: pl.DataFrame = getattr(facts_from_frames(**{kind: frame}), kind)
    return typed.drop(ROW)


def write_city(root: Path, city: str, frames: Mapping[str, pl.DataFrame]) -> dict[str, int]:
    """Write one city's frames (kind → typed frame) into the tree at ``root``; returns rows per kind.

    Every kind given is replaced for this city, even with no rows (its folders then disappear), so the
    tree says what the store says.  Kinds not given are left as they are.
    """
    check_city(city)
    written: dict[str, int] = {}
    for kind in FILE_NAMES:
        if kind in frames:
            written[kind] = _replace_kind(root / kind, city, kind, contract_frame(kind, frames[kind]))
    return written


def _replace_kind(kind_dir: Path, city: str, kind: str, frame: pl.DataFrame) -> int:
    """Write ``frame`` under a hidden folder (readers skip names starting with ``.``), then swap it in."""
    kind_dir.mkdir(parents=True, exist_ok=True)
    final = kind_dir / f"city={city}"
    staging = kind_dir / f".city={city}.{os.getpid()}.tmp"
    old = kind_dir / f".city={city}.{os.getpid()}.old"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        _write_months(staging, kind, frame)
        if final.exists():
            final.rename(old)
        if staging.exists():
            staging.rename(final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return frame.height


def _write_months(folder: Path, kind: str, frame: pl.DataFrame) -> None:
    """One ``part-0.parquet`` per month folder (or one file for units); nothing for an empty frame."""
    if frame.is_empty() and kind != "units":
        return
    months = month_of_rows(kind, frame)
    if months is None:
        folder.mkdir(parents=True)
        frame.write_parquet(folder / PART, statistics=True)
        return
    for (month,), part in frame.with_columns(months.alias("_month")).group_by("_month", maintain_order=True):
        target = folder / f"month={month}"
        target.mkdir(parents=True)
        part.drop("_month").write_parquet(target / PART, statistics=True)


def months_of(period: Period) -> list[str]:
    """The month folders ``period`` reads (a quarter: its three months)."""
    return [str(m) for m in period.subperiods(PeriodKind.MONTH)]


def scan_kind(root: Path, kind: str) -> pl.LazyFrame:
    """The tree's rows of ``kind`` (Polars), with ``city`` and ``month`` from the folders and ``_row``
    numbered per city (2, 3 … as in a file), in the interchange dtypes; TreeError when there are none."""
    folder = root / kind
    if not folder.is_dir() or not any(folder.glob("city=*")):
        raise TreeError(f"{folder}：没有数据（no {kind} in the tree）")
    pattern = str(folder / "**" / "*.parquet")
    scanned = pl.scan_parquet(pattern, hive_partitioning=True, hive_schema=PARTITIONS)
    typed = [pl.col(k).cast(v) for k, v in SCHEMAS[kind].items() if k != ROW]
    row = pl.int_range(2, pl.len() + 2, dtype=pl.Int64).over("city").alias(ROW)
    return scanned.select(pl.col("city"), *typed, row)


def cities(root: Path) -> list[str]:
    """The city codes that exported units into the tree, sorted."""
    folder = root / "units"
    return sorted(p.name.removeprefix("city=") for p in folder.glob("city=*")) if folder.is_dir() else []
