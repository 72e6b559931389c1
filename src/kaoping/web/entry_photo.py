"""录入扣分 with a photo: the deduction form of 数据录入 posted as a multipart form with the camera's picture.

Without a photo the form posts JSON to ``POST /api/deductions`` as every single-row form does; with one,
``entry.js`` posts the same fields and the file here, and the row and its photo are written together by
:func:`kaoping.app.deduction_photo.write_deduction_with_photo` — both or neither.  The answers are the
API's (JSON, errors naming the field, 409 for warnings to confirm), so the form shows them the same way.

The account is resolved from the session and its role checked *before* the body is read, as the file
upload of the entry page does: a caller without the right is refused without its photo being parsed or
spooled.  The fields are validated by the API's own model of a deduction, so the form takes no row the
JSON API would refuse, and the photo is read at most one byte past :data:`~kaoping.io.images.MAX_BYTES`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from kaoping.api.auth import Principal
from kaoping.api.context import ApiContext, CtxDep
from kaoping.api.models import FACT_MODELS
from kaoping.app.deduction_photo import KIND, PHOTO_FIELD, Photo, write_deduction_with_photo
from kaoping.app.policy import Perm, allowed
from kaoping.errors import Forbidden
from kaoping.io.images import MAX_BYTES
from kaoping.web.app import form_token_ok, session_account

router = APIRouter(include_in_schema=False)
PHOTO_PATH = "/entry/deductions/photo"
_FORM_SLACK = 64 * 1024
"""Room for the multipart framing and the row's fields on top of the photo's :data:`MAX_BYTES`."""
_FIELD_MAX = 4096
"""No field of a deduction is longer (the reason: 2 000 characters); a larger part is refused unread."""
TOO_LARGE = f"图片超过 {MAX_BYTES // (1024 * 1024)} MB（larger than {MAX_BYTES // (1024 * 1024)} MB）"


def _refusal(status: int, detail: str, column: str | None = None) -> JSONResponse:
    """An answer in the API's shape (``detail`` and ``errors``), the error on ``column`` when one is named."""
    errors = [{"scheme": None, "file": "request body", "row": None, "column": column, "message": detail}]
    return JSONResponse({"detail": detail, "errors": errors if column else []}, status_code=status)


def _writer(request: Request, ctx: ApiContext) -> Principal | Response:
    """The account posting, if its role may write deductions — decided before the body is read."""
    with ctx.factory() as session:
        who = session_account(request, session)
    if who is None:
        return _refusal(401, "请先登录（sign in first）")
    if not allowed(who.role, Perm.DEDUCTIONS_WRITE):
        raise Forbidden("may not enter deductions", signed_in=True)
    return who


def _values(form: FormData) -> tuple[dict[str, Any], bool, str]:
    """The row's fields checked by the API's model of a deduction (its errors as the API answers them):
    the values to write, whether warnings are confirmed, and the reason.  Empty fields are left out, as
    the JSON form leaves them out (the API's default, like an empty cell)."""
    sent = {k: v for k, v in form.items() if isinstance(v, str) and v.strip() and k not in (PHOTO_FIELD, "csrf")}
    try:
        body = FACT_MODELS[KIND].body.model_validate(sent)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from exc
    return body.model_dump(exclude={"reason", "confirm"}), body.confirm, body.reason


def _write(ctx: ApiContext, who: Principal, row: tuple[dict[str, Any], bool, str], photo: Photo) -> dict[str, Any]:
    """The blocking part (decoding, database), in the thread pool: the API's answer to a written row,
    with the id of the stored photo."""
    values, confirm, reason = row
    session: Session
    with ctx.factory() as session:
        entered = write_deduction_with_photo(ctx, session, who, values, photo, reason=reason, confirm=confirm)
        written = FACT_MODELS[KIND].row.model_validate(entered.outcome.row, from_attributes=True)
        return {
            "action": entered.outcome.action,
            "row": written.model_dump(mode="json"),
            "evidence_id": entered.evidence.id,
        }


@router.post(PHOTO_PATH)
async def deduction_with_photo(request: Request, ctx: CtxDep) -> Response:
    """Enter one deduction with its photo (multipart: the deduction's fields, ``photo``, ``reason``,
    ``confirm``); the CSRF token in the header ``kpFetch`` sends, or a ``csrf`` field."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BYTES + _FORM_SLACK:
        return _refusal(413, TOO_LARGE, PHOTO_FIELD)
    who = await run_in_threadpool(_writer, request, ctx)
    if isinstance(who, Response):
        return who
    async with request.form(max_files=1, max_fields=20, max_part_size=_FIELD_MAX) as form:
        if not form_token_ok(request, str(form.get("csrf") or "")):
            return _refusal(403, "表单已过期或缺少安全令牌（CSRF），请刷新页面后重试。")
        file = form.get(PHOTO_FIELD)
        if not isinstance(file, UploadFile) or not file.filename:
            return _refusal(422, "请选择照片（attach the photo）", PHOTO_FIELD)
        photo = Photo(file.filename, await file.read(MAX_BYTES + 1))
        row = _values(form)
    return JSONResponse(await run_in_threadpool(_write, ctx, who, row, photo))
