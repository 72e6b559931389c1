"""`kaoping standard export/import`: a standards catalogue (扣分标准) to an Excel workbook and back to the YAML
file a scheme refers to (:mod:`kaoping.io.standard_book`); the YAML is validated before it is written."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kaoping.commands.common import fail, out_console
from kaoping.commands.lang import t

OutOption = Annotated[Path, typer.Option("--out", help="写入此文件")]


def export(
    standard: Annotated[str, typer.Argument(metavar="STANDARD", help="内置标准名或标准文件（YAML）")],
    out: OutOption,
) -> None:
    """把扣分标准导出为 Excel 工作簿（.xlsx），供考评办编辑。"""
    from kaoping.io.standard_book import write_standard_book
    from kaoping.scheme.standard import StandardError, load_standard

    try:
        write_standard_book(load_standard(standard), out)
    except StandardError as exc:
        fail(str(exc))
    out_console().print(t("已写入 {path}", path=out), highlight=False)


def import_(
    book: Annotated[Path, typer.Argument(metavar="FILE.xlsx", help="扣分标准工作簿")],
    out: OutOption,
) -> None:
    """从 Excel 工作簿读取扣分标准，校验后写成 YAML 标准文件。"""
    from kaoping.io.standard_book import read_standard_book
    from kaoping.scheme.standard import StandardError

    try:
        standard, text = read_standard_book(book)
    except (StandardError, OSError) as exc:
        fail(str(exc))
    out.write_text(text, encoding="utf-8")
    kinds = len(standard.kinds())
    out_console().print(t("已写入 {path}（{n} 个问题类型）", path=out, n=kinds), highlight=False)


def register(app: typer.Typer) -> None:
    """Add the `standard` sub-app."""
    standard_app = typer.Typer(help="扣分标准：导出为 Excel、从 Excel 导入。", no_args_is_help=True)
    standard_app.command("export")(export)
    standard_app.command("import")(import_)
    app.add_typer(standard_app, name="standard")
