"""`kaoping publish advance`: 一键发布 — a period (with ``--with-months`` each of its months not yet
published) taken through compute, review and publish as far as the acting account may, in one transaction.

The use case is :func:`kaoping.app.publish_batch.advance`, the same the API and the period page call; the
CLI holds the store itself and acts as the office (``--actor`` names the account for 职责分离 and the audit
trail), so with separation of duties on, one actor's run computes and a second actor's run reviews and
publishes.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kaoping.commands.common import out_console
from kaoping.commands.lang import current, t
from kaoping.commands.publish_cmds import ActorOption, DbOption, _office, _session
from kaoping.engine.phrases import Lang


def advance_cmd(
    scheme: Annotated[str, typer.Option(help="内置方案名或方案文件")],
    period: Annotated[str, typer.Option(help="考评期：2024-Q2（季度）、2024（年度）或 2024-03")],
    with_months: Annotated[
        bool, typer.Option("--with-months/--without-months", help="同时处理本期所含、尚未发布的各月")
    ] = True,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """一键发布季度及各月：计算、审核并发布本期及其尚未发布的各月，只做本账号可做的步骤。

    KAOPING_SEPARATION_OF_DUTIES 开启时（默认开启），第一人运行时只计算草稿，须由另一人（--actor）
    再运行一次，审核并发布全部。任何一期失败则全部不生效。
    """
    from kaoping.app.context import separation_of_duties
    from kaoping.app.publish_batch import advance

    with _session(db) as s:
        done = advance(
            s,
            _office(actor),
            scheme=scheme,
            period=period,
            with_months=with_months,
            separate_duties=separation_of_duties(),
        )
    english = current() == Lang.EN
    table = Table(title=t("{scheme} {period} — 一键发布", scheme=done.scheme, period=done.period))
    for col in (t("考评期"), t("本次完成"), t("状态"), t("版本"), t("编号")):
        table.add_column(col)
    for step in done.steps:
        did = ", ".join(str(d) for d in step.done) if english else "、".join(d.label for d in step.done)
        table.add_row(
            step.period,
            did or "—",
            str(step.stop) if english else step.stop.label,
            f"v{step.version}" if step.version else "—",
            str(step.result_id or "—"),
        )
    out_console().print(table)
