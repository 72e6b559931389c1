"""`kaoping whatif`: past periods ranked again under a draft revision of a scheme (试算).

The facts are read exactly as `kaoping score` reads them (``--data`` folder or workbook, or the store with
``--db``), and bad input fails the same way (exit 2 with its message).  Prints, per period, the rule changes
of the draft and the units that move — total, rank, reward — with the parts and rules that moved them; a
Chinese table at a terminal, one JSON document with ``--json`` (or when piped).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kaoping.commands.common import bad_input_exits, fail, out_console
from kaoping.commands.lang import current, t
from kaoping.engine.phrases import Lang

if TYPE_CHECKING:
    from rich.console import Console

    from kaoping.engine.whatif import Mover, WhatIf


def register(app: typer.Typer) -> None:
    """Add the `whatif` command to ``app``."""
    app.command("whatif")(whatif_command)


def whatif_command(
    scheme: Annotated[Path, typer.Option(help="方案修订草案（YAML 方案文件）")],
    against: Annotated[
        str, typer.Option(help="与之对比的方案：内置方案名、方案文件，或（用 --db 时）库中保存的方案名")
    ],
    period: Annotated[list[str], typer.Option(help="考评期：2024-03、2024-Q2 或 2024；可给多次", metavar="PERIOD")],
    data: Annotated[Path | None, typer.Option(help="CSV 文件所在目录，或一个 .xlsx 工作簿")] = None,
    db: Annotated[str | None, typer.Option(help="从此地址的数据库读取数据，代替 --data")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出一个 JSON 文档（管道输出时默认）")] = False,
) -> None:
    """试算：用同样的数据，按方案修订草案重新排名，列出名次或得分变动的单位、变动多少、由哪条规则引起。"""
    from kaoping.app.whatif import MAX_PERIODS, whatif_run
    from kaoping.output.whatif_doc import whatif_document
    from kaoping.store.db import StoreMissing

    if data is not None and db is not None:
        fail(t("--data 与 --db 只能给一个"))
    if len(period) > MAX_PERIODS:
        fail(t("--period 最多给 {n} 个", n=MAX_PERIODS))
    try:
        with bad_input_exits(against):
            runs = whatif_run(str(scheme), against, period, data=data, db=db)
    except StoreMissing as exc:
        fail(str(exc) + t("。请用 --data 给出数据文件夹或工作簿，或用 --db 给出已有的考评数据库"))
    if as_json or not _to_terminal():
        doc = whatif_document(str(scheme), runs)
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return
    console = out_console()
    if runs:
        _print_changes(console, runs[0])
    for run in runs:
        _print_movers(console, run)


def _to_terminal() -> bool:
    """Whether stdout is a terminal (a table for a person) rather than a pipe (JSON for a script)."""
    return sys.stdout.isatty()


def _print_changes(console: Console, run: WhatIf) -> None:
    from rich.table import Table

    from kaoping.engine.scheme_diff import AREA_NAMES, AREA_NAMES_EN

    table = Table(title=t("草案相对 {scheme} 的规则变化", scheme=run.scheme), title_justify="left")
    table.add_column(t("类别"))
    table.add_column(t("位置"))
    table.add_column(t("变化"))
    for c in run.changes:
        area = (AREA_NAMES_EN if current() == Lang.EN else AREA_NAMES)[c.area]
        table.add_row(area, c.part, c.text(current()))
    if not run.changes:
        table.add_row("", "", t("无：草案与原方案的规则相同"))
    console.print(table)


def _print_movers(console: Console, run: WhatIf) -> None:
    """The movers' numbers as a table, then each mover's reasons as lines (long texts would crush a column)."""
    from rich.table import Table
    from rich.text import Text

    title = t("{period} 试算：{n} 个单位变动（共 {total} 个）", period=run.period, n=len(run.movers), total=run.units)
    table = Table(title=title, title_justify="left")
    for name in (t("组"), t("单位"), t("名次"), t("名次变化"), t("总分"), t("总分变化"), t("奖惩(元)")):
        table.add_column(name, justify="right" if name in (t("名次变化"), t("总分变化")) else "left")
    for m in run.movers:
        table.add_row(m.group, m.name, _ranks(m), _signed(m.rank_delta), _totals(m), _delta(m), _rewards(m))
    console.print(table)
    for m in run.movers:
        head = f"  {m.name} ({m.unit_id}): " if current() == Lang.EN else f"  {m.name}（{m.unit_id}）："
        console.print(Text(head + ("; " if current() == Lang.EN else "；").join(_why(m))), soft_wrap=False)


def _ranks(m: Mover) -> str:
    return f"{m.rank_before or '—'} → {m.rank_after or '—'}"


def _signed(n: int) -> str:
    return f"↑{n}" if n > 0 else f"↓{-n}" if n < 0 else "0"


def _totals(m: Mover) -> str:
    return f"{m.total_before}→{m.total_after}"


def _delta(m: Mover) -> str:
    d = m.total_delta
    return f"+{d}" if d > 0 else str(d)


def _rewards(m: Mover) -> str:
    return f"{m.reward_before:,}" if m.reward_before == m.reward_after else f"{m.reward_before:,}→{m.reward_after:,}"


def _why(m: Mover) -> list[str]:
    from kaoping.output.whatif_doc import reason_text

    return [reason_text(s, current()) for s in m.shifts]
