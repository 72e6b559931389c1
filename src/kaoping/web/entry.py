"""数据录入: the page where departments, inspectors, third parties and the office enter facts.

Two ways in, both through paths that already exist, so the web adds no second set of rules:

* single-row forms post JSON to the fact API (``POST /api/scores`` ...) from the browser, and show the
  API's own errors next to the fields they name;
* an Excel workbook or CSV file is imported by ``kaoping import``'s importer (:mod:`entry_upload`), after
  the account's rights are checked on every row; errors come back as a table of file, row and column.

The upload works as a plain form post (no JavaScript needed) and through htmx (only the result is
swapped in).  A plain form post carries no CSRF header, and the page dependency would then quietly treat
the caller as anonymous, so the upload resolves the account itself and checks the token from the form.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from kaoping.api.auth import ANONYMOUS, Principal, csrf_token
from kaoping.api.context import ApiContext, CtxDep, SessionDep
from kaoping.app import facts
from kaoping.app.policy import Perm, allowed, holders
from kaoping.engine.owed import OwedStatus
from kaoping.errors import Forbidden
from kaoping.io.templates import TemplateLists, write_template
from kaoping.scheme.model import ScoreBonus, Source
from kaoping.store.facts import TABLES
from kaoping.web.app import PageRefused, download, error_page, form_token_ok, render, require_page, session_account
from kaoping.web.entry_forms import (
    KIND_NAMES,
    LABELS,
    RECENT_COLUMNS,
    build_forms,
    may_name_part,
    unit_options,
    upload_kinds,
    writable_kinds,
)
from kaoping.web.entry_photo import router as photo_router
from kaoping.web.entry_upload import MAX_BYTES, UPLOAD_PATH, Outcome, display_name, run_import
from kaoping.web.owed_pages import owed_reminder
from kaoping.web.scheme_text import num

router = APIRouter(include_in_schema=False)
router.include_router(photo_router)  # a deduction entered with its photo (multipart), web/entry_photo.py
ENTRY_ONLY = f"数据录入仅限{holders(Perm.ENTRY)}使用。"
Writer = Annotated[Principal, require_page(Perm.ENTRY)]
"""Who may open 数据录入: the roles that write some kind of fact (``Perm.ENTRY`` of the policy table)."""

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_LIMIT = 20
IMPORT_STATUS = {"imported": "已导入", "already imported": "此前已导入，跳过", "absent": "无此表"}
_FORM_SLACK = 256 * 1024
"""Room for the multipart framing and the other fields on top of the file's :data:`MAX_BYTES`."""


HELPERS: dict[str, Any] = {
    "kind_names": KIND_NAMES,
    "columns": RECENT_COLUMNS,
    "hints": LABELS,
    "import_status": IMPORT_STATUS,
}
"""What every entry template uses: the kinds' and columns' Chinese names, the import statuses."""


def _cell(value: Any) -> str:
    """A stored value as the table shows it: numbers without trailing zeros, times to the minute."""
    if value is None:
        return ""
    if isinstance(value, float | Decimal):
        return num(value)
    if hasattr(value, "isoformat"):
        text = str(value.isoformat())
        return text.replace("T", " ")[:16] if "T" in text else text
    return str(value)


def recent_rows(session: Session, who: Principal, kind: str) -> list[dict[str, str]]:
    """The newest rows this account inserted or updated (by the audit trail, as ``GET /api/<kind>``)."""
    table: Any = TABLES[kind]
    stmt = facts.query_rows(kind, unit_id=None, period=None, written_by=who.actor, limit=RECENT_LIMIT, offset=0)
    stmt = stmt.order_by(None).order_by(table.id.desc())
    return [{"id": str(r.id)} | {c: _cell(getattr(r, c)) for c in RECENT_COLUMNS[kind]} for r in session.scalars(stmt)]


def _page(
    request: Request,
    session: Session,
    ctx: ApiContext,
    who: Principal,
    outcome: Outcome | None = None,
) -> Response:
    if outcome is not None and request.headers.get("HX-Request") == "true":
        return render(request, "entry_upload_result.html", who, status_code=outcome.status, outcome=outcome, **HELPERS)
    forms = build_forms(who, ctx, session)
    return render(
        request,
        "entry.html",
        who,
        status_code=outcome.status if outcome is not None else 200,
        forms=forms,
        kinds=writable_kinds(who.role),
        upload_kinds=upload_kinds(who.role),
        recent={f.kind: recent_rows(session, who, f.kind) for f in forms},
        schemes=[(name, office.scheme.title) for name, office in ctx.schemes.items()],
        csrf=csrf_token(request),
        outcome=outcome,
        max_mb=MAX_BYTES // (1024 * 1024),
        owed=owed_reminder(session, ctx, who),
        statuses_owed=OwedStatus,
        **HELPERS,
    )


@router.get("/entry")
def entry_page(request: Request, session: SessionDep, ctx: CtxDep, who: Writer) -> Response:
    """The forms and the upload for the kinds this account may write, and what it entered lately."""
    return _page(request, session, ctx, who)


@router.get("/entry/recent/{kind}")
def entry_recent(request: Request, kind: str, session: SessionDep, who: Writer) -> Response:
    """The "recently entered" table of one kind, re-read by the page after a form saved a row."""
    if kind not in writable_kinds(who.role):
        return error_page(request, who, 404, "未找到", f"本账号不能录入 {kind}。")
    rows = recent_rows(session, who, kind)
    return render(request, "entry_recent.html", who, kind=kind, rows=rows, **HELPERS)


def template_lists(who: Principal, ctx: ApiContext, units: list[str]) -> TemplateLists:
    """The template's drop-downs: the store's units, the schemes' groups, the parts this account may name."""
    canonical = facts.canonical_names(ctx)
    scores: list[str] = []
    deductions: list[str] = []
    groups: list[str] = []
    for office in ctx.schemes.values():
        scheme = office.scheme
        groups += [g.name for g in scheme.groups]
        bonus = [r.name for r in scheme.bonus.rules if isinstance(r, ScoreBonus)]
        scores += [p.name for p in scheme.leaves() if p.source == Source.SCORES] + bonus
        deductions += [p.name for p in scheme.leaves() if p.source == Source.DEDUCTIONS]
    parts = {
        "scores": [p for p in dict.fromkeys(scores) if may_name_part(who, p, canonical)],
        "deductions": [p for p in dict.fromkeys(deductions) if may_name_part(who, p, canonical)],
    }
    return TemplateLists(units=units, groups=list(dict.fromkeys(groups)), parts=parts)


@router.get("/entry/template.xlsx")
def entry_template(request: Request, session: SessionDep, ctx: CtxDep, who: Writer) -> Response:
    """The Excel template of ``kaoping template``, with this store's units and this account's parts."""
    units = [unit_id for unit_id, _ in unit_options(session)]
    lists = template_lists(who, ctx, units)
    with tempfile.TemporaryDirectory(prefix="kaoping-template-") as folder:
        out = Path(folder) / "template.xlsx"
        write_template(out, lists)
        content = out.read_bytes()
    return download(content, "考评数据录入模板.xlsx", XLSX)


# --- upload ------------------------------------------------------------------------------------------


def _uploader(request: Request, ctx: ApiContext) -> Principal | Response:
    """Who posts an upload, if their role may enter data: decided from the session before the body is read,
    so an account without the role is refused without its file being parsed or spooled to disk."""
    with ctx.factory() as session:
        who = session_account(request, session)
    if who is None:
        return RedirectResponse(f"/login?next={quote('/entry')}", status_code=303)
    if not allowed(who.role, Perm.ENTRY):
        raise PageRefused(who, Forbidden("may not enter data", signed_in=True), ENTRY_ONLY)
    return who


def _upload(
    request: Request,
    ctx: ApiContext,
    who: Principal,
    form: tuple[str, UploadFile | None, str],
    confirm: tuple[bool, str],
) -> Response:
    """The blocking part of an upload (database, workbook reading), run in the thread pool.  ``form``: the
    CSRF token, the file and the chosen kind; ``confirm``: the 我已核实 checkbox and the reason; a ticked
    box without a reason is asked for one, nothing imported."""
    token, upload, kind = form
    if not form_token_ok(request, token):
        message = "表单已过期或缺少安全令牌（CSRF），请刷新页面后重新上传。"
        return error_page(request, who, 403, "无法上传", message)
    with ctx.factory() as session:
        filename = display_name(upload.filename if upload is not None else "")
        confirmed, reason = confirm
        if upload is None or not filename:
            outcome = Outcome(filename, status=422, message="请选择要上传的 Excel 或 CSV 文件。")
        elif confirmed and not reason:
            outcome = Outcome(filename, status=422, message="勾选“我已核实，确认提交”时须填写原因。")
        else:
            outcome = run_import(ctx, who, upload.file, filename, kind, reason if confirmed else None)
        return _page(request, session, ctx, who, outcome)


def _too_large(request: Request, ctx: ApiContext) -> Response:
    with ctx.factory() as session:
        who = session_account(request, session) or ANONYMOUS
        message = f"文件超过 {MAX_BYTES // (1024 * 1024)} MB，请拆分后分批上传。"
        return error_page(request, who, 413, "文件过大", message)


@router.post(UPLOAD_PATH)
async def entry_upload(request: Request, ctx: CtxDep) -> Response:
    """Import an uploaded .xlsx or .csv like ``kaoping import``: all or nothing, errors shown by row.

    ``async`` only to read the body under a size limit, and only once the account's role may enter data
    (:func:`_uploader`); the work itself runs in the thread pool like every other page.
    """
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BYTES + _FORM_SLACK:
        return await run_in_threadpool(_too_large, request, ctx)
    who = await run_in_threadpool(_uploader, request, ctx)
    if isinstance(who, Response):
        return who
    async with request.form(max_files=1, max_fields=10) as form:
        file = form.get("file")
        upload = file if isinstance(file, UploadFile) else None
        fields = (str(form.get("csrf") or ""), upload, str(form.get("kind") or ""))
        confirm = (bool(form.get("confirm")), str(form.get("reason") or "").strip()[:2000])
        return await run_in_threadpool(_upload, request, ctx, who, fields, confirm)
