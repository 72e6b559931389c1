"""试算 on the scheme page, for 考评办: paste or upload a draft revision of a scheme the office runs, pick a
period, and see who would move, by how much, and which rule moved them.

Admin only, decided by the one policy table (``Perm.WHATIF``): the GET declares it as every page does, the
form post resolves the account from its session and asks the same table (a plain form post: the CSRF token
comes from the form, as on the password page).  Nothing is written — the use case
(:func:`kaoping.app.whatif.whatif_period`) ranks the period's kept facts under both schemes and compares.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from kaoping.api.auth import Principal, csrf_token
from kaoping.api.context import ApiContext, CtxDep
from kaoping.app.period_states import period_standings
from kaoping.app.policy import Perm, allowed, forbidden, holders
from kaoping.app.whatif import MAX_DRAFT_CHARS, whatif_period
from kaoping.engine.evaluate import UnsupportedPeriod
from kaoping.engine.scheme_diff import AREA_NAMES, AREA_NAMES_EN
from kaoping.errors import InputErrors
from kaoping.output.whatif_doc import reason_text
from kaoping.periods import PeriodError
from kaoping.scheme import SchemeError
from kaoping.web.app import error_page, form_token_ok, refusal, render, require_page, session_account, sign_in
from kaoping.web.scheme_text import scheme_yaml

router = APIRouter(include_in_schema=False)
Office = Annotated[Principal, require_page(Perm.WHATIF)]
PERIOD_MAX = 20


def _periods(session: Any, name: str) -> list[str]:
    """The periods with a computed version, newest first: the past periods a draft is tried on."""
    return sorted(period_standings(session, name), reverse=True)


def _form(
    request: Request, who: Principal, ctx: ApiContext, name: str, fields: dict[str, str], **extra: Any
) -> Response:
    """The page: the form (keeping what was sent), and below it an error or the movers."""
    with ctx.factory() as session:
        periods = _periods(session, name)
    context = {
        "scheme_name": name,
        "title": ctx.schemes[name].scheme.title,
        "csrf": csrf_token(request),
        "periods": periods,
        "draft": fields.get("draft", ""),
        "period": fields.get("period") or (periods[0] if periods else ""),
        "draft_max": MAX_DRAFT_CHARS,
        "area_names": AREA_NAMES,
        "area_names_en": AREA_NAMES_EN,
        "reason_text": reason_text,
        "result": None,
        "error": "",
        **extra,
    }
    status = 422 if context["error"] else 200
    return render(request, "scheme_whatif.html", who, status_code=status, **context)


@router.get("/schemes/{name}/whatif")
def whatif_page(request: Request, name: str, ctx: CtxDep, who: Office) -> Response:
    """The form: the draft (the scheme's own text to edit), or a file, and the period."""
    office = ctx.schemes.get(name)
    if office is None:
        return error_page(request, who, 404, "未找到考评方案", f"本系统未执行考评方案 {name}，无法试算。")
    return _form(request, who, ctx, name, {"draft": scheme_yaml(office.source) or ""})


async def _fields(request: Request) -> dict[str, str]:
    """The form's fields, bounded: an uploaded file wins over the pasted text."""
    async with request.form(max_files=1, max_fields=5, max_part_size=4 * MAX_DRAFT_CHARS) as form:
        fields = {k: str(form.get(k) or "")[: MAX_DRAFT_CHARS + 1] for k in ("csrf", "draft", "period")}
        upload = form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            raw = await upload.read(4 * MAX_DRAFT_CHARS + 1)
            fields["draft"] = raw.decode("utf-8", errors="replace")[: MAX_DRAFT_CHARS + 1]
    fields["period"] = fields["period"][:PERIOD_MAX].strip()
    return fields


@router.post("/schemes/{name}/whatif")
async def whatif_post(request: Request, name: str, ctx: CtxDep) -> Response:
    """The movers of the chosen period under the draft, below the form (which keeps the draft)."""
    fields = await _fields(request)
    return await run_in_threadpool(_run, request, ctx, name, fields)


def _run(request: Request, ctx: ApiContext, name: str, fields: dict[str, str]) -> Response:
    """The blocking part (two evaluations), in the thread pool."""
    with ctx.factory() as session:
        who = session_account(request, session)
        if who is None:
            return sign_in(request)
        if not allowed(who.role, Perm.WHATIF):
            return refusal(request, who, forbidden(who, "run a what-if"), f"此页面仅限{holders(Perm.WHATIF)}使用。")
        if not form_token_ok(request, fields["csrf"]):
            message = "表单已过期或缺少安全令牌（CSRF），请刷新页面后重试。"
            return error_page(request, who, 403, "无法试算", message)
        office = ctx.schemes.get(name)
        if office is None:
            return error_page(request, who, 404, "未找到考评方案", f"本系统未执行考评方案 {name}，无法试算。")
        try:
            used, result = whatif_period(session, office.scheme, fields["draft"], fields["period"])
        except SchemeError as exc:
            return _form(
                request, who, ctx, name, fields, error="草案有误：\n" + "\n".join(exc.describe().splitlines()[1:])
            )
        except (PeriodError, UnsupportedPeriod, InputErrors) as exc:
            return _form(request, who, ctx, name, fields, error=f"无法按草案计算 {fields['period']}：{exc}")
    return _form(request, who, ctx, name, fields, result=result, used=used)
