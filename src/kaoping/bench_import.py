"""`kaoping bench --import`: what ``kaoping import`` costs over loading the same rows, per database.

Absolute seconds depend on the machine and its disks; the ratio to a baseline measured in the same run much
less.  The baseline is the irreducible work: the same rows with the same natural keys written by a plain
executemany (SQLite) or COPY (PostgreSQL) into scratch tables without indexes or constraints.  The import is
the whole ``kaoping import`` after the store is opened: reading and checking every file, matching keys,
writing, hashing, auditing, committing.  Each side runs in a fresh process, so its peak memory
(VmHWM, reset by exec) is its own.

The folder is synthetic: units and cases from :mod:`kaoping.cases.generate` (80 % of the rows), with
deductions and scores (10 % each) drawn column-wise for the same units.
"""

from __future__ import annotations

import multiprocessing
import resource
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import polars as pl
from sqlalchemy import Column, MetaData, Table, create_engine, text
from sqlalchemy.orm import Session

from kaoping.facts.columns import ROW

KINDS = ("cases", "deductions", "scores")


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mb: float
    rows: int
    """Fact rows written: a run that wrote fewer than the folder holds measured nothing worth a ratio."""


@dataclass(frozen=True)
class ImportBench:
    backend: str
    rows: int
    baseline: Measured
    imported: Measured

    @property
    def ratio(self) -> float:
        return self.imported.seconds / self.baseline.seconds if self.baseline.seconds else float("inf")


def write_folder(out: Path, rows: int) -> None:
    """units.csv, cases.csv, deductions.csv and scores.csv with ``rows`` fact rows in all."""
    from kaoping.cases.generate import CaseDraw, write_dataset

    tenth = rows // 10
    city, _ = write_dataset(out, CaseDraw(rows - 2 * tenth, 2024), units=20)
    units = city.units.get_column("unit_id")
    i = pl.int_range(0, tenth, eager=True)
    unit = units.gather(i % units.len())
    day = pl.date(2024, 1, 1) + pl.duration(days=(pl.lit(i) * 7919) % 365)
    pl.DataFrame({"i": i, "unit_id": unit}).select(
        date=day,
        unit_id="unit_id",
        part=pl.lit("日常考核"),
        item=pl.format("检查项{}", pl.col("i") % 40),
        points=((pl.col("i") * 31) % 20 + 1) / 4,
        source=pl.lit("督查组"),
        problem=pl.format("问题{}", pl.col("i")),
        location=pl.format("{}路{}号", pl.col("i") % 97, pl.col("i") % 300),
        evidence=pl.lit(""),
        time=pl.time(8 + pl.col("i") % 10, pl.col("i") % 60),
    ).write_csv(out / "deductions.csv", time_format="%H:%M")
    pl.DataFrame({"i": i, "unit_id": unit}).select(
        period=pl.format("2024-{}", ((pl.col("i") % 12) + 1).cast(pl.String).str.zfill(2)),
        unit_id="unit_id",
        part=pl.lit("部门考评"),
        item=pl.format("指标{}", pl.col("i") % 50),
        score=((pl.col("i") * 37) % 1000) / 10,
        source=pl.lit("市城管局"),
        note=pl.lit(""),
    ).write_csv(out / "scores.csv")


def peak_mb() -> float:
    """This process's own peak resident memory: VmHWM, which exec resets.  Not ``ru_maxrss``: a spawned
    child (fork, then exec) starts with its parent's resident size as its ``ru_maxrss`` on Linux."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _baseline(url: str, folder: str) -> Measured:
    """The same rows and keys, bulk-loaded into scratch tables (keys computed before the clock starts)."""
    from kaoping.io.readers import read_facts
    from kaoping.store.batch_write import CHUNK, insert_rows
    from kaoping.store.db import make_engine
    from kaoping.store.facts import TABLES, columns, natural_keys

    facts = read_facts(Path(folder))
    engine = make_engine(url)
    meta = MetaData()
    frames: dict[str, tuple[Table, pl.DataFrame]] = {}
    for kind in KINDS:
        fact: Table = TABLES[kind].__table__  # type: ignore[assignment]
        scratch = Table(f"scratch_{kind}", meta, *[Column(c.name, c.type) for c in fact.columns if c.name != "id"])
        frame = getattr(facts, kind)
        frame = frame.with_columns(natural_keys(kind, frame), src_file=pl.lit(kind), import_id=pl.lit(None, pl.Int64))
        frames[kind] = (
            scratch,
            frame.rename({ROW: "src_row"}).select(*columns(kind), "nkey", "src_file", "src_row", "import_id"),
        )
    meta.create_all(engine)
    start = time.perf_counter()
    with Session(engine) as session, session.begin():
        for table, frame in frames.values():
            for at in range(0, frame.height, CHUNK):
                insert_rows(session, table, frame.slice(at, CHUNK))
    seconds = time.perf_counter() - start
    engine.dispose()
    return Measured(seconds, peak_mb(), sum(frame.height for _, frame in frames.values()))


def _import(url: str, folder: str) -> Measured:
    """``kaoping import`` of the folder into a fresh, migrated store."""
    from kaoping.app.imports import import_data
    from kaoping.store.db import close_store, open_store

    factory = open_store(url)
    start = time.perf_counter()
    report = import_data(factory, Path(folder), actor="bench")
    seconds = time.perf_counter() - start
    close_store(factory)
    return Measured(seconds, peak_mb(), sum(report.file(kind).inserted for kind in KINDS))


def _in_child(name: str, url: str, folder: str) -> Measured:
    """Run ``_baseline`` or ``_import`` in a fresh process: its peak memory is then its own."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        result: Measured = pool.apply(_baseline if name == "baseline" else _import, (url, folder))
    return result


@contextmanager
def fresh_store(url: str, work: Path, tag: str) -> Iterator[str]:
    """An empty store on ``url``'s server: a new SQLite file, or a new PostgreSQL schema dropped after."""
    if url.startswith("sqlite"):
        yield f"sqlite:///{work / (tag + '.db')}"
        return
    from kaoping.store.db import database_url

    schema = f"bench_{tag}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(database_url(url))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run_import_bench(sizes: list[int], urls: list[str]) -> list[ImportBench]:
    """For each size, one synthetic folder; for each database, baseline then import, each in a fresh store."""
    out: list[ImportBench] = []
    with tempfile.TemporaryDirectory(prefix="kaoping-bench-") as tmp:
        work = Path(tmp)
        for n in sizes:
            folder = work / f"data-{n}"
            write_folder(folder, n)
            for url in urls:
                backend = url.split(":", 1)[0].split("+", 1)[0]
                with fresh_store(url, work, f"base{n}") as base:
                    baseline = _in_child("baseline", base, str(folder))
                with fresh_store(url, work, f"imp{n}") as target:
                    imported = _in_child("import", target, str(folder))
                out.append(ImportBench(backend, n, baseline, imported))
    return out


def print_import_bench(sizes: list[int], urls: list[str]) -> None:
    """Run :func:`run_import_bench` and print its table (machine: CPU count with the figures)."""
    import os

    from rich.table import Table

    from kaoping.commands.common import err, out_console

    table = Table(
        title=f"kaoping bench --import — kaoping import vs a bulk load of the same rows ({os.cpu_count()} CPUs)"
    )
    for col in ("database", "rows", "bulk load s", "import s", "import / bulk", "peak MB bulk", "peak MB import"):
        table.add_column(col, justify="right")
    with err.status("benchmarking imports…"):
        results = run_import_bench(sizes, urls)
    for r in results:
        table.add_row(
            r.backend,
            f"{r.rows:,}",
            f"{r.baseline.seconds:.1f}",
            f"{r.imported.seconds:.1f}",
            f"{r.ratio:.1f}×",
            f"{r.baseline.peak_mb:,.0f}",
            f"{r.imported.peak_mb:,.0f}",
        )
    out_console().print(table)
