"""The `kaoping` command line: score a period, list schemes, run the demo.

`kaoping score` is a pinned public contract (docs/interchange.md): exactly one JSON document on
stdout when it succeeds; exit 2 with file, row and column on bad input, and no result printed then.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kaoping.app.scoring import score_folder
from kaoping.commands import register_all
from kaoping.commands.common import bad_input_exits, err, fail, out_console, require_free_port
from kaoping.engine.result import PeriodResult
from kaoping.scheme import Scheme, SchemeError, builtin_names, load_scheme

app = typer.Typer(
    help="kaoping — 城市管理综合考评系统: evaluation schemes as files, scores explained to the row.",
    no_args_is_help=True,
    add_completion=False,
)


class Format(StrEnum):
    JSON = "json"
    TABLE = "table"
    XLSX = "xlsx"


@app.command()
def score(
    scheme: Annotated[str, typer.Option(help="built-in scheme name (see `kaoping schemes`) or a scheme file")],
    period: Annotated[str, typer.Option(help="2024-03 (month), 2024-Q2 (quarter) or 2024 (year)")],
    data: Annotated[Path | None, typer.Option(help="folder of CSV files or one .xlsx workbook")] = None,
    db: Annotated[
        str | None,
        typer.Option(
            help="score from the store at this URL instead of --data (else $KAOPING_DATABASE_URL, else ./kaoping.db)"
        ),
    ] = None,
    format: Annotated[Format | None, typer.Option("--format", help="json (default when piped), table, xlsx")] = None,
    out: Annotated[Path | None, typer.Option(help="write to this file instead of stdout (required for xlsx)")] = None,
    explain: Annotated[str | None, typer.Option(help="explain one unit's score down to the rows (unit_id)")] = None,
) -> None:
    """Score one period: ranking per group with parts, bonus, rewards and flags."""
    chosen = format or (Format.TABLE if sys.stdout.isatty() and out is None else Format.JSON)
    if chosen == Format.XLSX and out is None:
        fail("--format xlsx needs --out FILE.xlsx")
    if data is not None and db is not None:
        fail("--data 与 --db 只能给一个（give one of --data DIR_OR_XLSX or --db URL, not both）")
    sch, result = _score(scheme, data, period) if data is not None else _score_db(scheme, db, period)
    if result.excluded:
        err.print(
            f"[yellow]note:[/] {len(result.excluded)} row(s) not counted (outside the inspection windows); "
            "listed under 'excluded' in the JSON and in each unit's explanation"
        )
    if explain is not None:
        _explain(sch, result, explain, chosen)
        return
    match chosen:
        case Format.JSON:
            from kaoping.output.document import result_json

            _emit(result_json(sch, result), out)
        case Format.TABLE:
            from kaoping.output.table import print_ranking

            console = Console(file=out.open("w", encoding="utf-8") if out else None, width=160 if out else None)
            print_ranking(console, sch, result)
        case Format.XLSX:
            from kaoping.output.workbook import write_workbook

            assert out is not None
            write_workbook(sch, result, out)
            err.print(f"wrote {out}")


def _score(scheme: str, data: Path, period: str) -> tuple[Scheme, PeriodResult]:
    with bad_input_exits(scheme):
        return score_folder(scheme, data, period)


def _score_db(scheme: str, url: str | None, period: str) -> tuple[Scheme, PeriodResult]:
    """Score from the store at ``url`` (None: $KAOPING_DATABASE_URL, else ./kaoping.db), which must exist."""
    from kaoping.app.scoring import score_store
    from kaoping.store.db import StoreMissing

    try:
        with bad_input_exits(scheme, what="bad data in the store"):
            return score_store(scheme, url, period)
    except StoreMissing as exc:
        fail(
            f"{exc}。请用 --data 给出数据文件夹或工作簿，"
            "或用 --db（或环境变量 KAOPING_DATABASE_URL）给出已有的考评数据库"
        )


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text + "\n")
    else:
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        tmp.replace(out)


def _explain(sch: Scheme, result: PeriodResult, unit_id: str, chosen: Format) -> None:
    unit = result.unit(unit_id)
    if unit is None:
        fail(f"--explain: unknown unit '{unit_id}'; units: {', '.join(u.unit_id for u in result.units())}")
    if chosen == Format.JSON:
        from kaoping.output.document import explain_document

        doc = explain_document(result, unit)
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        from kaoping.output.table import explain_tree

        out_console().print(explain_tree(unit, result.period))


@app.command()
def schemes() -> None:
    """List the built-in schemes, one line each."""
    console = out_console()
    for name in builtin_names():
        try:
            s = load_scheme(name)
        except SchemeError as exc:
            console.print(f"[bold]{name:<22}[/] [red]does not load:[/] {exc}")
            continue
        kinds = "/".join(k.value for k in s.periods)
        console.print(f"[bold]{name:<22}[/] {s.title}  [dim]({kinds}; {len(s.groups)} group(s))[/]")


@app.command()
def demo(
    db: Annotated[Path, typer.Option(help="the demo's SQLite database file")] = Path("kaoping-demo.db"),
    fresh: Annotated[bool, typer.Option("--fresh", help="delete the database and build it again")] = False,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="serve the web app after building")] = True,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on", min=1, max=65535)] = 8000,
    period: Annotated[str | None, typer.Option(help="--no-serve: the period whose ranking is printed")] = None,
    cases: Annotated[int, typer.Option(help="数字城管 cases to generate for the year", min=0)] = 50_000,
) -> None:
    """Build the demo city (金川市, scheme demo-city: a year of data, Q1–Q3 published) and serve the app.

    The database is reused when it is complete (--fresh rebuilds it).  Prints the pages to open and a
    login for every role (demo password jinchuan-demo).  With --no-serve, prints a quarter's ranking instead.
    """
    from kaoping.demo import console as demo_console
    from kaoping.demo.build import DemoError

    console = out_console()
    if serve:
        require_free_port(host, port)  # before the build: a taken port is news worth having first
    try:
        built = demo_console.build_or_reuse(db, fresh=fresh, cases=cases, console=console, steps=err)
    except DemoError as exc:
        fail(f"{exc}; run `kaoping demo --fresh` to replace the file, or choose another --db")
    demo_console.print_summary(console, built, db)
    url = demo_console.sqlite_url(db)
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{port}"
    if not serve:
        from kaoping.output.table import print_ranking

        sch, result = _score_db(built.scheme, url, period or built.published[-1])
        print_ranking(console, sch, result)
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
    console.print(f"kaoping web: {base}/  (Ctrl+C stops the server)", highlight=False)
    uvicorn.run(api, host=host, port=port, log_level="warning")


def main() -> None:
    app()


register_all(app)


if __name__ == "__main__":
    main()
