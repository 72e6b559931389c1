"""`kaoping bench --files`: reading the data files, against baselines measured in the same run.

Writes a synthetic city (demo-city scheme: 200 units in two groups, ``cases`` 数字城管 cases for 2024 from
:mod:`kaoping.cases.generate`, deductions at 20 % of the cases, about 50 k score rows), then times, each in
a fresh process (so every figure includes its own imports and its peak memory is its own):

- ``read``: :func:`kaoping.io.read_facts` of the folder, files to typed frames;
- ``score``: ``kaoping score --data <folder> --period 2024`` end to end (the interpreter started and stopped);
- ``csv``: a plain Python ``csv`` loop over the same files, counting cases by unit × month (baseline 1);
- ``duckdb``: DuckDB ``read_csv`` of the same files into tables, and the unit × month count (baseline 2);
- ``xlsx`` and ``openpyxl``: a 100 k-row cases workbook read by the reader (calamine) and by openpyxl.

Seconds depend on the machine and on what else runs on it; the ratios between figures of one run much less.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from kaoping.cases.generate import CaseDraw, build_city, generate_cases
from kaoping.cases.handbook import load_handbook

SCHEME = "demo-city"
GROUPS = {
    "城区组": ("市容秩序", "环境卫生", "园林绿化", "市政设施", "违法建设治理"),
    "县市组": ("市容秩序", "环境卫生", "园林绿化", "城乡环卫一体化"),
}
INSPECTED = ("市容秩序", "环境卫生", "园林绿化", "市政设施", "违法建设")
SCORERS = 13  # 13 departments × items × quarters × 200 units + monthly surveys ≈ 50 k score rows
XLSX_ROWS = 100_000
_TIME = "%Y-%m-%d %H:%M:%S"


def write_city(folder: Path, cases: int, seed: int = 1) -> dict[str, int]:
    """The synthetic folder (see the module docstring); rows written per file."""
    book = load_handbook()
    city = build_city(200, book)
    frame = generate_cases(CaseDraw(cases, 2024, seed=seed), city, book)
    names = list(GROUPS)
    units = city.units.with_row_index("i").select(
        "unit_id",
        "name",
        group=pl.when(pl.col("i") % 2 == 0).then(pl.lit(names[0])).otherwise(pl.lit(names[1])),
        reward_eligible=pl.lit("是"),
    )
    folder.mkdir(parents=True, exist_ok=True)
    units.write_csv(folder / "units.csv")
    frame.write_csv(folder / "cases.csv", datetime_format=_TIME)
    deductions = _deductions(frame)
    deductions.write_csv(folder / "deductions.csv")
    scores = _scores(units)
    scores.write_csv(folder / "scores.csv")
    return {"units": units.height, "cases": frame.height, "deductions": deductions.height, "scores": scores.height}


def _deductions(cases: pl.DataFrame) -> pl.DataFrame:
    """A deduction for every fifth case: found on its report day, inside the inspection hours."""
    picked = cases.gather_every(5).with_row_index("k")
    return picked.select(
        date=pl.col("reported_at").dt.date(),
        unit_id="unit_id",
        part=pl.lit("日常巡查"),
        item=pl.lit(pl.Series(INSPECTED)).gather(pl.col("k") % len(INSPECTED)),
        points=(pl.col("k") % 4 + 1) * 0.5,
        source=pl.lit("督查员"),
        problem="category",
        location="grid",
        evidence=pl.lit(""),
        time=pl.format("{}:{}", (8 + pl.col("k") % 11).cast(pl.String).str.zfill(2), pl.lit("30")),
    )


def _scores(units: pl.DataFrame) -> pl.DataFrame:
    """部门考评 per quarter, item and department; 第三方测评 per month."""
    items = pl.DataFrame(
        [(g, item) for g, its in GROUPS.items() for item in its], schema=["group", "item"], orient="row"
    )
    quarters = pl.DataFrame({"period": [f"2024-Q{q}" for q in range(1, 5)]})
    scorers = pl.DataFrame({"source": [f"市直部门{i + 1}" for i in range(SCORERS)]})
    department = units.join(items, on="group").join(quarters, how="cross").join(scorers, how="cross")
    department = department.with_row_index("k").select(
        "period",
        "unit_id",
        part=pl.lit("部门考评"),
        item="item",
        score=70 + (pl.col("k") * 7 % 300) / 10,
        source="source",
    )
    months = pl.DataFrame({"period": [f"2024-{m:02d}" for m in range(1, 13)]})
    survey = (
        units.join(months, how="cross")
        .with_row_index("k")
        .select(
            "period",
            "unit_id",
            part=pl.lit("第三方测评"),
            item=pl.lit(""),
            score=75 + (pl.col("k") * 3 % 250) / 10,
            source=pl.lit("第三方"),
        )
    )
    return pl.concat([department, survey])


def write_workbook(folder: Path, path: Path, rows: int = XLSX_ROWS) -> None:
    """The first ``rows`` cases (interchange columns) and the units of ``folder`` as one .xlsx workbook."""
    from kaoping.facts.columns import FILES

    columns = [c.name for c in FILES["cases"]]
    cases = pl.read_csv(folder / "cases.csv", n_rows=rows, columns=columns, try_parse_dates=True)
    units = pl.read_csv(folder / "units.csv")
    import xlsxwriter

    with xlsxwriter.Workbook(path) as book:
        units.write_excel(book, worksheet="units", autofit=False)
        cases.write_excel(book, worksheet="cases", autofit=False, dtype_formats={pl.Datetime: "yyyy-mm-dd hh:mm:ss"})


# --- the timed steps, each run in its own process by `run_step` ---------------------------------------


def _step_read(folder: Path) -> None:
    from kaoping.io import read_facts

    read_facts(folder)


def _step_csv(folder: Path) -> None:
    """Baseline 1: the standard library's csv reader touching every row, counting cases by unit × month."""
    counts: dict[tuple[str, str], int] = {}
    for name in ("units", "scores", "deductions", "cases"):
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)
            header = next(rows)
            if name != "cases":
                for _row in rows:
                    pass
                continue
            unit, when = header.index("unit_id"), header.index("reported_at")
            for row in rows:
                key = (row[unit], row[when][:7])
                counts[key] = counts.get(key, 0) + 1


def _step_duckdb(folder: Path) -> None:
    """Baseline 2: DuckDB reads the same files into tables (its own type detection) and counts by unit × month."""
    import duckdb

    con = duckdb.connect()
    for name in ("units", "scores", "deductions", "cases"):
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{folder / name}.csv')")
    con.execute("SELECT unit_id, date_trunc('month', reported_at) AS m, count(*) FROM cases GROUP BY ALL").fetchall()


def _step_xlsx(book: Path) -> None:
    from kaoping.io import read_facts

    read_facts(book)


def _step_openpyxl(book: Path) -> None:
    """The previous reader of a sheet: openpyxl read-only, every row to text, then the same validator."""
    from kaoping.errors import ErrorLog
    from kaoping.io.readers import WANTED
    from kaoping.io.validate import validate
    from kaoping.io.workbook import _streamed_table

    for name in ("units", "cases"):
        validate(name, _streamed_table(book, name, name, WANTED[name]), ErrorLog())


STEPS = {"read": _step_read, "csv": _step_csv, "duckdb": _step_duckdb, "xlsx": _step_xlsx, "openpyxl": _step_openpyxl}


@dataclass(frozen=True)
class Timing:
    step: str
    seconds: float
    peak_mb: float
    """Peak resident memory of the step's process."""


def _child(args: list[str]) -> Timing:
    """Run ``args`` as a child process; its wall time and (from wait4) its own peak memory."""
    started = time.perf_counter()
    done = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - started
    error = done.stderr.decode(errors="replace")
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}): {error[-2000:]}")
    peak = [line.split()[1] for line in error.splitlines() if line.startswith("VmHWM:")]
    return Timing("", seconds, int(peak[-1]) / 1024 if peak else float("nan"))


_PEAK = (
    "import atexit, sys; atexit.register(lambda: print(next(l for l in open('/proc/self/status') "
    "if l.startswith('VmHWM')), file=sys.stderr, end=''));"
)
"""Prefix of every child's code: print its own peak resident memory (VmHWM, reset by exec unlike ru_maxrss,
which a forked child inherits from this process) on the way out."""


def run_step(step: str, target: Path) -> Timing:
    code = (
        _PEAK + "import pathlib; from kaoping.bench_files import STEPS; STEPS[sys.argv[2]](pathlib.Path(sys.argv[1]))"
    )
    timing = _child([sys.executable, "-c", code, str(target), step])
    return Timing(step, timing.seconds, timing.peak_mb)


def run_score(folder: Path) -> Timing:
    code = _PEAK + "from kaoping.cli import main; main()"
    args = ["score", "--scheme", SCHEME, "--data", str(folder), "--period", "2024", "--format", "json"]
    timing = _child([sys.executable, "-c", code, *args])
    return Timing("score", timing.seconds, timing.peak_mb)


def run_files_bench(folder: Path, cases: int, repeat: int = 1) -> tuple[dict[str, int], list[Timing]]:
    """Write the city to ``folder`` (kept for a later look) and time every step; the best of ``repeat``."""
    written = write_city(folder, cases)
    book = folder / "cases-100k.xlsx"
    write_workbook(folder, book)
    runs: list[Callable[[], Timing]] = [
        lambda: run_step("read", folder),
        lambda: run_score(folder),
        lambda: run_step("csv", folder),
        lambda: run_step("duckdb", folder),
        lambda: run_step("xlsx", book),
        lambda: run_step("openpyxl", book),
    ]
    timings = [min((run() for _ in range(max(1, repeat))), key=lambda t: t.seconds) for run in runs]
    return written, timings


def ratio_rows(timings: list[Timing]) -> list[tuple[str, str]]:
    """The ratios the issue asks about, as (what, figure) lines."""
    t = {x.step: x.seconds for x in timings}

    def times(a: str, b: str) -> str:
        return f"{t[a] / t[b]:.2f}×" if t[b] else "-"

    return [
        ("read / Python csv loop", times("read", "csv")),
        ("read / DuckDB", times("read", "duckdb")),
        ("score end to end / Python csv loop", times("score", "csv")),
        ("score end to end / DuckDB", times("score", "duckdb")),
        ("100k-row .xlsx: calamine reader / openpyxl reader", times("xlsx", "openpyxl")),
    ]
