"""照片核验 page of the office (/evidence/flags): every photo the integrity checks flagged — the same picture
for two units, rows or months; an EXIF time far from the deduction's — with links to the photos (the
originals, EXIF and all, as the office is shown them) and to the rows, and a button marking a flag reviewed.
The checks and the review are :mod:`kaoping.app.evidence_integrity`'s; nothing here deletes anything."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from kaoping.api.auth import Principal, csrf_token
from kaoping.api.context import CtxDep, SessionDep
from kaoping.api.models import RowId
from kaoping.app.errors import DomainError
from kaoping.app.evidence_integrity import list_flags, review_flag
from kaoping.app.policy import Perm
from kaoping.store.tables import Evidence
from kaoping.web.app import error_page, form_token_ok, refusal, render, require_page, session_account

router = APIRouter(include_in_schema=False)
Office = Annotated[Principal, require_page(Perm.EVIDENCE_FLAGS)]
PAGE = "/evidence/flags"


def row_link(photo: Evidence) -> str | None:
    """The page of the row a photo is evidence for: a deduction's page, else the unit's."""
    kind, _, key = photo.target.partition(":")
    if kind == "deductions" and key.isdigit():
        return f"/units/{quote(photo.unit_id)}/deductions/{key}"
    return f"/units/{quote(photo.unit_id)}"


@router.get(PAGE)
def flags_page(request: Request, session: SessionDep, who: Office, saved: str = "") -> Response:
    """The flags, the ones not yet reviewed first."""
    views = list_flags(session)
    waiting = sum(1 for v in views if v.flag.reviewed_at is None)
    return render(
        request, "evidence_flags.html", who, views=views, waiting=waiting, row_link=row_link,
        csrf=csrf_token(request), saved=saved[:20],
    )  # fmt: skip


@router.post(PAGE + "/{flag_id}/review")
async def review_post(request: Request, flag_id: RowId, ctx: CtxDep) -> Response:
    """Mark one flag reviewed (audited; the use case checks the role) and go back to the list.  A plain form
    post: the account comes from the session cookie and the form's CSRF token is checked."""
    async with request.form(max_files=0, max_fields=4, max_part_size=1024) as form:
        token = str(form.get("csrf", ""))
    with ctx.factory() as session:
        who = session_account(request, session)
        if who is None:
            return RedirectResponse(f"/login?next={quote(PAGE)}", status_code=303)
        if not form_token_ok(request, token):
            return error_page(request, who, 403, "无法保存", "表单已过期或缺少安全令牌（CSRF），请刷新页面后重试。")
        try:
            review_flag(session, who, flag_id, ctx.settings.clock())
        except DomainError as error:
            session.rollback()
            return refusal(request, who, error, str(error))
    return RedirectResponse(f"{PAGE}?saved={flag_id}", status_code=303)
