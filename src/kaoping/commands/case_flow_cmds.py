"""kaoping case-flow: the 数字城管 centre's steps from the server's command line (issue #17) — the work lists,
立案, 派遣 by the 处置手册 and 核查 — through the same use cases as the pages and the API, as the office."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from kaoping.commands.common import out_console
from kaoping.commands.lang import t
from kaoping.commands.publish_cmds import ActorOption, DbOption, _office, _session

CaseArg = Annotated[str, typer.Argument(help="案卷号")]
WHICH_HELP = "哪张清单：intake 待立案、dispatch 待派遣、todo 待处置、verify 待核查"


class Queue(StrEnum):
    INTAKE = "intake"
    DISPATCH = "dispatch"
    TODO = "todo"
    VERIFY = "verify"


def queue_cmd(
    which: Annotated[Queue, typer.Argument(help=WHICH_HELP)],
    db: DbOption = None,
) -> None:
    """案卷工作清单，每行一件（制表符分隔）：案卷号、单位、类别、状态、处置时限、返工次数、手册建议。"""
    from kaoping.app import case_queues as queues
    from kaoping.app.case_rules import office_rules
    from kaoping.store.audit import now

    who, at = _office(None), now()
    with _session(db) as session:
        match which:
            case Queue.INTAKE:
                items = queues.intake_queue(session, who, at)
            case Queue.DISPATCH:
                items = queues.dispatch_queue(session, who, office_rules([]), at)
            case Queue.TODO:
                items = queues.unit_todo(session, who, None, at)
            case Queue.VERIFY:
                items = queues.verify_queue(session, who, at)
    for i in items:  # tab-separated, one line a case (a script reads it)
        hint = f"{i.suggestion.unit_name}（{i.suggestion.limit}）" if i.suggestion else ""
        deadline = i.deadline.isoformat(sep=" ", timespec="minutes") if i.deadline else ""
        typer.echo(f"{i.case_id}\t{i.unit_id}\t{i.category}\t{i.status_label}\t{deadline}\t{i.rework_count}\t{hint}")


def register_cmd(case_id: CaseArg, actor: ActorOption = None, db: DbOption = None) -> None:
    """立案：受理待立案的案卷（记入审计）。"""
    from kaoping.app import case_flow as flow
    from kaoping.store.audit import now

    with _session(db) as session:
        flow.register(session, _office(actor), case_id, now())
    out_console().print(t("已立案 {case}", case=case_id))


def dispatch_cmd(
    case_id: CaseArg,
    unit: Annotated[str, typer.Option("--unit", help="处置单位编号 unit_id")],
    reason: Annotated[str, typer.Option("--reason", help="改派理由（与处置手册所定单位不同时必填）")] = "",
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """派遣：处置时限按处置手册与工作日历计算（记入审计）。"""
    from kaoping.app import case_flow as flow
    from kaoping.app.case_rules import office_rules
    from kaoping.store.audit import now

    with _session(db) as session:
        held = flow.dispatch(session, _office(actor), office_rules([]), case_id, unit, now(), reason=reason)
        deadline = held.row.deadline
    out_console().print(t("已派遣 {case} 至 {unit}，处置时限 {deadline}", case=case_id, unit=unit, deadline=deadline))


def verify_cmd(
    case_id: CaseArg,
    passed: Annotated[bool, typer.Option("--pass/--fail", help="核查通过（结案）或不通过（退回返工）")],
    note: Annotated[str, typer.Option("--note", help="核查意见（不通过时必填）")] = "",
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """核查：通过即结案，不通过退回处置单位，计为返工（记入审计）。"""
    from kaoping.app import case_flow as flow
    from kaoping.store.audit import now

    with _session(db) as session:
        held = flow.verify(session, _office(actor), case_id, passed, now(), note=note)
        status = held.case.status
    out_console().print(t("案卷 {case} 现为 {status}", case=case_id, status=status.value))


def register(app: typer.Typer) -> None:
    flow_app = typer.Typer(help="数字城管案卷流转：工作清单、立案、派遣、核查。", no_args_is_help=True)
    flow_app.command("queue")(queue_cmd)
    flow_app.command("register")(register_cmd)
    flow_app.command("dispatch")(dispatch_cmd)
    flow_app.command("verify")(verify_cmd)
    app.add_typer(flow_app, name="case-flow")
