"""整改材料: photos a unit uploads to show a problem was rectified.

Only images are accepted, recognised by their first bytes (PNG, JPEG, WebP) and never by the name or the
declared content type, which the client chooses: a script renamed .png is refused, and the stored
content type is the one the bytes show, so serving the file back cannot turn it into HTML.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Response, UploadFile, status
from sqlalchemy import select

from kaoping.api.auth import Principal
from kaoping.api.context import CtxDep, SessionDep
from kaoping.api.errors import ApiProblem, unprocessable
from kaoping.api.models import RowId
from kaoping.api.roles import Perm, own_unit_write, require, scoped, unit_scope
from kaoping.api.schemas import EvidenceOut
from kaoping.store.audit import AuditWriter
from kaoping.store.tables import Evidence, Unit

router = APIRouter(prefix="/api/evidence", tags=["evidence"])
MAX_BYTES = 5 * 1024 * 1024
Reader = Annotated[Principal, Depends(require(Perm.EVIDENCE_READ))]


def image_type(head: bytes) -> str | None:
    """The image type the magic bytes show, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


@router.post("", status_code=status.HTTP_201_CREATED)
def upload(
    file: Annotated[UploadFile, File(description="PNG, JPEG or WebP, at most 5 MB")],
    target: Annotated[str, Form(min_length=1, max_length=200, description="what it rectifies, e.g. notices:P1")],
    ctx: CtxDep,
    s: SessionDep,
    who: Annotated[Principal, Depends(require(Perm.EVIDENCE_UPLOAD))],
    unit_id: Annotated[str | None, Form(max_length=100)] = None,
) -> EvidenceOut:
    """Upload a rectification photo for one's own unit: 413 above 5 MB, 415 if the bytes are not an image."""
    unit = own_unit_write(s, who, unit_id, "upload evidence", table="evidence")
    if unit is None:
        raise unprocessable("unit_id: name the unit the evidence is for")
    if s.get(Unit, unit) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no unit '{unit}'")
    data = file.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ApiProblem(status.HTTP_413_CONTENT_TOO_LARGE, f"file larger than {MAX_BYTES // (1024 * 1024)} MB")
    kind = image_type(data[:16])
    if kind is None:
        raise ApiProblem(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "not a PNG, JPEG or WebP image")
    name = (file.filename or "upload").replace("/", "_").replace("\\", "_")[:300]
    row = Evidence(
        unit_id=unit,
        target=target,
        filename=name,
        content_type=kind,
        data=data,
        created_at=ctx.settings.clock(),
        created_by=who.actor,
    )
    s.add(row)
    s.flush()
    audit = AuditWriter(s, who.actor, reason="evidence uploaded")
    detail = {"target": target, "filename": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    audit.event("insert", "evidence", f"evidence:{row.id}", unit_id=unit, detail=detail)
    audit.flush()
    s.commit()
    return EvidenceOut.model_validate(row)


@router.get("")
def list_evidence(
    s: SessionDep, who: Reader, unit_id: Annotated[str | None, Query(max_length=100)] = None
) -> list[EvidenceOut]:
    """What was uploaded (without the bytes); a unit sees its own."""
    stmt = scoped(select(Evidence).order_by(Evidence.id), Evidence.unit_id, who, unit_id, "read evidence")
    return [EvidenceOut.model_validate(row) for row in s.scalars(stmt)]


@router.get("/{evidence_id}", response_class=Response, responses={200: {"content": {"image/*": {}}}})
def get_evidence(evidence_id: RowId, s: SessionDep, who: Reader) -> Response:
    """The file itself, served with the type its bytes showed at upload."""
    row = s.get(Evidence, evidence_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no evidence {evidence_id}")
    unit_scope(who, row.unit_id, "read evidence")
    headers = {"X-Content-Type-Options": "nosniff", "Content-Disposition": "inline", "Cache-Control": "private"}
    return Response(row.data, media_type=row.content_type, headers=headers)
