"""满意度问卷 pages: the public answer form (no sign-in, phone first), the office's page (results of a period
with n and the margin, each unit's answer sheets, 电话回访 entry, import, 汇总计分), and the published rows as JSON.

Every write goes through :mod:`kaoping.app.surveys`.  Form posts are bounded before they are read (fields,
bytes) and carry the session's CSRF token, as the account form does; the public form is also bounded per
client address per hour by the use case.  The published JSON reads the frozen facts of the published version
(the score rows the tally wrote, with n and the margin in their notes), never the live answers.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from kaoping.api.auth import Principal, client_address, csrf_token
from kaoping.api.context import ApiContext, CtxDep, SessionDep
from kaoping.app import frozen
from kaoping.app.errors import Conflict, Denied, Invalid, NotFound
from kaoping.app.policy import ANONYMOUS, Perm, allowed
from kaoping.app.surveys import (
    Channel,
    Sheet,
    enter_answer,
    import_answers,
    questionnaire,
    submit_public,
    survey_results,
    tally_period,
)
from kaoping.engine.survey import read_note
from kaoping.errors import InputErrors
from kaoping.periods import PeriodError, parse_period, period_of
from kaoping.scheme.survey import Questionnaire
from kaoping.store.tables import Unit
from kaoping.web.app import ViewerDep, error_page, form_token_ok, render, require_page, session_account

router = APIRouter(include_in_schema=False)
Enterer = Annotated[Principal, require_page(Perm.SURVEYS_ENTER)]
FIELD_MAX = 200
MAX_UPLOAD = 2 << 20
STALE = "表单已过期或缺少安全令牌（CSRF），请刷新页面后重试。"


def _units(session: Session, ctx: ApiContext, q: Questionnaire) -> list[tuple[str, str]]:
    groups = [g.name for g in ctx.schemes[q.scheme].scheme.groups]
    stmt = select(Unit.unit_id, Unit.name).where(Unit.group.in_(groups)).order_by(Unit.unit_id)
    return [(u, n) for u, n in session.execute(stmt)]


def _questionnaire_or_page(request: Request, who: Principal, ctx: ApiContext, name: str) -> Questionnaire | Response:
    """The questionnaire a page's address names, or the page saying there is none (the two pages that show
    one to a person; the posts answer a missing one as the use case refuses it)."""
    try:
        return questionnaire(ctx, name[:100])
    except NotFound:
        return error_page(request, who, 404, "未找到问卷", f"没有问卷 {name[:100]}。")


def _form_page(
    request: Request, who: Principal, q: Questionnaire, units: list[tuple[str, str]], **extra: Any
) -> Response:
    status = extra.pop("status_code", 200)
    chosen = request.query_params.get("unit", "")[:100]
    context = {"q": q, "units": units, "csrf": csrf_token(request), "chosen": chosen, "field_max": FIELD_MAX}
    return render(request, "survey_form.html", who, status_code=status, **context, **extra)


@router.get("/survey/{name}")
def survey_form(request: Request, name: str, session: SessionDep, ctx: CtxDep, who: ViewerDep) -> Response:
    """The public questionnaire: the unit, every question with the scale, the phone number (hashed only)."""
    q = _questionnaire_or_page(request, who, ctx, name)
    if isinstance(q, Response):
        return q
    return _form_page(request, who, q, _units(session, ctx, q))


async def _fields(request: Request, names: tuple[str, ...]) -> dict[str, str]:
    async with request.form(max_files=0, max_fields=len(names) + 2, max_part_size=4 * FIELD_MAX) as form:
        return {n: str(form.get(n) or "")[:FIELD_MAX] for n in names}


def _answer(request: Request, ctx: ApiContext, q: Questionnaire, fields: dict[str, str]) -> Response:
    with ctx.factory() as session:
        who = session_account(request, session) or ANONYMOUS
        units = _units(session, ctx, q)
        if not form_token_ok(request, fields["csrf"]):
            return error_page(request, who, 403, "无法提交问卷", STALE)
        sheet = Sheet(fields["unit"], {x.id: fields[x.id] for x in q.questions}, fields["phone"], Channel.PUBLIC)
        try:
            submit_public(ctx, session, who, q, sheet, client_address(request.scope, ctx.settings))
        except (Invalid, Conflict) as exc:
            code = 409 if isinstance(exc, Conflict) else 422
            return _form_page(request, who, q, units, status_code=code, error=str(exc), given=fields)
        return render(request, "survey_thanks.html", who, q=q)


@router.post("/survey/{name}")
async def survey_submit(request: Request, name: str, ctx: CtxDep) -> Response:
    """One answer sheet from the public: stored (phone as a salted hash), or the form again saying why not."""
    try:
        q = questionnaire(ctx, name[:100])
    except NotFound:
        return JSONResponse({"detail": "没有这个问卷"}, status_code=404)
    fields = await _fields(request, ("csrf", "unit", "phone", *(x.id for x in q.questions)))
    return await run_in_threadpool(_answer, request, ctx, q, fields)


def _period(request: Request, ctx: ApiContext, q: Questionnaire) -> str:
    text = request.query_params.get("period", "")[:20]
    try:
        return str(parse_period(text)) if text else str(period_of(ctx.settings.clock().date(), q.period))
    except PeriodError:
        return str(period_of(ctx.settings.clock().date(), q.period))


@router.get("/surveys/{name}")
def survey_office(request: Request, name: str, session: SessionDep, ctx: CtxDep, who: Enterer) -> Response:
    """问卷录入与结果: a period's results per unit (score, n, margin, flag, the sheets), entry, import, tally."""
    q = _questionnaire_or_page(request, who, ctx, name)
    if isinstance(q, Response):
        return q
    period = _period(request, ctx, q)
    names = dict(_units(session, ctx, q))
    return render(
        request, "survey_office.html", who, q=q, period=period, results=survey_results(ctx, session, q, period),
        names=names, csrf=csrf_token(request), may_tally=allowed(who.role, Perm.SURVEYS_TALLY),
        message=request.query_params.get("done", "")[:100], field_max=FIELD_MAX,
    )  # fmt: skip


def _office_post(request: Request, ctx: ApiContext, name: str, fields: dict[str, str], action: str) -> Response:
    with ctx.factory() as session:
        who = session_account(request, session)
        if who is None:
            return RedirectResponse(f"/login?next=/surveys/{name}", status_code=303)
        if not form_token_ok(request, fields["csrf"]):
            return error_page(request, who, 403, "无法保存", STALE)
        try:
            q = questionnaire(ctx, name)
            period = str(parse_period(fields.get("period") or _period(request, ctx, q)))
            if action == "tally":
                tally_period(ctx, session, who, q, period)
                done = "已汇总计分"
            else:
                sheet = Sheet(fields["unit"], {x.id: fields.get(x.id, "") for x in q.questions}, fields["phone"],
                              Channel.PHONE, period)  # fmt: skip
                enter_answer(ctx, session, who, q, sheet)
                done = "已录入一份答卷"
        except (Invalid, Conflict, NotFound, PeriodError) as exc:
            return error_page(request, who, 409 if isinstance(exc, Conflict) else 422, "无法保存", str(exc))
        except Denied as exc:
            return error_page(request, who, 403, "无权操作", str(exc))
        return RedirectResponse(f"/surveys/{name}?period={period}&done={done}", status_code=303)


@router.post("/surveys/{name}/phone")
async def survey_phone(request: Request, name: str, ctx: CtxDep) -> Response:
    """电话回访: one answer sheet entered by the office (or the survey company) for the period shown."""
    q = questionnaire(ctx, name[:100])
    fields = await _fields(request, ("csrf", "period", "unit", "phone", *(x.id for x in q.questions)))
    return await run_in_threadpool(_office_post, request, ctx, q.survey, fields, "phone")


@router.post("/surveys/{name}/tally")
async def survey_tally(request: Request, name: str, ctx: CtxDep) -> Response:
    """汇总计分: the period's score rows from the stored answers (the office)."""
    fields = await _fields(request, ("csrf", "period"))
    return await run_in_threadpool(_office_post, request, ctx, name[:100], fields, "tally")


def _import(request: Request, ctx: ApiContext, name: str, token: str, upload: tuple[str, bytes]) -> Response:
    with ctx.factory() as session:
        who = session_account(request, session)
        if who is None or not form_token_ok(request, token):
            return error_page(request, who or ANONYMOUS, 403, "无法导入", STALE)
        filename, content = upload
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / ("answers.xlsx" if filename.lower().endswith(".xlsx") else "answers.csv")
            path.write_bytes(content)
            try:
                count = import_answers(ctx, session, who, questionnaire(ctx, name), path)
            except InputErrors as exc:
                return error_page(request, who, 422, "导入失败", exc.describe())
            except (Invalid, Conflict) as exc:
                return error_page(request, who, 409, "导入失败", str(exc))
            except Denied as exc:
                return error_page(request, who, 403, "无权操作", str(exc))
        return RedirectResponse(f"/surveys/{name}?done=已导入 {count} 份答卷", status_code=303)


@router.post("/surveys/{name}/import")
async def survey_import(request: Request, name: str, ctx: CtxDep) -> Response:
    """导入答卷 (CSV or .xlsx, at most 2 MB): all rows or none, errors by row and column."""
    async with request.form(max_files=1, max_fields=2, max_part_size=MAX_UPLOAD) as form:
        upload, token = form.get("file"), str(form.get("csrf") or "")[:FIELD_MAX]
        content = await upload.read(MAX_UPLOAD + 1) if isinstance(upload, UploadFile) else b""
        filename = (upload.filename or "") if isinstance(upload, UploadFile) else ""
    if len(content) > MAX_UPLOAD:
        return JSONResponse({"detail": "文件过大（至多 2 MB）"}, status_code=413)
    return await run_in_threadpool(_import, request, ctx, name[:100], token, (filename[:200], content))


@router.get("/public/{scheme}/{period}/surveys.json")
def published_surveys(scheme: str, period: str, session: SessionDep) -> Response:
    """The published version's survey-made score rows, with n, the margin and the flag read from their notes."""
    try:
        text = str(parse_period(period[:20]))
    except PeriodError:
        return JSONResponse({"detail": "不是考评期"}, status_code=404)
    kept = frozen.published_frozen(session, scheme[:100], text)
    if kept is None:
        return JSONResponse({"detail": "该期尚未发布"}, status_code=404)
    rows = [r for r in kept.facts.scores.drop("_row").rows(named=True) if str(r["source"]).startswith("问卷:")]
    out = [{**r, **read_note(str(r["note"]))} for r in rows if r["period"] == text]
    return JSONResponse({"scheme": scheme, "period": text, "surveys": out})
