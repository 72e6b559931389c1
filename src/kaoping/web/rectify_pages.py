"""整改 pages (issue #17): a unit's open notices with their deadlines, its plan (目标、时限、措施) and photos; the
inspector's re-inspection list with 通过 / 不通过; the office's 转督办.  Every write is a use case of
:mod:`kaoping.app.rectify_flow` (audited, policy-checked); the photo upload is the evidence use case's, through
``POST /api/evidence`` as on the unit page.  The forms are plain posts checked against the session's CSRF token.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.api.auth import Principal, csrf_token
from kaoping.api.context import ApiContext, CtxDep, SessionDep
from kaoping.api.routes_evidence import MAX_BYTES
from kaoping.app import rectify_flow as flow
from kaoping.app.errors import DomainError, Invalid
from kaoping.app.policy import Perm, allowed
from kaoping.scheme import Scheme
from kaoping.store.tables import Unit
from kaoping.web.app import error_page, form_token_ok, refusal, render, require_page, session_account
from kaoping.web.i18n import request_lang

router = APIRouter(include_in_schema=False)
Planner = Annotated[Principal, require_page(Perm.RECTIFY_PLAN)]
Inspector = Annotated[Principal, require_page(Perm.RECTIFY_REINSPECT)]
UPLOAD: dict[str, Any] = {
    "max_bytes": MAX_BYTES,
    "max_mb": MAX_BYTES // (1024 * 1024),
    "accept": "image/png,image/jpeg,image/webp",
}
STATUS_NAMES = {
    flow.Status.OPEN.value: "整改中",
    flow.Status.PLANNED.value: "已报整改计划",
    flow.Status.PASSED.value: "复查通过",
}


def rectify_scheme(ctx: ApiContext) -> Scheme | None:
    return flow.deadline_scheme(o.scheme for o in ctx.schemes.values())


def items(ctx: ApiContext, session: Session, unit_id: str | None) -> list[flow.OpenItem]:
    schemes = [o.scheme for o in ctx.schemes.values()]
    return flow.office_items(session, schemes, ctx.settings.clock().date(), unit_id)


@router.get("/rectify")
def rectify_page(request: Request, session: SessionDep, ctx: CtxDep, who: Planner) -> Response:
    """整改: the unit's open notices (the office: every unit's) with deadline, plan form and photo upload."""
    unit = who.unit_id if who.role == "unit" else request.query_params.get("unit") or None
    shown = items(ctx, session, unit)
    names = {unit_id: name for unit_id, name in session.execute(select(Unit.unit_id, Unit.name))}
    return render(
        request, "rectify.html", who, items=shown, names=names, rectify_status=STATUS_NAMES, csrf=csrf_token(request),
        today=ctx.settings.clock().date(), saved=request.query_params.get("saved", ""), **UPLOAD,
    )  # fmt: skip


@router.get("/reinspect")
def reinspect_page(request: Request, session: SessionDep, ctx: CtxDep, who: Inspector) -> Response:
    """复查: every open notice with its plan, overdue first, each with 通过 / 不通过."""
    shown = items(ctx, session, None)
    names = {unit_id: name for unit_id, name in session.execute(select(Unit.unit_id, Unit.name))}
    return render(
        request, "reinspect.html", who, items=shown, names=names, rectify_status=STATUS_NAMES, csrf=csrf_token(request),
        today=ctx.settings.clock().date(), saved=request.query_params.get("saved", ""),
        may_supervise=allowed(who.role, Perm.RECTIFY_SUPERVISE),
    )  # fmt: skip


def _day(text: str, column: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise Invalid(f"{column}: 日期格式应为 2024-05-01") from exc


def _post(request: Request, ctx: ApiContext, form: dict[str, str], back: str, action: str) -> Response:
    """Account, token, then the use case; a refusal is the error page, success goes back to the list."""
    with ctx.factory() as session:
        who = session_account(request, session)
        if who is None:
            return RedirectResponse(f"/login?next={quote(back)}", status_code=303)
        if not form_token_ok(request, form.get("csrf", "")):
            return error_page(request, who, 403, "无法保存", "表单已过期或缺少安全令牌（CSRF），请刷新页面后重试。")
        now = ctx.settings.clock()
        try:
            first = _day(form.get("first_notified", ""), "first_notified") or now.date()
            problem, unit = form.get("problem_id", "")[:100], form.get("unit_id", "")[:100] or None
            if action == "plan":
                limit = _day(form.get("time_limit", ""), "time_limit")
                plan = flow.Plan(problem, first, form.get("target", ""), limit, form.get("measures", ""))
                flow.record_plan(session, who, unit, plan, now)
            elif action == "supervise":
                scheme = rectify_scheme(ctx)
                sent = flow.supervise_overdue(session, who, scheme, now.date()) if scheme else []
                return RedirectResponse(f"{back}?saved=supervised-{len(sent)}", status_code=303)
            else:
                on = _day(form.get("inspected_on", ""), "inspected_on") or now.date()
                verdict = flow.Outcome(
                    unit or "", problem, first, form.get("verdict") == "pass", on, form.get("note", "")
                )
                flow.reinspect(session, who, verdict, now)
        except DomainError as error:
            session.rollback()
            return refusal(request, who, error, error.text(request_lang(request)))
        return RedirectResponse(f"{back}?saved={quote(problem)}", status_code=303)


async def _form(request: Request) -> dict[str, str]:
    async with request.form(max_files=0, max_fields=20, max_part_size=16 * 1024) as form:
        return {k: str(v)[:4000] for k, v in form.items() if isinstance(v, str)}


@router.post("/rectify/plan")
async def plan_post(request: Request, ctx: CtxDep) -> Response:
    """记录整改计划 (a unit: its own notices only; the policy decides)."""
    return await run_in_threadpool(_post, request, ctx, await _form(request), "/rectify", "plan")


@router.post("/reinspect")
async def reinspect_post(request: Request, ctx: CtxDep) -> Response:
    """复查 通过 / 不通过 (``verdict``)."""
    return await run_in_threadpool(_post, request, ctx, await _form(request), "/reinspect", "reinspect")


@router.post("/rectify/supervise")
async def supervise_post(request: Request, ctx: CtxDep) -> Response:
    """转督办: every overdue open notice not yet under 督办 (the office)."""
    return await run_in_threadpool(_post, request, ctx, await _form(request), "/reinspect", "supervise")
