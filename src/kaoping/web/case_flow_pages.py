"""数字城管 case pages (issue #17), each role its own work list: the 受理员's 待立案 queue (and the form that takes
a report or a 12345 transfer in), the 派遣 screen with the 处置手册's suggestion, the unit's 案卷待办 with the
feedback form and photos, the 监督员's 待核查 queue, and the office's 审批 of 延期/挂账/作废.

Every write is a use case of :mod:`kaoping.app.case_flow` / :mod:`kaoping.app.case_approvals` (policy-checked,
timed, audited); each form carries the status the page showed, so a case moved meanwhile is refused rather than
stepped twice.  The forms are plain posts checked against the session's CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from kaoping.api.auth import Principal, csrf_token
from kaoping.api.context import ApiContext, CtxDep, SessionDep
from kaoping.api.routes_evidence import MAX_BYTES
from kaoping.app import case_approvals as approvals
from kaoping.app import case_flow as flow
from kaoping.app import case_queues as queues
from kaoping.app.case_rules import CaseRules, office_rules
from kaoping.app.errors import DomainError, Invalid
from kaoping.app.policy import Perm
from kaoping.cases.lifecycle import Status
from kaoping.io.images import ImageRefused
from kaoping.store.tables import Unit
from kaoping.web.app import error_page, form_token_ok, refusal, render, require_page, session_account
from kaoping.web.i18n import request_lang

router = APIRouter(include_in_schema=False)
Acceptor = Annotated[Principal, require_page(Perm.CASE_INTAKE)]
Dispatcher = Annotated[Principal, require_page(Perm.CASE_DISPATCH)]
UnitTodo = Annotated[Principal, require_page(Perm.CASE_TODO)]
Supervisor = Annotated[Principal, require_page(Perm.CASE_VERIFY)]
Office = Annotated[Principal, require_page(Perm.CASE_APPROVE)]
ASK_NAMES = {a.value: a.label for a in approvals.Ask}


def _rules(ctx: ApiContext) -> CaseRules:
    return office_rules(o.scheme for o in ctx.schemes.values())


def _names(session: Session) -> dict[str, str]:
    return {unit_id: name for unit_id, name in session.execute(select(Unit.unit_id, Unit.name))}


def _page(request: Request, who: Principal, session: Session, template: str, **context: Any) -> Response:
    return render(
        request, template, who, names=_names(session), csrf=csrf_token(request),
        saved=request.query_params.get("saved", ""), **context,
    )  # fmt: skip


@router.get("/cases/intake")
def intake_page(request: Request, session: SessionDep, ctx: CtxDep, who: Acceptor) -> Response:
    """受理: the pending intakes of every channel with 立案 / 申请作废, and the form that takes a report in."""
    items = queues.intake_queue(session, who, ctx.settings.clock())
    return _page(request, who, session, "case_intake.html", items=items)


@router.get("/cases/dispatch")
def dispatch_page(request: Request, session: SessionDep, ctx: CtxDep, who: Dispatcher) -> Response:
    """派遣: registered cases, the handbook's unit chosen in advance; another unit needs a reason."""
    items = queues.dispatch_queue(session, who, _rules(ctx), ctx.settings.clock())
    return _page(request, who, session, "case_dispatch.html", items=items)


@router.get("/cases/todo")
def todo_page(request: Request, session: SessionDep, ctx: CtxDep, who: UnitTodo) -> Response:
    """案卷待办: the unit's dispatched cases (the office: every unit's), deadline first, with the feedback form."""
    unit = who.unit_id if who.role == "unit" else request.query_params.get("unit") or None
    items = queues.unit_todo(session, who, unit, ctx.settings.clock())
    upload = {"max_mb": MAX_BYTES // (1024 * 1024), "accept": "image/png,image/jpeg,image/webp"}
    return _page(request, who, session, "case_todo.html", items=items, photos_max=flow.PHOTOS_MAX, **upload)


@router.get("/cases/verify")
def verify_page(request: Request, session: SessionDep, ctx: CtxDep, who: Supervisor) -> Response:
    """核查: the cases fed back, each with 通过 (结案) / 不通过 (返工)."""
    items = queues.verify_queue(session, who, ctx.settings.clock())
    photos = queues.photos_of(session, [i.case_id for i in items])
    return _page(request, who, session, "case_verify.html", items=items, photos=photos)


@router.get("/cases/requests")
def requests_page(request: Request, session: SessionDep, who: Office) -> Response:
    """审批: 延期、挂账、作废 requests waiting for the office, and the cases on 挂账 it may resume (恢复处置)."""
    items, held = approvals.pending(session), approvals.suspended(session, who)
    return _page(request, who, session, "case_requests.html", items=items, suspended=held, asks=ASK_NAMES)


Step = Callable[[Session, Principal, dict[str, Any], datetime], object]


def _expected(form: dict[str, Any]) -> Status | None:
    text = str(form.get("expected", ""))
    return Status(text) if text in Status.__members__.values() else None


def _steps(ctx: ApiContext) -> dict[str, Step]:
    """The posted action → the use case it runs."""

    def feedback(s: Session, who: Principal, f: dict[str, Any], at: datetime) -> object:
        photos = [flow.Photo(name, data) for name, data in f.get("photos", [])]
        return flow.feedback(s, who, f["case_id"], f.get("note", ""), photos, at, expected=_expected(f))

    def ask(kind: approvals.Ask) -> Step:
        def run(s: Session, who: Principal, f: dict[str, Any], at: datetime) -> object:
            new_deadline = _moment(f.get("new_deadline", ""), "new_deadline")
            return approvals.ask(s, who, approvals.NewAsk(f["case_id"], kind, f.get("reason", ""), new_deadline), at)

        return run

    return {
        "intake": lambda s, who, f, at: flow.take_in(
            s, who,
            flow.NewIntake(f.get("unit_id", ""), f.get("kind", ""), f.get("category", ""), f.get("description", ""),
                           "12345" if f.get("channel") == "12345" else "web"),
            at,
        ),
        "register": lambda s, who, f, at: flow.register(s, who, f["case_id"], at, expected=_expected(f)),
        "invalidate": ask(approvals.Ask.INVALIDATE),
        "dispatch": lambda s, who, f, at: flow.dispatch(
            s, who, _rules(ctx), f["case_id"], f.get("unit_id", ""), at, reason=f.get("reason", ""),
            expected=_expected(f),
        ),
        "feedback": feedback,
        "postpone": ask(approvals.Ask.POSTPONE),
        "suspend": ask(approvals.Ask.SUSPEND),
        "verify": lambda s, who, f, at: flow.verify(
            s, who, f["case_id"], f.get("verdict") == "pass", at, note=f.get("note", ""), expected=_expected(f),
            second_check=_rules(ctx).second_check,
        ),
        "decide": lambda s, who, f, at: approvals.decide(
            s, who, _request_id(f.get("request_id", "")), f.get("verdict") == "approve", f.get("note", ""), at
        ),
        "resume": lambda s, who, f, at: approvals.resume(s, who, f["case_id"], at),
    }  # fmt: skip


def _moment(text: str, column: str) -> datetime | None:
    if not text.strip():
        return None
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise Invalid(f"{column}：时间格式应为 2025-02-12T17:00") from exc


def _request_id(text: str) -> int:
    if not text.isdigit() or len(text) > 12:
        raise Invalid("request_id：应为申请编号")
    return int(text)


def _post(request: Request, ctx: ApiContext, form: dict[str, Any], back: str, action: str) -> Response:
    """Account, token, then the use case; a refusal is the error page, success goes back to the list."""
    with ctx.factory() as session:
        who = session_account(request, session)
        if who is None:
            return RedirectResponse(f"/login?next={quote(back)}", status_code=303)
        if not form_token_ok(request, str(form.get("csrf", ""))):
            return error_page(request, who, 403, "无法保存", "表单已过期或缺少安全令牌（CSRF），请刷新页面后重试。")
        form["case_id"] = str(form.get("case_id", ""))[:100]
        try:
            _steps(ctx)[action](session, who, form, ctx.settings.clock())
        except ImageRefused as error:
            session.rollback()
            return error_page(request, who, 422, "照片无法保存", error.message)
        except DomainError as error:
            session.rollback()
            return refusal(request, who, error, error.text(request_lang(request)))
        return RedirectResponse(f"{back}?saved={quote(form['case_id'] or action)}", status_code=303)


async def _form(request: Request, photos: int = 0) -> dict[str, Any]:
    """The posted fields (bounded), and up to ``photos`` photo files as (name, bytes) under ``photos``."""
    async with request.form(max_files=photos, max_fields=20, max_part_size=16 * 1024) as form:
        fields: dict[str, Any] = {k: str(v)[:4000] for k, v in form.items() if isinstance(v, str)}
        files = [p for p in form.getlist("photo") if isinstance(p, UploadFile) and p.filename]
        fields["photos"] = [(p.filename or "photo", await p.read(MAX_BYTES + 1)) for p in files]
    return fields


def _route(path: str, back: str, action: str, photos: int = 0) -> None:
    async def post(request: Request, ctx: CtxDep) -> Response:
        form = await _form(request, photos)
        if any(len(data) > MAX_BYTES for _, data in form["photos"]):
            return Response("photo larger than 5 MB", status_code=413)
        return await run_in_threadpool(_post, request, ctx, form, back, action)

    post.__name__ = f"case_{action}_post"
    post.__doc__ = f"案卷 {action} (the use case decides who may)."
    router.post(path)(post)


for _path, _back, _action in (
    ("/cases/intake/new", "/cases/intake", "intake"),
    ("/cases/intake/register", "/cases/intake", "register"),
    ("/cases/intake/invalidate", "/cases/intake", "invalidate"),
    ("/cases/dispatch", "/cases/dispatch", "dispatch"),
    ("/cases/todo/postpone", "/cases/todo", "postpone"),
    ("/cases/todo/suspend", "/cases/todo", "suspend"),
    ("/cases/verify", "/cases/verify", "verify"),
    ("/cases/requests", "/cases/requests", "decide"),
    ("/cases/requests/resume", "/cases/requests", "resume"),
):
    _route(_path, _back, _action)
_route("/cases/todo/feedback", "/cases/todo", "feedback", photos=flow.PHOTOS_MAX)
