"""Data commands: `kaoping import`, `kaoping export` and `kaoping template`.

They move the interchange files (docs/interchange.md) in and out of the store: the same folders
and workbooks `kaoping score --data` reads, so an office can keep working in Excel while the store is
the system of record.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kaoping.commands.common import err, fail, out_console
from kaoping.commands.lang import current, t
from kaoping.engine.phrases import Lang

if TYPE_CHECKING:
    from kaoping.app.imports import ImportReport
    from kaoping.io.templates import TemplateLists
    from kaoping.scheme import Scheme

DbOption = Annotated[str | None, typer.Option(help="数据库地址（默认 $KAOPING_DATABASE_URL 或 ./kaoping.db）")]


def register(app: typer.Typer) -> None:
    """Add this area's commands to ``app``."""
    app.command("import")(import_command)
    app.command("export")(export_command)
    app.command("template")(template_command)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return "unknown"


def _scheme(name: str | None) -> Scheme | None:
    from kaoping.scheme import SchemeError, load_scheme

    if name is None:
        return None
    try:
        return load_scheme(name)
    except SchemeError as exc:
        fail(exc.describe(current()))


def import_command(
    source: Annotated[Path, typer.Argument(help="CSV 文件所在目录，或一个 .xlsx 工作簿")],
    db: DbOption = None,
    scheme: Annotated[str | None, typer.Option(help="同时按此方案检查数据")] = None,
    actor: Annotated[str | None, typer.Option(help="导入人，记入审计日志（默认为系统用户名）")] = None,
    confirm: Annotated[
        bool, typer.Option("--confirm", help="我已核实，确认提交：接受需要确认的行（须同时给出 --reason）")
    ] = False,
    reason: Annotated[str | None, typer.Option(help="确认这些行无误的理由（记入审计日志）")] = None,
) -> None:
    """把各交换文件导入数据库：先全部检查，再整体导入或全不导入（可重复执行）。

    需要确认的行（扣分超过该部分满分、时间不在考评时段内、属于已公布考评期的行）会中止导入，
    直到加上 --confirm --reason 再次执行。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from kaoping.app.imports import ImportBusy, Unconfirmed, import_data
    from kaoping.errors import InputErrors
    from kaoping.store.db import open_store

    if confirm and not (reason or "").strip():
        fail(t("--confirm 需要 --reason 理由：说明需核实的行为何无误（记入审计日志）"))
    chosen = _scheme(scheme)
    factory = open_store(db)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(t("读取中"), total=None)

        def progress(description: str, done: int, total: int) -> None:
            bar.update(task, description=Path(description).name, completed=done, total=total or None)

        try:
            who = actor or _os_user()
            given = reason if confirm else None
            report = import_data(factory, source, actor=who, scheme=chosen, progress=progress, confirm_reason=given)
        except Unconfirmed as exc:
            bar.stop()
            fail(t(NEEDS_CONFIRMATION, n=exc.total) + f"\n{exc}")
        except InputErrors as exc:
            bar.stop()
            fail(t("输入有误（{n} 处问题），未导入任何内容：", n=exc.total) + "\n" + exc.describe(current()))
        except FileNotFoundError as exc:
            bar.stop()
            fail(f"{source}：{exc.strerror or exc}")
        except ImportBusy as exc:
            bar.stop()
            fail(str(exc))
    _print_report(report)


NEEDS_CONFIRMATION = "{n} 行需核实，未导入任何内容。如确认无误，请加上 --confirm --reason 理由 再次执行："


def _print_report(report: ImportReport) -> None:
    from rich.table import Table
    from rich.text import Text

    from kaoping.app.imports import STATUS_NAMES

    table = Table(title=Text(f"kaoping import {report.source}", style="italic"))
    table.add_column(t("文件"))
    table.add_column(t("状态"))
    for name in (t("行数"), t("新增"), t("更新"), t("未变")):
        table.add_column(name, justify="right")
    for f in report.files:
        counts = (f.rows, f.inserted, f.updated, f.unchanged)
        numbers = ["", "", "", ""] if f.status == "absent" else [f"{n:,}" for n in counts]
        # the file's own name (the folder is in the title); Text: "book.xlsx[scores]" is not markup
        status = STATUS_NAMES.get(f.status, f.status)
        table.add_row(Text(Path(f.label).name), f.status if current() == Lang.EN else status, *numbers)
    out_console().print(table)


def export_command(
    target: Annotated[Path | None, typer.Argument(help="写出 CSV 文件的目录，或 FILE.xlsx")] = None,
    db: DbOption = None,
    parquet: Annotated[
        Path | None,
        typer.Option(help="Parquet 目录：按类别、城市、月份分区写出（省级汇总用）"),
    ] = None,
    city: Annotated[str | None, typer.Option(help="城市代码（与 --parquet 同用；默认取数据库名）")] = None,
) -> None:
    """把数据库导出为交换文件（UTF-8 编码的 CSV，或每个文件一张工作表的 .xlsx）。

    --parquet DIR：另写出分区 Parquet（DIR/<类别>/city=<代码>/month=<YYYY-MM>/part-0.parquet），
    多个城市的数据库可写入同一目录，供 kaoping rollup 省级汇总。"""
    from kaoping.app.imports import stored_frames
    from kaoping.io.export import write_csv_folder, write_workbook
    from kaoping.store.db import open_store

    if target is None and parquet is None:
        fail(t("请给出导出目录或 FILE.xlsx，或 --parquet 目录"))
    if target is not None and target.exists() and not target.is_dir() and target.suffix.lower() != ".xlsx":
        fail(t("{target} 是一个文件：请给出写 CSV 文件的目录，或以 .xlsx 结尾的文件名", target=target))
    code = _city_code(city, db) if parquet is not None else ""
    frames = stored_frames(open_store(db))
    rows = sum(f.height for f in frames.values())
    if target is not None:
        try:
            write_workbook(target, frames) if target.suffix.lower() == ".xlsx" else write_csv_folder(target, frames)
        except OSError as exc:
            fail(t("无法写入 {target}：{reason}", target=target, reason=exc.strerror or exc))
        wrote = t("已写入 {target}（{files} 个文件，共 {rows} 行）", target=target, rows=f"{rows:,}", files=len(frames))
        err.print(wrote, highlight=False)
    if parquet is not None:
        _export_parquet(parquet, code, frames)


def _city_code(city: str | None, db: str | None) -> str:
    """The city's folder name in the tree: ``--city``, else the store's database name (``xa.db`` → ``xa``)."""
    from sqlalchemy.engine import make_url

    from kaoping.rollup.parquet_tree import TreeError, check_city
    from kaoping.store.db import database_url

    code = city if city is not None else Path(make_url(database_url(db)).database or "").stem
    try:
        return check_city(code)
    except TreeError as exc:
        fail(str(exc) + t("；请用 --city 指定"))


def _export_parquet(root: Path, code: str, frames: dict[str, Any]) -> None:
    from kaoping.rollup.parquet_tree import write_city

    try:
        written = write_city(root, code, frames)
    except OSError as exc:
        fail(t("无法写入 {target}：{reason}", target=root, reason=exc.strerror or exc))
    shown = "、".join(f"{kind} {n:,}" for kind, n in written.items() if n)
    note = t("已写出 {root}（城市 {code}：{shown}）", root=root, code=code, shown=shown or t("无数据"))
    err.print(note, highlight=False, soft_wrap=True)


def template_command(
    target: Annotated[Path, typer.Argument(help="要写出的 FILE.xlsx")],
    db: DbOption = None,
    scheme: Annotated[str | None, typer.Option(help="在下拉列表中提供此方案的考评部分和分组")] = None,
) -> None:
    """写出 Excel 填报模板：每个交换文件一张工作表，带填写提示和下拉列表（单位、考评部分）。"""
    from kaoping.io.templates import write_template

    if target.suffix.lower() != ".xlsx":
        fail(t("{target}：模板是 .xlsx 工作簿，请给出以 .xlsx 结尾的文件名", target=target))
    chosen = _scheme(scheme)
    lists = _template_lists(_store_units(db), chosen)
    try:
        write_template(target, lists)
    except OSError as exc:
        fail(t("无法写入 {target}：{reason}", target=target, reason=exc.strerror or exc))
    err.print(t("已写入 {path}", path=target), highlight=False)


def _store_units(db: str | None) -> list[str]:
    """The store's unit ids; none when no store was named and the default one does not exist yet (a
    template should not create a database as a side effect)."""
    from sqlalchemy import select

    from kaoping.store.db import DEFAULT, database_url, open_store
    from kaoping.store.tables import Unit

    url = database_url(db)
    if url == DEFAULT and not Path(url.removeprefix("sqlite:///")).exists():
        return []
    with open_store(db)() as session:
        return sorted(session.scalars(select(Unit.unit_id)))


def _template_lists(units: list[str], scheme: Scheme | None) -> TemplateLists:
    """The drop-downs: the store's units; given a scheme, its groups and the parts each file may name
    (leaf parts by the file that feeds them, plus the bonus parts given as scores)."""
    from kaoping.io.templates import TemplateLists
    from kaoping.scheme.model import ScoreBonus, Source

    if scheme is None:
        return TemplateLists(units=units)
    leaves = scheme.leaves()
    bonus = [r.name for r in scheme.bonus.rules if isinstance(r, ScoreBonus)]
    parts = {
        "scores": [p.name for p in leaves if p.source == Source.SCORES] + bonus,
        "deductions": [p.name for p in leaves if p.source == Source.DEDUCTIONS],
    }
    return TemplateLists(units=units, groups=[g.name for g in scheme.groups], parts=parts)
