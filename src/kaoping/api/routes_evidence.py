"""整改材料 over HTTP: a unit uploads a rectification photo; the office, inspectors and the unit read them.

The upload's role is checked before its body is read: FastAPI parses a declared form body before it
resolves an endpoint's dependencies, so the endpoint declares no form parameters (the OpenAPI document
describes the form, ``UPLOAD_FORM``) and reads the form itself once ``require`` has let the caller through
— an account without the role gets its 403 and the server never parses, spools or decodes its file.

The file is proved to be an image by decoding it (:mod:`kaoping.io.images`), never by its name or declared
type: 415 when it is no image at all, 422 when it is one but may not be stored (too many pixels, broken,
data appended), 413 above 5 MB.  What a reader gets back depends on the role (:mod:`kaoping.app.evidence`):
the original for the office, a copy without EXIF for the others.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from kaoping.api.auth import Principal
from kaoping.api.context import CtxDep, SessionDep
from kaoping.api.errors import ApiProblem, InputProblem, unprocessable
from kaoping.api.models import RowId, problem
from kaoping.api.roles import Perm, require, scoped
from kaoping.api.schemas import EvidenceOut, FromRow, Stamp
from kaoping.app.evidence import NewEvidence, evidence_file, upload_evidence
from kaoping.app.evidence_integrity import list_flags, review_flag
from kaoping.io.images import MAX_BYTES, ImageProblem, ImageRefused
from kaoping.store.tables import Evidence

__all__ = ["MAX_BYTES", "router"]

router = APIRouter(prefix="/api/evidence", tags=["evidence"])
Reader = Annotated[Principal, Depends(require(Perm.EVIDENCE_READ))]
Uploader = Annotated[Principal, Depends(require(Perm.EVIDENCE_UPLOAD))]
Office = Annotated[Principal, Depends(require(Perm.EVIDENCE_FLAGS))]
TARGET_MAX = 200
UNIT_MAX = 100

UPLOAD_FORM: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "target"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "PNG, JPEG or WebP, ≤ 5 MB"},
                        "target": {
                            "type": "string",
                            "minLength": 1,
                            "maxLength": TARGET_MAX,
                            "description": "what it rectifies, e.g. notices:P1",
                        },
                        "unit_id": {"type": "string", "maxLength": UNIT_MAX},
                    },
                }
            }
        },
    }
}
"""The form the upload reads, for the OpenAPI document (the endpoint declares no form parameters)."""
UPLOAD_ANSWERS: dict[int | str, dict[str, Any]] = {
    413: problem("larger than 5 MB"),
    415: problem("not a PNG, JPEG or WebP image"),
    422: problem("an image that may not be stored (too many pixels, broken, data appended) or a bad field"),
}
_STATUS = {ImageProblem.TOO_LARGE: 413, ImageProblem.NOT_AN_IMAGE: 415}
"""The answer to each refused file other than 422."""


def _bad(column: str, message: str) -> ApiProblem:
    problem = InputProblem(file="request body", row=None, column=column, message=message)
    return unprocessable(f"{column}: {message}", [problem])


def _fields(form: FormData) -> tuple[NewEvidence, UploadFile]:
    """The upload's fields, checked as the documented form says (422 naming the field)."""
    file, target, unit_id = form.get("file"), form.get("target"), form.get("unit_id")
    if not isinstance(file, UploadFile):
        raise _bad("file", "attach the photo as a file")
    if not isinstance(target, str) or not 1 <= len(target) <= TARGET_MAX:
        raise _bad("target", f"1 to {TARGET_MAX} characters: what the photo rectifies, e.g. notices:P1")
    if unit_id is not None and (not isinstance(unit_id, str) or len(unit_id) > UNIT_MAX):
        raise _bad("unit_id", f"at most {UNIT_MAX} characters")
    return NewEvidence(target=target, filename=file.filename or "upload", unit_id=unit_id or None), file


def _store(ctx: CtxDep, s: Session, who: Principal, new: NewEvidence, data: bytes) -> EvidenceOut:
    try:
        row = upload_evidence(s, who, new, data, ctx.settings.clock())
    except ImageRefused as exc:
        raise ApiProblem(_STATUS.get(exc.problem, status.HTTP_422_UNPROCESSABLE_CONTENT), exc.message) from exc
    return EvidenceOut.model_validate(row)


@router.post("", status_code=status.HTTP_201_CREATED, openapi_extra=UPLOAD_FORM, responses=UPLOAD_ANSWERS)
async def upload(request: Request, ctx: CtxDep, s: SessionDep, who: Uploader) -> EvidenceOut:
    """Upload a rectification photo for one's own unit (the office names the unit): a multipart form with
    ``file``, ``target`` and, for the office, ``unit_id``.  The role is checked before the body is read."""
    async with request.form(max_files=1, max_fields=4, max_part_size=4096) as form:
        new, file = _fields(form)
        data = await file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ApiProblem(status.HTTP_413_CONTENT_TOO_LARGE, f"file larger than {MAX_BYTES // (1024 * 1024)} MB")
    return await run_in_threadpool(_store, ctx, s, who, new, data)


@router.get("")
def list_evidence(
    s: SessionDep, who: Reader, unit_id: Annotated[str | None, Query(max_length=UNIT_MAX)] = None
) -> list[EvidenceOut]:
    """What was uploaded (without the bytes); a unit sees its own."""
    stmt = scoped(select(Evidence).order_by(Evidence.id), Evidence.unit_id, who, unit_id, "read evidence")
    return [EvidenceOut.model_validate(row) for row in s.scalars(stmt)]


class EvidenceFlagOut(FromRow):
    """A finding of the integrity checks (app/evidence_integrity.py): ``kind`` reused or time."""

    id: int
    kind: str
    evidence_id: int
    other_id: int | None
    detail: dict[str, Any]
    created_at: Stamp
    reviewed_by: str | None
    reviewed_at: Stamp | None


@router.get("/flags")
def evidence_flags(s: SessionDep, _who: Office, open_only: bool = False) -> list[EvidenceFlagOut]:
    """照片核验: the photos flagged as reused or taken at another time than their row claims (office only);
    the ones not yet reviewed first.  Nothing is ever deleted."""
    return [EvidenceFlagOut.model_validate(view.flag) for view in list_flags(s, open_only=open_only)]


@router.post("/flags/{flag_id}/review")
def review_evidence_flag(flag_id: RowId, ctx: CtxDep, s: SessionDep, who: Office) -> EvidenceFlagOut:
    """Mark a flag reviewed (audited); a flag reviewed before keeps its first review."""
    return EvidenceFlagOut.model_validate(review_flag(s, who, flag_id, ctx.settings.clock()))


@router.get("/{evidence_id}", response_class=Response, responses={200: {"content": {"image/*": {}}}})
def get_evidence(evidence_id: RowId, s: SessionDep, who: Reader) -> Response:
    """The photo, served with the type its bytes proved at upload: the original for the office, a copy
    without EXIF (GPS position, time, device) for everyone else (``X-Evidence-Copy`` says which)."""
    shown = evidence_file(s, who, evidence_id)
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": "inline",
        "Cache-Control": "private",
        "X-Evidence-Copy": "original" if shown.original else "cleaned",
    }
    return Response(shown.content, media_type=shown.content_type, headers=headers)
