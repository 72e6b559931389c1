"""The `kaoping` command line: score a period, list schemes, run the demo.

`kaoping score` is a pinned public contract (docs/interchange.md): exactly one JSON document on
stdout when it succeeds; exit 2 with file, row and column on bad input, and no result printed then.
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kaoping.app.scoring import score_folder
from kaoping.commands import register_all
from kaoping.commands.common import DataOption, PeriodOption, bad_input_exits, err, fail, out_console, require_free_port
from kaoping.commands.lang import LANG_ENV, LocalizedGroup, current, t
from kaoping.engine.phrases import Lang
from kaoping.engine.result import PeriodResult, UnitResult
from kaoping.scheme import Scheme, SchemeError, builtin_names, load_scheme

app = typer.Typer(
    help="kaoping — 城市管理综合考评系统：考评方案即文件，得分逐行可查。",
    no_args_is_help=True,
    add_completion=False,
    cls=LocalizedGroup,
)


class Format(StrEnum):
    JSON = "json"
    TABLE = "table"
    XLSX = "xlsx"


@app.command()
def score(
    scheme: Annotated[str, typer.Option(help="内置方案名（见 `kaoping schemes`）或方案文件")],
    period: PeriodOption,
    data: DataOption = None,
    db: Annotated[
        str | None,
        typer.Option(help="从此地址的数据库计分，代替 --data（默认取 $KAOPING_DATABASE_URL，再默认 ./kaoping.db）"),
    ] = None,
    format: Annotated[
        Format | None, typer.Option("--format", help="输出格式：json（管道输出时默认）、table（表格）或 xlsx")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="写入此文件而不是标准输出（xlsx 必填）")] = None,
    explain: Annotated[str | None, typer.Option(help="逐行说明一个单位的得分（单位编号 unit_id）")] = None,
) -> None:
    """计算一个考评期的得分：各组排名，含各部分得分、加分、奖惩和问责标记。"""
    chosen = format or (Format.TABLE if sys.stdout.isatty() and out is None else Format.JSON)
    if chosen == Format.XLSX and out is None:
        fail(t("--format xlsx 需要 --out FILE.xlsx"))
    if data is not None and db is not None:
        fail(t("--data 与 --db 只能给一个"))
    explained = None
    if data is not None:
        sch, result = _score(scheme, data, period)
    else:
        sch, result, explained = _score_db(scheme, db, period, explain)
    if result.excluded:
        err.print(
            t(
                "[yellow]注意：[/]{n} 行不计分（不在考评时段内），见 JSON 的 excluded 和各单位的得分说明",
                n=len(result.excluded),
            )
        )
    if explain is not None:
        _explain(sch, result, explained or result.unit(explain), explain, chosen)
        return
    match chosen:
        case Format.JSON:
            from kaoping.output.document import result_json

            _emit(result_json(sch, result), out)
        case Format.TABLE:
            from kaoping.output.table import print_ranking

            console = Console(file=out.open("w", encoding="utf-8") if out else None, width=160 if out else None)
            print_ranking(console, sch, result, t)
        case Format.XLSX:
            from kaoping.output.workbook import write_workbook

            assert out is not None
            write_workbook(sch, result, out)
            err.print(t("已写入 {path}", path=out))


def _score(scheme: str, data: Path, period: str) -> tuple[Scheme, PeriodResult]:
    with bad_input_exits(scheme), _no_cycle_collection():
        return score_folder(scheme, data, period)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while one command scores: reading and scoring a year make some 10^5
    small objects (explanation lines, row numbers) and no garbage cycles, yet the collector walks them over
    and over as they are made — about a quarter of the engine's time at 1 M cases.  Memory is still freed by
    reference counting; the collector runs again as soon as the result is made."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _score_db(
    scheme: str, url: str | None, period: str, explain: str | None = None
) -> tuple[Scheme, PeriodResult, UnitResult | None]:
    """Score from the store at ``url`` (None: $KAOPING_DATABASE_URL, else ./kaoping.db), which must exist:
    from its kept results; with ``explain``, that unit's lines citing their rows."""
    from kaoping.app.store_scoring import score_kept
    from kaoping.store.db import StoreMissing

    try:
        with bad_input_exits(scheme, what=t("数据库中的数据有误")):
            found = score_kept(scheme, url, period, explain)
            return found.scheme, found.result, found.explained
    except StoreMissing as exc:
        fail(
            str(exc)
            + t(
                "。请用 --data 给出数据文件夹或工作簿，或用 --db（或环境变量 KAOPING_DATABASE_URL）给出已有的考评数据库"
            )
        )


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text + "\n")
    else:
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        tmp.replace(out)


def _explain(sch: Scheme, result: PeriodResult, unit: UnitResult | None, unit_id: str, chosen: Format) -> None:
    if unit is None:
        fail(
            t(
                "--explain：没有单位 {unit}；单位有：{units}",
                unit=unit_id,
                units=", ".join(u.unit_id for u in result.units()),
            )
        )
    if chosen == Format.JSON:
        from kaoping.output.document import explain_document

        doc = explain_document(result, unit, scheme=sch)
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        from kaoping.output.table import explain_tree

        out_console().print(explain_tree(unit, result.period, t, current(), sch.flags, report_only=sch.report_only))


@app.command()
def schemes() -> None:
    """列出内置考评方案，每个一行。"""
    console = out_console()
    names = builtin_names()
    width = max(map(len, names), default=0)  # the titles start in one column, however long the longest name
    for name in names:
        try:
            s = load_scheme(name)
        except SchemeError as exc:
            console.print(f"[bold]{name:<{width}}[/] [red]{t('无法加载：')}[/]{exc.describe(current())}")
            continue
        kinds = "/".join(k.value if current() == Lang.EN else k.label for k in s.periods)
        groups = t("{n} 个组", n=len(s.groups))
        console.print(f"[bold]{name:<{width}}[/] {s.title}  [dim]({kinds}; {groups})[/]")


@app.command()
def demo(
    db: Annotated[Path, typer.Option(help="演示用的 SQLite 数据库文件")] = Path("kaoping-demo.db"),
    fresh: Annotated[bool, typer.Option("--fresh", help="删除数据库并重新生成")] = False,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="生成后启动网页服务")] = True,
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="监听端口", min=1, max=65535)] = 8000,
    period: Annotated[str | None, typer.Option(help="与 --no-serve 同用：打印哪个考评期的排名")] = None,
    cases: Annotated[int, typer.Option(help="为全年生成的数字城管案卷数", min=0)] = 50_000,
) -> None:
    """生成演示城市（金川市，方案 demo-city：一年的数据，第一至三季度已公布）并启动网页服务。

    数据库完整时直接沿用（--fresh 重新生成）。打印要打开的页面和每种角色的登录名（演示密码 jinchuan-demo）。
    用 --no-serve 时改为打印一个季度的排名。
    """
    from kaoping.demo import console as demo_console
    from kaoping.demo.build import DemoError

    console = out_console()
    if serve:
        require_free_port(host, port)  # before the build: a taken port is news worth having first
    try:
        built = demo_console.build_or_reuse(db, fresh=fresh, cases=cases, console=console, steps=err)
    except DemoError as exc:
        fail(
            t("{url} 已有考评对象，演示需要一个空数据库", url=exc.url)
            + t("；用 `kaoping demo --fresh` 替换该文件，或换一个 --db")
        )
    demo_console.print_summary(console, built, db)
    url = demo_console.sqlite_url(db)
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{port}"
    if not serve:
        from kaoping.output.table import print_ranking

        sch, result, _ = _score_db(built.scheme, url, period or built.published[-1])
        print_ranking(console, sch, result, t)
        console.print(demo_console.logins_table(built))
        return
    import uvicorn

    from kaoping.demo.build import SEPARATION_OF_DUTIES
    from kaoping.server import create_app

    api = create_app(
        url, schemes=[built.scheme], secret=demo_console.demo_secret(db), separation_of_duties=SEPARATION_OF_DUTIES
    )
    require_free_port(host, port)  # and again: the build takes a while, another program may have taken it
    demo_console.print_pages(console, base)
    console.print(demo_console.logins_table(built))
    console.print(t("kaoping 网页：{url}/  （Ctrl+C 停止服务）", url=base), highlight=False)
    uvicorn.run(api, host=host, port=port, log_level="warning")


@app.callback()
def choose_language(
    lang: Annotated[
        str, typer.Option("--lang", envvar=LANG_ENV, help="界面语言：zh（中文，默认）或 en（英文）")
    ] = "zh",
) -> None:
    """Declares ``--lang`` for the root command; LocalizedGroup has already acted on it (before parsing)."""


def main() -> None:
    app()


register_all(app)


if __name__ == "__main__":
    main()
