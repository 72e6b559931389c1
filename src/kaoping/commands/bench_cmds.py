"""`kaoping bench`: performance as ratios to a baseline measured in the same run — the engine against a Polars
group-by, the data files against a Python csv loop and DuckDB (--files), the dashboard against the touched
unit×month in SQL (--pages).  Figures depend on the machine; the ratios much less."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kaoping.commands.common import err, out_console
from kaoping.commands.lang import t

if TYPE_CHECKING:
    from rich.console import Console

    from kaoping.bench_writes import WriteLoad


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
        writes: Annotated[
            bool, typer.Option("--writes", help="改为测试：本机回环上的接口写入压力（PostgreSQL --db）")
        ] = False,
        clients: Annotated[int, typer.Option(help="与 --writes 同用：并发客户端数", min=1, max=256)] = 16,
        requests: Annotated[int, typer.Option(help="与 --writes 同用：请求总数上限", min=1, max=1_000_000)] = 2_000,
        seconds: Annotated[float, typer.Option(help="与 --writes 同用：时间上限（秒）", min=1, max=3600)] = 30,
        workers: Annotated[int, typer.Option(help="与 --writes 同用：服务工作进程数", min=1, max=64)] = 2,
        seed_cases: Annotated[int, typer.Option(help="与 --writes 同用：库中已有的案卷数", min=0)] = 20_000,
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
        if writes:
            from kaoping.bench_writes import WriteLoad

            load = WriteLoad(seed_cases, clients, requests, seconds, workers)
            _bench_writes(next((u for u in db or [] if u.startswith("postgresql")), ""), load)
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
        table = Table(title=t("kaoping bench — 检查并计算 city-1000 的一个季度，对比 Polars 分组汇总"))
        for col in (t("行数"), t("基准 秒"), t("引擎 秒"), t("引擎 / 基准"), t("每秒行数")):
            table.add_column(col, justify="right")
        with err.status(t("测试中…")):
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

    with err.status(t("正在生成有 {n} 件案卷的演示城市并为看板计时…", n=f"{cases:,}")):
        found = run_pages_bench(cases)
    table = Table(title=t("kaoping bench --pages — 演示城市，{n} 件案卷；基准：SQL 按单位×月汇总", n=f"{cases:,}"))
    for col in (t("步骤"), t("秒"), t("× 基准")):
        table.add_column(col, justify="right")
    table.add_row(t("基准（SQL 单位×月）"), f"{found.baseline_s:.4f}", "1")
    for name, seconds in found.steps:
        table.add_row(name, f"{seconds:.3f}", f"{found.ratio(seconds):,.0f}×")
    out_console().print(table)
    _unpublished_note(cases)


def _unpublished_note(cases: int) -> None:
    """Say when the demo city was built without its published quarters (too big to publish in memory)."""
    from kaoping.bench_pages import PUBLISHED_UP_TO

    if cases > PUBLISHED_UP_TO:
        note = "超过 {n} 件案卷的城市不发布 Q1–Q3（发布仍要读入全部事实），各期均为实时结果。"
        out_console().print(t(note, n=f"{PUBLISHED_UP_TO:,}"))


def _bench_scale(cases: int, urls: list[str]) -> None:
    import os

    from rich.table import Table

    from kaoping.bench_goals import COLUMNS, cells, table_lines
    from kaoping.bench_scale import run_scale_bench

    with err.status(t("一个每年 {n} 件案卷的城市：页面、文件、导入、引擎、写入…", n=f"{cases:,}")) as status:
        figures = run_scale_bench(cases, urls, lambda part: status.update(f"{cases:,}: {part}…"))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    title = t(
        "kaoping bench --scale — 每年 {n} 件案卷；{cores} 核，负载 {load}；基准取自同一次运行",
        n=f"{cases:,}",
        cores=os.cpu_count(),
        load=load,
    )
    table = Table(title=title)
    for col in COLUMNS:
        table.add_column(col)
    for line in table_lines(figures, cases):
        table.add_row(*cells(line))
    _wide_console().print(table)
    _unpublished_note(cases)


def _wide_console() -> Console:
    """The results console; piped, wide enough for the goals table's seven columns on one line each."""
    import sys

    console = out_console()
    if not sys.stdout.isatty():
        console.width = max(console.width, 320)
    return console


def _bench_writes(url: str, load: WriteLoad) -> None:
    import os

    from rich.table import Table

    from kaoping.bench_goals import COLUMNS, cells, writes_lines
    from kaoping.bench_scale import writes_figures
    from kaoping.bench_writes import run_writes_bench

    if not url:
        err.print(t("--writes 需要 PostgreSQL 数据库：--db postgresql://…"))
        raise typer.Exit(2)
    with err.status(t("正在准备 {n} 件案卷的库并施加写入负载…", n=f"{load.cases:,}")):
        found = run_writes_bench(url, load)
    load_avg = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    title = t(
        "kaoping bench --writes — {clients} 个客户端、{workers} 个工作进程、每批 {batch} 行；{cores} 核，负载 {load}",
        clients=load.clients,
        workers=load.workers,
        batch=load.batch,
        cores=os.cpu_count(),
        load=load_avg,
    )
    table = Table(title=title)
    for col in COLUMNS:
        table.add_column(col)
    for line in writes_lines(writes_figures(found)):
        table.add_row(*cells(line))
    console = _wide_console()
    console.print(table)
    said = t(
        "{requests} 个请求（{refused} 个被拒），{events} 个事件，用时 {seconds} 秒",
        requests=f"{found.requests:,}",
        refused=f"{found.refused:,}",
        events=f"{found.events:,}",
        seconds=f"{found.seconds:.1f}",
    )
    console.print(said, highlight=False)
    for refusal in found.refusals:
        console.print(f"  {refusal}", highlight=False, markup=False)


def _bench_files(cases: int, repeat: int, out: Path | None) -> None:
    import os
    import tempfile

    from rich.table import Table

    from kaoping.bench_files import ratio_rows, run_files_bench

    with tempfile.TemporaryDirectory(prefix="kaoping-bench-") as tmp:
        folder = out or Path(tmp)
        with err.status(t("正在写出 {n} 件案卷并计时…", n=f"{cases:,}")):
            written, timings = run_files_bench(folder, cases, repeat)
    shown = ", ".join(f"{name} {n:,}" for name, n in written.items())
    table = Table(title=t("kaoping bench --files — 行数：{rows}；{cores} 核", rows=shown, cores=os.cpu_count()))
    for col in (t("步骤"), t("秒"), t("峰值内存 MB")):
        table.add_column(col, justify="right")
    for timing in timings:
        table.add_row(timing.step, f"{timing.seconds:.2f}", f"{timing.peak_mb:,.0f}")
    console = out_console()
    console.print(table)
    for what, figure in ratio_rows(timings):
        console.print(f"{what}: {figure}", highlight=False)
