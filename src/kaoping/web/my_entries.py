"""我的录入: the rows the signed-in account entered lately, each with its history, 修改 and 删除 (with a reason).

Who may open it: the roles that write some kind of fact (``Perm.OWN_ENTRIES`` of the policy table).  What
each row allows is the policy's row rule, asked through :mod:`kaoping.app.own_entries`: a row the account
may not change (another's, or one under a published result) is shown with the reason instead of the forms.
The forms are plain posts (no JavaScript needed); like the upload, a post resolves the account from its
session and checks the form's CSRF token itself.  The values are read by the API's own model of the kind
(:data:`kaoping.api.models.FACT_MODELS`), so the page takes exactly what ``POST /api/<kind>`` takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kaoping.api.auth import ANONYMOUS, Principal, csrf_token
from kaoping.api.context import ApiContext, CtxDep, SessionDep
from kaoping.api.models import FACT_MODELS, RowId
from kaoping.app import facts, own_entries
from kaoping.app.errors import DomainError, Forbidden, Invalid, NeedsConfirmation, NotFound
from kaoping.app.policy import WRITE_KIND_PERMS, Perm, allowed
from kaoping.app.row_history import Change, row_history
from kaoping.facts.columns import COLUMN_NAMES, Kind
from kaoping.facts.kinds import ENTRY_ORDER, KINDS, spec_of
from kaoping.store.db import is_busy
from kaoping.store.facts import TABLES, columns
from kaoping.store.publishing import published_periods
from kaoping.store.tables import FactMixin
from kaoping.web.app import PageRefused, error_page, form_token_ok, refusal, render, require_page, session_account
from kaoping.web.i18n import request_lang
from kaoping.web.scheme_text import num

router = APIRouter(include_in_schema=False)
Writer = Annotated[Principal, require_page(Perm.OWN_ENTRIES)]
LIMIT = 50
"""Rows listed per kind, newest first (older ones: ``GET /api/<kind>?written_by=``)."""

KIND_NAMES = {spec.name: spec.label for spec in KINDS}
INPUT_TYPES = {Kind.DATE: "date", Kind.TIME: "datetime-local", Kind.CLOCK: "time"}
ERRORS = {
    "missing": "必填",
    "date_from_datetime_parsing": "日期格式应为 2024-05-01",
    "date_parsing": "日期格式应为 2024-05-01",
    "time_parsing": "时间格式应为 08:30",
    "datetime_from_date_parsing": "时间格式应为 2024-05-01 08:30",
    "datetime_parsing": "时间格式应为 2024-05-01 08:30",
    "decimal_parsing": "应为数字",
    "float_parsing": "应为数字",
    "int_parsing": "应为整数",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "须大于 {gt}",
    "less_than_equal": "不能大于 {le}",
    "string_too_long": "过长（最多 {max_length} 个字符）",
    "string_pattern_mismatch": "格式不正确",
    "literal_error": "须为 {expected} 之一",
    "enum": "须为 {expected} 之一",
}
"""Chinese for the API model's refusals, by pydantic's error type; any other type reads "格式不正确"."""


@dataclass(frozen=True)
class Shown:
    """One listed row: its id, the cells of its columns, why it may not be changed (None: it may)."""

    id: int
    cells: dict[str, str]
    refused: str | None


def cell_text(value: Any) -> str:
    """A stored value as a table cell or a form's value: numbers without trailing zeros, times to the minute."""
    if value is None:
        return ""
    if isinstance(value, float | Decimal):
        return num(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date | time):
        return value.isoformat()[:5] if isinstance(value, time) else value.isoformat()
    return str(value)


def writable(who: Principal) -> list[str]:
    """The kinds the account may write, in the entry page's order."""
    return [
        k.value for k in ENTRY_ORDER if k.value in WRITE_KIND_PERMS and allowed(who.role, WRITE_KIND_PERMS[k.value])
    ]


def listed(session: Session, who: Principal, kind: str) -> list[Shown]:
    """The newest rows of ``kind`` the account wrote (as ``GET /api/<kind>?written_by=``), with the row rule."""
    table: Any = TABLES[kind]
    stmt = facts.query_rows(kind, unit_id=None, period=None, written_by=who.actor, limit=LIMIT, offset=0)
    rows = session.scalars(stmt.order_by(None).order_by(table.id.desc())).all()
    shown = list(columns(kind))[:8]
    published = published_periods(session)
    return [
        Shown(r.id, {c: cell_text(getattr(r, c)) for c in shown}, own_entries.refusal(session, who, kind, r, published))
        for r in rows
    ]


@router.get("/my-entries")
def my_entries(request: Request, session: SessionDep, who: Writer) -> Response:
    """Per kind the account may write, its latest rows with 修改 / 删除 (or why not)."""
    kinds = writable(who)
    return render(
        request,
        "my_entries.html",
        who,
        kinds=kinds,
        rows={k: listed(session, who, k) for k in kinds},
        heads={k: list(columns(k))[:8] for k in kinds},
        kind_names=KIND_NAMES,
        hints=COLUMN_NAMES,
    )


def _fields(kind: str, row: FactMixin | None, sent: dict[str, str] | None) -> list[dict[str, Any]]:
    """The form's inputs: one per column, holding what was sent (after a refusal) or the row's value."""
    out = []
    for column in spec_of(kind).columns:
        value = sent.get(column.name, "") if sent is not None else cell_text(getattr(row, column.name))
        kind_type = INPUT_TYPES.get(column.kind, "text")
        out.append({"name": column.name, "label": COLUMN_NAMES.get(column.name, column.name), "type": kind_type,
                    "value": value, "required": column.required, "choices": column.choices})  # fmt: skip
    return out


def _row_page(request: Request, session: Session, who: Principal, target: tuple[str, int], **shown: Any) -> Response:
    """The row, its history, the edit and delete forms (or why not); ``shown``: a refusal or the sent values."""
    kind, row_id = target
    row = own_entries.shown_row(session, kind, row_id)
    refused = own_entries.refusal(session, who, kind, row)
    if refused is not None and own_entries.entered_by(session, kind, row) != who.actor:
        raise PageRefused(who, Forbidden("not the account's row", signed_in=True), refused)
    return render(
        request,
        "my_entry.html",
        who,
        status_code=shown.pop("status", 200),
        kind=kind,
        kind_name=KIND_NAMES[kind],
        row=row,
        version=own_entries.version(kind, row),
        refused=refused,
        fields=_fields(kind, row, shown.pop("sent", None)),
        history=row_history(session, kind, row.nkey, row.import_id),
        changes=Change.names(),
        csrf=csrf_token(request),
        errors=shown.pop("errors", []),
        message=shown.pop("message", ""),
        confirmable=shown.pop("confirmable", False),
        reason=shown.pop("reason", ""),
    )


@router.get("/my-entries/{kind}/{row_id}")
def my_entry(request: Request, kind: str, row_id: RowId, session: SessionDep, who: Writer) -> Response:
    """One of the account's rows: every value, its history, and 修改 / 删除 with a reason."""
    try:
        return _row_page(request, session, who, (kind, row_id))
    except DomainError as error:
        return refusal(request, who, error)


# --- the two posts -----------------------------------------------------------------------------------


def _problems(kind: str, exc: ValidationError) -> list[str]:
    """The API model's refusals in Chinese, each naming its field."""
    out = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error.get("loc") else ""
        said = ERRORS.get(error["type"], "格式不正确")
        context = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
        out.append(f"{COLUMN_NAMES.get(name, name)}：{said.format_map(_Blank(context))}")
    return out


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def _values(kind: str, sent: dict[str, str]) -> dict[str, Any]:
    """The sent values read by the API's model of the kind (empty optional fields as absent)."""
    body = {c: v for c, v in sent.items() if v != ""}
    model = FACT_MODELS[kind].body.model_validate(body)
    return model.model_dump(exclude={"reason", "confirm"})


def _save(request: Request, ctx: ApiContext, target: tuple[str, int], form: dict[str, str]) -> Response:
    """The blocking part of a post (run in the thread pool): check the account and token, then edit or delete."""
    kind, row_id = target
    with ctx.factory() as session:
        who = session_account(request, session)
        if who is None:
            return RedirectResponse(f"/login?next={quote(f'/my-entries/{kind}/{row_id}')}", status_code=303)
        if not allowed(who.role, Perm.OWN_ENTRIES):
            return refusal(request, who, Forbidden("may not enter data", signed_in=True), "此页面不对本账号开放。")
        if not form_token_ok(request, form.get("csrf", "")):
            message = "表单已过期或缺少安全令牌（CSRF），请刷新页面后重试。"
            return error_page(request, who, 403, "无法保存", message)
        return _apply(request, ctx, session, who, (kind, row_id), form)


def _apply(
    request: Request, ctx: ApiContext, session: Session, who: Principal, target: tuple[str, int], form: dict[str, str]
) -> Response:
    kind, row_id = target
    if kind not in WRITE_KIND_PERMS:
        return refusal(request, who, NotFound(f"没有“{kind}”这类数据"))
    reason, seen = form.get("reason", "").strip(), form.get("version", "")
    sent = {c: form.get(c, "").strip() for c in columns(kind)}
    sent_back = sent | {"reason": reason}
    try:
        if form.get("action") == "delete":
            own_entries.delete_row(session, who, (kind, row_id, seen), reason=reason)
            return RedirectResponse(f"/my-entries?deleted={kind}-{row_id}#{kind}", status_code=303)
        values = _values(kind, sent)
        outcome = own_entries.edit_row(ctx, session, who, (kind, row_id, seen), values, reason=reason,
                                       confirm=form.get("confirm") == "on")  # fmt: skip
    except ValidationError as exc:
        return _again(request, session, who, target, sent_back, 422, _problems(kind, exc))
    except NeedsConfirmation as exc:
        problems = [p.message for p in exc.problems]
        return _again(request, session, who, target, sent_back, 409, problems, confirmable=True)
    except Invalid as exc:
        return _again(request, session, who, target, sent_back, 422, [p.message for p in exc.problems] or [str(exc)])
    except DomainError as error:
        session.rollback()
        return refusal(request, who, error, error.text(request_lang(request)))
    new_id = int(getattr(outcome.row, "id"))  # noqa: B009 -- a fact row (Base has no id of its own)
    return RedirectResponse(f"/my-entries/{kind}/{new_id}?saved={outcome.action}", status_code=303)


def _again(
    request: Request,
    session: Session,
    who: Principal,
    target: tuple[str, int],
    sent: dict[str, str],
    status: int,
    errors: list[str],
    confirmable: bool = False,
) -> Response:
    """The row page again with the sent values and why they were not saved."""
    session.rollback()
    shown = {
        "sent": sent,
        "status": status,
        "errors": errors,
        "confirmable": confirmable,
        "reason": sent.get("reason", ""),
    }
    return _row_page(request, session, who, target, **shown)


@router.post("/my-entries/{kind}/{row_id}")
async def my_entry_post(request: Request, kind: str, row_id: RowId, ctx: CtxDep) -> Response:
    """修改 or 删除 (``action``) one row with a reason.  ``async`` only to read the bounded form."""
    async with request.form(max_files=0, max_fields=40, max_part_size=64 * 1024) as form:
        fields = {k: str(v)[:4000] for k, v in form.items() if isinstance(v, str)}
    try:
        return await run_in_threadpool(_save, request, ctx, (kind, row_id), fields)
    except DBAPIError as exc:  # two writers at once: a conflict to try again, never a 500
        if not is_busy(exc):
            raise
        return await run_in_threadpool(_busy, request, ctx)


def _busy(request: Request, ctx: ApiContext) -> Response:
    with ctx.factory() as session:
        who = session_account(request, session) or ANONYMOUS
        return error_page(request, who, 409, "无法完成", own_entries.STALE)
