"""Commands for publishing results, accounts and the audit trail: `kaoping publish …`, `kaoping user …`,
`kaoping audit`.

They are thin: each opens the store, runs one use case (``kaoping.app.publish``) or store function
(``users``, ``audit``) in one transaction and prints the outcome, so the CLI and the REST API follow
exactly the same rules (a draft cannot be published unreviewed from either); a refused use case is an
exit code 2 with its message.  Passwords are read from stdin or a hidden
prompt, never from argv — argv is visible to every user of the machine in ``ps`` and shell history.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from kaoping.commands.common import err, fail, out_console
from kaoping.commands.lang import current, t
from kaoping.engine.phrases import Lang

if TYPE_CHECKING:  # SQLAlchemy loads with the store, not with every command (`kaoping score --data` needs none)
    from sqlalchemy.orm import Session

    from kaoping.app.policy import Principal
    from kaoping.store.tables import AuditEntry, PublishedResult

DbOption = Annotated[
    str | None, typer.Option("--db", help="数据库地址（默认 $KAOPING_DATABASE_URL，再默认 sqlite:///kaoping.db）")
]
ActorOption = Annotated[str | None, typer.Option(help="操作人，记入审计日志（默认为登录名）")]
ResultIdArgument = Annotated[int, typer.Argument(metavar="ID", help="结果编号（见 `kaoping publish list`）")]
"""The result version a step of the review acts on, named alike by every step (review, release)."""
STATUS_STYLE = {"draft": "yellow", "reviewed": "cyan", "published": "bold green", "superseded": "dim"}
"""How ``kaoping publish list`` colours each result status (draft, reviewed, published, superseded)."""


class AuditFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


def _actor(actor: str | None) -> str:
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return "cli"


@contextmanager
def _session(db: str | None) -> Iterator[Session]:
    """One transaction on the store; a known error becomes exit 2 with its message (nothing committed)."""
    from kaoping.engine.evaluate import UnsupportedPeriod
    from kaoping.errors import DomainError, InputErrors
    from kaoping.periods import PeriodError
    from kaoping.scheme import SchemeError
    from kaoping.store.db import open_store, transaction
    from kaoping.store.users import UserError

    try:
        with transaction(open_store(db)) as session:
            yield session
    except DomainError as exc:
        fail(exc.text(current()))
    except UserError as exc:
        fail(exc.message_en if current() == Lang.EN and exc.message_en else str(exc))
    except SchemeError as exc:
        fail(exc.describe(current()))
    except PeriodError as exc:
        fail(f"--period：{exc}")
    except UnsupportedPeriod as exc:
        fail(f"--period：{exc.text(current())}")
    except InputErrors as exc:
        fail(t("{what}（{n} 处问题）：", what=t("数据库中的数据有误"), n=exc.total) + f"\n{exc}")


# --- kaoping publish ---------------------------------------------------------------------------------


def _version(row: PublishedResult) -> str:
    """One result version as every step of the review names it, so a reader can follow it from step to step."""
    return t(
        "{scheme} {period} v{version}（编号 {id}）",
        scheme=row.scheme,
        period=row.period,
        version=row.version,
        id=row.id,
    )


def _status(code: str) -> str:
    """A result status as the reader's language calls it: 草稿, 已审核… in Chinese, the code in English."""
    from kaoping.statuses import ResultStatus

    return code if current() == Lang.EN else ResultStatus(code).label


def compute(
    scheme: Annotated[str, typer.Option(help="内置方案名或方案文件")],
    period: Annotated[str, typer.Option(help="考评期：2024-03、2024-Q2 或 2024")],
    reason: Annotated[str, typer.Option(help="原因：公布后更正时必填")] = "",
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """按数据库中的数据计算一个考评期的得分，保存为草稿（替换尚未公布的草稿）。

    KAOPING_SEPARATION_OF_DUTIES 开启时（默认开启），审核过草稿的人不能再次计算它。
    """
    from kaoping.app.context import separation_of_duties
    from kaoping.app.publish import compute_draft

    with _session(db) as s:
        row = compute_draft(
            s,
            scheme=scheme,
            period=period,
            actor=_actor(actor),
            reason=reason,
            separate_duties=separation_of_duties(),
        )
        rid, version, name, per = row.id, row.version, row.scheme, row.period
    text = t(
        "{scheme} {period} 草稿 v{version} 已保存，编号 {id}；下一步：kaoping publish review {id}",
        scheme=name,
        period=per,
        version=version,
        id=rid,
    )
    out_console().print(text, highlight=False)


def review_cmd(result_id: ResultIdArgument, actor: ActorOption = None, db: DbOption = None) -> None:
    """把草稿标记为已审核（公布前的检查）。

    KAOPING_SEPARATION_OF_DUTIES 开启时（默认开启），只有计算草稿之外的另一个账号可以审核
    （--actor 指定审核人；被拒绝的操作记入审计日志）。
    """
    from kaoping.app.context import separation_of_duties
    from kaoping.app.publish import review

    with _session(db) as s:
        row = review(s, result_id, actor=_actor(actor), separate_duties=separation_of_duties())
        text = t("已审核 {version}；下一步：kaoping publish release {id}", version=_version(row), id=row.id)
    out_console().print(text, highlight=False)


def release(
    result_id: ResultIdArgument,
    actor: ActorOption = None,
    db: DbOption = None,
    missing_reason: Annotated[str, typer.Option(help="应报分数逾期未报时仍要发布的理由（记入审计日志）")] = "",
) -> None:
    """公布已审核的结果：从此冻结；之前公布的版本被取代。"""
    from kaoping.app.publish import publish
    from kaoping.store.publishing import current
    from kaoping.store.tables import PublishedResult

    with _session(db) as s:
        row = s.get(PublishedResult, result_id)
        previous = current(s, scheme=row.scheme, period=row.period) if row is not None else None
        was = t("（取代 v{version}）", version=previous.version) if previous is not None else ""
        row = publish(s, result_id, actor=_actor(actor), missing_reason=missing_reason)
        text = t("已发布 {version}", version=_version(row)) + was
    out_console().print(text, highlight=False)


def list_cmd(
    scheme: Annotated[str, typer.Option(help="方案名")],
    period: Annotated[str, typer.Option(help="考评期：2024-03、2024-Q2 或 2024")],
    db: DbOption = None,
) -> None:
    """一个考评期结果的所有版本，最新的在前，含状态、原因、操作人和时间。"""
    from kaoping.store.publishing import versions

    with _session(db) as s:
        rows = versions(s, scheme=scheme, period=period)
        table = Table(title=t("{scheme} {period} — 结果版本", scheme=scheme, period=period))
        for col in (t("编号"), t("版本"), t("状态"), t("原因"), t("计算"), t("审核人"), t("发布")):
            table.add_column(col)
        for r in rows:
            table.add_row(
                str(r.id),
                f"v{r.version}",
                Text(_status(r.status), style=STATUS_STYLE.get(r.status, "")),
                Text(r.reason or "—"),
                Text(f"{r.created_by} {r.created_at:%Y-%m-%d %H:%M}"),
                Text(r.reviewed_by or "—"),
                Text(f"{r.published_by} {r.published_at:%Y-%m-%d %H:%M}" if r.published_at else "—"),
            )
    if not rows:
        none = t("{scheme} {period} 尚无结果；请先计算：kaoping publish compute", scheme=scheme, period=period)
        err.print(none, highlight=False)
        return
    out_console().print(table)


# --- kaoping user ------------------------------------------------------------------------------------


PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help="从标准输入读取密码")]


def _new_password(from_stdin: bool) -> str:
    """A password from stdin (--password-stdin) or a hidden prompt asked twice, never from argv."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if sys.stdin.isatty():
        return str(typer.prompt(t("密码"), hide_input=True, confirmation_prompt=True))
    fail(t("没有密码：请用 --password-stdin 从管道输入（密码绝不取自命令行参数）"))


def _office(actor: str | None) -> Principal:
    """Whoever runs the CLI holds the store itself: the office, named in the audit trail by --actor."""
    from kaoping.app.policy import Principal, Via
    from kaoping.roles import Role

    return Principal(username=_actor(actor), role=Role.ADMIN, via=Via.CLI)


def user_add(
    username: Annotated[str, typer.Argument(help="登录名")],
    role: Annotated[
        str,
        typer.Option(
            help="角色：admin（考评办）、department（部门）、inspector（督查）、"
            "third_party（第三方）、unit（被考评单位）、public（公众）、"
            "acceptor（受理员）、dispatcher（派遣员）或 supervisor（监督员）"
        ),
    ],
    unit: Annotated[str | None, typer.Option(help="单位编号 unit_id（角色为 unit 时）")] = None,
    parts: Annotated[str | None, typer.Option(help="逗号分隔的考评部分或 部分/项目（department 等角色）")] = None,
    display_name: Annotated[str, typer.Option(help="界面上显示的名称")] = "",
    password_stdin: PasswordStdin = False,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """新增账号（记入审计日志）；密码从标准输入（--password-stdin）或隐藏的提示输入，绝不取自命令行参数。"""
    from kaoping.app.accounts import add_account
    from kaoping.roles import ROLE_NAMES

    password = _new_password(password_stdin)
    part_list = [p.strip() for p in (parts or "").split(",") if p.strip()]
    with _session(db) as s:
        user = add_account(
            s,
            _office(actor),
            username=username,
            password=password,
            role=role,
            display_name=display_name,
            unit_id=unit,
            parts=part_list,
        )
        text = t(
            "已新增用户 {name}（{role_name} {role}），编号 {id}",
            name=user.username,
            role_name=ROLE_NAMES[user.role],
            role=user.role,
            id=user.id,
        )
    out_console().print(text, highlight=False)


def user_passwd(
    username: Annotated[str, typer.Argument(help="登录名")],
    password_stdin: PasswordStdin = False,
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """设置账号密码（考评办重置，记入审计日志）：该账号的所有会话和令牌随即失效。
    密码从标准输入（--password-stdin）或隐藏的提示输入，绝不取自命令行参数。"""
    from kaoping.app.accounts import PasswordChange, change_password
    from kaoping.store.audit import now

    password = _new_password(password_stdin)
    with _session(db) as s:
        user = change_password(s, _office(actor), PasswordChange(username=username, new_password=password), now())
        text = t("密码已更新：{name}；该账号已登录的会话均已退出", name=user.username)
    out_console().print(text, highlight=False)


# --- kaoping audit -----------------------------------------------------------------------------------


def _short(v: Any) -> str:
    """A value fit for a table cell: hashes (row keys, document digests) cut to 12 hex digits."""
    text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    if len(text) >= 32 and all(c in "0123456789abcdef" for c in text):
        return text[:12] + "…"
    return text if len(text) <= 40 else text[:39] + "…"


def _change(before: dict[str, object] | None, after: dict[str, object] | None) -> str:
    """Only what changed for an update (``score: 140.0 → 141.5``); the values for an insert or event."""
    if before and after:
        keys = [k for k in after if before.get(k) != after.get(k)] + [k for k in before if k not in after]
        return "; ".join(f"{k}: {_short(before.get(k))} → {_short(after.get(k))}" for k in keys) or t("（无变化）")
    if after:
        return "→ " + ", ".join(f"{k}={_short(v)}" for k, v in after.items() if v not in (None, ""))
    if before:
        return ", ".join(f"{k}={_short(v)}" for k, v in before.items() if v not in (None, "")) + t(" → （已删除）")
    return ""


def _entry_json(e: AuditEntry) -> dict[str, Any]:
    return {
        "id": e.id,
        "at": e.at.isoformat(),
        "actor": e.actor,
        "action": e.action,
        "table": e.table_name,
        "key": e.row_key,
        "unit_id": e.unit_id,
        "period": e.period,
        "before": e.before,
        "after": e.after,
        "reason": e.reason,
    }


def audit(
    unit: Annotated[str | None, typer.Option(help="只看此单位编号（unit_id）的记录")] = None,
    period: Annotated[str | None, typer.Option(help="只看此考评期及其包含的月份")] = None,
    format: Annotated[AuditFormat, typer.Option("--format", help="输出格式：table（表格）或 json")] = AuditFormat.TABLE,
    db: DbOption = None,
) -> None:
    """审计日志：谁在何时把什么从什么改成了什么，以及原因。"""
    from kaoping.store.audit import trail

    with _session(db) as s:
        entries = trail(s, unit_id=unit, period=period)
    if format == AuditFormat.JSON:
        rows = [_entry_json(e) for e in entries]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if not entries:
        err.print(t("没有符合条件的审计记录"), highlight=False)
        return
    title = t("审计日志") + (t(" — 单位 {unit}", unit=unit) if unit else "") + (f" — {period}" if period else "")
    table = Table(title=title)
    for col in (t("时间"), t("操作人"), t("操作"), t("表"), t("主键"), t("修改前 → 修改后"), t("原因")):
        table.add_column(col, overflow="fold")
    for e in entries:
        table.add_row(
            f"{e.at:%Y-%m-%d %H:%M:%S}",
            Text(e.actor),
            Text(e.action),
            Text(e.table_name),
            Text(_short(e.row_key)),
            Text(_change(e.before, e.after)),
            Text(e.reason or ""),
        )
    out_console().print(table)


def register(app: typer.Typer) -> None:
    """Add `publish` and `user` sub-apps and the `audit` command to ``app``."""
    publish_app = typer.Typer(help="结果发布：计算、审核并公布一个考评期的结果。", no_args_is_help=True)
    commands: list[tuple[str, Callable[..., None]]] = [
        ("compute", compute),
        ("review", review_cmd),
        ("release", release),
        ("list", list_cmd),
    ]
    from kaoping.commands.advance_cmds import advance_cmd

    commands.append(("advance", advance_cmd))
    for name, fn in commands:
        publish_app.command(name)(fn)
    user_app = typer.Typer(help="用户：账号和角色。", no_args_is_help=True)
    user_app.command("add")(user_add)
    user_app.command("passwd")(user_passwd)
    app.add_typer(publish_app, name="publish")
    app.add_typer(user_app, name="user")
    app.command("audit")(audit)
