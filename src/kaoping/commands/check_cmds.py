"""`kaoping check`: is this scheme file (and this data folder) usable — without scoring anything.

An office writing a scheme from its document, or filling the interchange files, wants the answer before a
period is due: the scheme is loaded as ``score`` loads it (every problem and trap, with its fix), and with
``--data`` the folder or workbook is read and checked against it as ``score --data`` reads it (file, row,
column and what was expected).  Exit 0 when both are fine, 2 on any problem (the CLI's bad-input status).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kaoping.commands.common import fail, out_console
from kaoping.commands.lang import current, t


def register(app: typer.Typer) -> None:
    """Add the `check` command to ``app``."""
    app.command("check")(check_command)


def check_command(
    scheme: Annotated[str, typer.Option(help="要检查的方案文件，或内置方案名")],
    data: Annotated[
        Path | None, typer.Option(help="同时按此方案检查数据：CSV 文件所在目录，或一个 .xlsx 工作簿")
    ] = None,
) -> None:
    """检查考评方案（及数据）是否可用，不计分：逐条列出问题及改法；无误退出码 0，有问题退出码 2。"""
    from kaoping.app.scoring import check_folder
    from kaoping.errors import InputErrors
    from kaoping.facts.kinds import FILE_NAMES
    from kaoping.scheme import SchemeError, load_scheme

    lang = current()
    try:
        loaded = load_scheme(scheme)
    except SchemeError as exc:
        fail(exc.describe(lang))
    console = out_console()
    parts = len(loaded.all_parts())
    console.print(
        t(
            "方案 {scheme} 无误：{title}（{groups} 个组，{parts} 个部分）",
            scheme=scheme,
            title=loaded.title,
            groups=len(loaded.groups),
            parts=parts,
        ),
        highlight=False,
    )
    if data is None:
        return
    try:
        facts = check_folder(loaded, data)
    except InputErrors as exc:
        fail(t("数据 {data} 有误（{n} 处问题）：", data=data, n=exc.total) + "\n" + exc.describe(lang))
    except FileNotFoundError:  # the one the readers raise: no such folder or workbook
        fail(t("--data：找不到数据文件夹或工作簿 {data}", data=data))
    rows = {Path(facts.label(name)).name: getattr(facts, name).height for name in FILE_NAMES}
    counts = t("、").join(t("{file} {n} 行", file=file, n=n) for file, n in rows.items() if n)
    console.print(t("数据 {data} 符合方案：{counts}", data=data, counts=counts), highlight=False)
