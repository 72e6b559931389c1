"""kaoping rectify: the office's 整改 work from the server's command line (issue #17) — the open notices with
their deadlines, and 转督办 of the overdue ones — through the same use cases as the pages and the API."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from kaoping.commands.common import out_console
from kaoping.commands.lang import t
from kaoping.commands.publish_cmds import ActorOption, DbOption, _office, _session

SchemeOption = Annotated[str, typer.Option("--scheme", help="考评方案（内置名称或文件），其整改规则给出整改期限")]
OnOption = Annotated[str | None, typer.Option("--on", help="按哪一天判断逾期（YYYY-MM-DD，默认今天）")]


def _day(on: str | None) -> date:
    if on is None:
        return date.today()
    try:
        return date.fromisoformat(on)
    except ValueError as exc:
        raise typer.BadParameter(t("日期格式应为 2024-05-01"), param_hint="--on") from exc


def list_cmd(scheme: SchemeOption, on: OnOption = None, db: DbOption = None) -> None:
    """未整改的通报：整改期限、状态、是否逾期、是否已转督办。"""
    from kaoping.app.rectify_flow import office_items
    from kaoping.scheme import load_scheme

    with _session(db) as session:
        items = office_items(session, [load_scheme(scheme)], _day(on), None)
    for i in items:  # tab-separated, one line a notice (a script reads it; rich would expand the tabs)
        mark = t("已逾期") if i.overdue else ""
        sent = t("已转督办 {d}", d=i.supervised_on) if i.supervised_on else ""
        typer.echo(f"{i.unit_id}\t{i.problem_id}\t{i.first_notified}\t{i.due}\t{i.status}\t{mark}\t{sent}")


def supervise_cmd(scheme: SchemeOption, on: OnOption = None, actor: ActorOption = None, db: DbOption = None) -> None:
    """逾期未整改的通报转督办（每件一条督办记录，记入审计）。"""
    from kaoping.app.rectify_flow import supervise_overdue
    from kaoping.scheme import load_scheme

    with _session(db) as session:
        sent = supervise_overdue(session, _office(actor), load_scheme(scheme), _day(on))
    out_console().print(t("已转督办 {n} 件", n=len(sent)))


def register(app: typer.Typer) -> None:
    rectify_app = typer.Typer(help="整改：未整改的通报、逾期转督办。", no_args_is_help=True)
    rectify_app.command("list")(list_cmd)
    rectify_app.command("supervise")(supervise_cmd)
    app.add_typer(rectify_app, name="rectify")
