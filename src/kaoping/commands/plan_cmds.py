"""`kaoping plan create/draw/reveal/verify`: inspection plans and their verifiable draw (kaoping.app.plans).

``create`` prints the SHA-256 of the plan's secret seed — the commitment to publish before the draw;
``draw`` prints the assignment; ``reveal`` (after the month) prints the seed; ``verify`` re-runs the draw
from the revealed seed and exits 1 if anything differs.  Whoever runs the CLI holds the store: the office.
"""

from __future__ import annotations

from typing import Annotated

import typer

from kaoping.commands.common import err, fail, out_console
from kaoping.commands.lang import current, t
from kaoping.commands.publish_cmds import ActorOption, DbOption, _office, _session

PlanId = Annotated[int, typer.Argument(metavar="ID", help="检查计划编号（见 `kaoping plan create` 的输出）")]
ListOption = Annotated[str | None, typer.Option(help="逗号分隔；默认：全部")]


def create(
    scheme: Annotated[str, typer.Option(help="方案名")],
    period: Annotated[str, typer.Option(help="月份，如 2024-06")],
    name: Annotated[str, typer.Option(help="计划名称")],
    part: Annotated[str, typer.Option(help="检查表（扣分项目）")],
    visit: Annotated[
        str, typer.Option(help="`announced`（明检，默认）或 `unannounced`（暗访）", show_default=False)
    ] = "announced",
    frequency: Annotated[
        str, typer.Option(help="`weekly`（每周，默认）或 `monthly`（每月 n 次）", show_default=False)
    ] = "weekly",
    per_month: Annotated[int, typer.Option(help="每月次数（`monthly` 时）")] = 1,
    quota: Annotated[int, typer.Option(help="每个对象每月检查次数")] = 1,
    teams: Annotated[int, typer.Option(help="检查组数")] = 1,
    team_size: Annotated[int, typer.Option(help="每组人数")] = 2,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """创建检查计划并生成秘密种子；打印种子的 SHA-256（抽签前公布的承诺值）。"""
    from kaoping.app.plans import checked_against, create_plan, parse_spec
    from kaoping.scheme import SchemeError, load_scheme
    from kaoping.store.audit import now

    values: dict[str, object] = {"scheme": scheme, "period": period, "name": name, "part": part, "visit": visit}
    values |= {"frequency": frequency, "per_month": per_month, "quota": quota, "teams": teams, "team_size": team_size}
    try:
        loaded = load_scheme(scheme)
    except SchemeError as exc:
        fail(exc.describe(current()))
    values["scheme"] = loaded.scheme  # a scheme file is named by its scheme:, as the store keeps it
    with _session(db) as s:
        row = create_plan(s, _office(actor), checked_against(loaded, parse_spec(values)), now())
        plan_id, digest = row.id, row.commitment
    out_console().print(t("检查计划 {id} 已创建", id=plan_id), highlight=False)
    out_console().print(t("种子 SHA-256（抽签前公布）：{digest}", digest=digest), highlight=False)


def _names(text: str | None) -> list[str] | None:
    return None if text is None else [x.strip() for x in text.split(",") if x.strip()]


def draw_cmd(
    plan_id: PlanId,
    units: ListOption = None,
    inspectors: ListOption = None,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """按已承诺的种子抽签：检查对象、顺序和检查组；打印安排。"""
    from kaoping.app.plans import draw_plan
    from kaoping.store.audit import now

    with _session(db) as s:
        row = draw_plan(s, _office(actor), plan_id, now(), units=_names(units), inspectors=_names(inspectors))
        document, commitment, digest = row.draw or {}, row.commitment, row.draw_digest
    out = out_console()
    out.print(t("种子 SHA-256：{digest}", digest=commitment), highlight=False)
    teams = document.get("teams", {})
    assert isinstance(teams, dict)
    for team, people in teams.items():
        out.print(t("第{n}组：{people}", n=team, people="、".join(people)), highlight=False)
    visits = document.get("visits", [])
    assert isinstance(visits, list)
    for v in visits:
        out.print(t("第{r}轮 {o}. {unit}（第{team}组）", r=v["round"], o=v["order"], unit=v["unit_id"], team=v["team"]))
    out.print(t("抽签结果摘要：{digest}", digest=digest), highlight=False)


def reveal(plan_id: PlanId, actor: ActorOption = None, db: DbOption = None) -> None:
    """检查结束后公开种子（记入审计日志），任何人可据此复核抽签。"""
    from kaoping.app.plans import reveal_plan
    from kaoping.store.audit import now

    with _session(db) as s:
        seed = reveal_plan(s, _office(actor), plan_id, now()).seed
    out_console().print(t("种子：{seed}", seed=seed), highlight=False)


def verify(plan_id: PlanId, db: DbOption = None) -> None:
    """用公开的种子和记录的输入重新抽签，与记录的结果比对；不一致时退出码为 1。"""
    from kaoping.app.plans import verify_plan

    with _session(db) as s:
        check = verify_plan(s, _office(None), plan_id)
    if not check.ok:
        for problem in check.problems:
            err.print(f"[bold red]{problem}[/]", highlight=False)
        fail(t("抽签核验未通过"), code=1)
    out_console().print(
        t("抽签核验通过：种子与承诺值相符，重抽结果一致（{digest}）", digest=check.draw_digest), highlight=False
    )


def register(app: typer.Typer) -> None:
    """Add the `plan` sub-app."""
    plan_app = typer.Typer(help="检查计划：创建、抽签、公开种子、核验。", no_args_is_help=True)
    plan_app.command("create")(create)
    plan_app.command("draw")(draw_cmd)
    plan_app.command("reveal")(reveal)
    plan_app.command("verify")(verify)
    app.add_typer(plan_app, name="plan")
