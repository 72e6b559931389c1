"""`kaoping bench`: performance as ratios to a baseline measured in the same run — the engine against a Polars
group-by, the data files against a Python csv loop and DuckDB (--files), the dashboard against the touched
unit×month in SQL (--pages).  Figures depend on the machine; the ratios much less."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kaoping.commands.common import err, out_console


def register(app: typer.Typer) -> None:
    """Add this area's commands to ``app``."""

    @app.command()
    def bench(
        rows: Annotated[list[int] | None, typer.Option(help="每次运行的数据行数（可重复）")] = None,
        repeat: Annotated[int, typer.Option(help="每种规模运行次数，取最好的一次")] = 3,
        pages: Annotated[int | None, typer.Option(help="改为测试：在有这么多案卷的演示城市上测看板响应")] = None,
        files: Annotated[bool, typer.Option("--files", help="改为测试读取数据文件")] = False,
        cases: Annotated[int, typer.Option(help="与 --files 同用：合成年度的数字城管案卷数", min=1)] = 1_000_000,
        out: Annotated[Path | None, typer.Option(help="与 --files 同用：合成文件的目录（默认临时目录）")] = None,
        import_: Annotated[bool, typer.Option("--import", help="比较 kaoping import 与批量装载，按每个 --db")] = False,
        db: Annotated[
            list[str] | None, typer.Option(help="与 --import 同用：数据库地址（可重复；默认 SQLite）")
        ] = None,
        scale: Annotated[int | None, typer.Option(help="改为测试：为有这么多案卷的城市测出规模表的每一行")] = None,
    ) -> None:
        """性能测试：用合成的 city-1000 数据测计分引擎，与纯 Polars 分组汇总的耗时之比。

        用 --files 时：写出一个合成城市的 CSV 文件并计时读取、全年的 `score --data`、同样文件上的
        Python csv 循环和 DuckDB，以及用 calamine 和 openpyxl 读取一个 10 万行的 .xlsx。
        """
        from rich.table import Table

        if pages is not None:
            _bench_pages(pages)
            return
        if scale is not None:
            _bench_scale(scale, db or ["sqlite://"])
            return
        if import_:
            from kaoping.bench_import import print_import_bench

            print_import_bench(rows or [175_000], db or ["sqlite://"])
            return

        from kaoping.bench import run_bench

        if files:
            _bench_files(cases, repeat, out)
            return

        sizes = rows or [10_000, 100_000, 1_000_000]
        table = Table(title="kaoping bench — check + evaluate one quarter of city-1000 vs a Polars group-by")
        for col in ("rows", "baseline s", "engine s", "engine / baseline", "rows per s"):
            table.add_column(col, justify="right")
        with err.status("benchmarking…"):
            results = run_bench(sizes, repeat)
        for r in results:
            table.add_row(
                f"{r.rows:,}",
                f"{r.baseline_s:.4f}",
                f"{r.engine_s:.4f}",
                f"{r.ratio:.1f}×",
                f"{r.rows / r.engine_s:,.0f}",
            )
        out_console().print(table)


def _bench_pages(cases: int) -> None:
    from rich.table import Table

    from kaoping.bench_pages import run_pages_bench

    with err.status(f"building a demo city of {cases:,} cases and timing its dashboard…"):
        found = run_pages_bench(cases)
    table = Table(title=f"kaoping bench --pages — demo city, {cases:,} cases; baseline: the touched unit×month in SQL")
    for col in ("step", "s", "× baseline"):
        table.add_column(col, justify="right")
    table.add_row("baseline (SQL unit×month)", f"{found.baseline_s:.4f}", "1")
    for name, seconds in found.steps:
        table.add_row(name, f"{seconds:.3f}", f"{found.ratio(seconds):,.0f}×")
    out_console().print(table)


def _bench_scale(cases: int, urls: list[str]) -> None:
    import os

    from rich.table import Table

    from kaoping.bench_scale import run_scale_bench

    with err.status(f"a city of {cases:,} cases: pages, files and imports…"):
        rows = run_scale_bench(cases, urls)
    title = f"kaoping bench --scale — {cases:,} cases a year; {os.cpu_count()} cores; baselines from the same run"
    table = Table(title=title)
    for col in ("operation", "s", "baseline", "baseline s", "ratio"):
        table.add_column(col, justify="right")
    for r in rows:
        table.add_row(r.operation, f"{r.seconds:.3f}", r.baseline, f"{r.baseline_s:.3f}", f"{r.ratio:,.2f}×")
    out_console().print(table)


def _bench_files(cases: int, repeat: int, out: Path | None) -> None:
    import os
    import tempfile

    from rich.table import Table

    from kaoping.bench_files import ratio_rows, run_files_bench

    with tempfile.TemporaryDirectory(prefix="kaoping-bench-") as tmp:
        folder = out or Path(tmp)
        with err.status(f"writing {cases:,} cases and timing…"):
            written, timings = run_files_bench(folder, cases, repeat)
    shown = ", ".join(f"{name} {n:,}" for name, n in written.items())
    table = Table(title=f"kaoping bench --files — rows: {shown}; {os.cpu_count()} cores")
    for col in ("step", "seconds", "peak MB"):
        table.add_column(col, justify="right")
    for t in timings:
        table.add_row(t.step, f"{t.seconds:.2f}", f"{t.peak_mb:,.0f}")
    console = out_console()
    console.print(table)
    for what, figure in ratio_rows(timings):
        console.print(f"{what}: {figure}", highlight=False)
