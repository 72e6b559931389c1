"""现场采集 over HTTP: the field app's day download and its one sync endpoint.

``GET /api/field/tasks`` is what the phone keeps for the day (:mod:`kaoping.app.field_tasks`).
``POST /api/field/sync`` takes the queued entries, each with the idempotency key the phone made when the
inspector saved it, and answers per entry (:mod:`kaoping.app.field_sync`): written, a retry of one written
before (same row id), a conflict kept for the inspector to see, or why it was refused.  The body is bounded
before it is parsed (:data:`MAX_BODY` bytes, :data:`MAX_ENTRIES` entries, one photo of at most 5 MB each,
sent base64 in the JSON); the role is checked before the body is read.
"""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, ValidationError

from kaoping.api.auth import Principal
from kaoping.api.context import CtxDep, SessionDep
from kaoping.api.errors import ApiProblem, InputProblem, unprocessable
from kaoping.api.models import LocalTime
from kaoping.api.roles import Perm, require
from kaoping.app import field_sync, field_tasks
from kaoping.app.deduction_photo import Photo
from kaoping.io.images import MAX_BYTES

router = APIRouter(prefix="/api/field", tags=["field"])
SYNC_PATH = "/api/field/sync"
"""Given a wider body limit than the rest of the API by the composition root (kaoping.server)."""
FieldUser = Annotated[Principal, Depends(require(Perm.FIELD_APP))]
MAX_ENTRIES = 20
MAX_PHOTO_TEXT = (MAX_BYTES + 2) // 3 * 4
"""A 5 MB photo as base64."""
MAX_BODY = 12 * 1024 * 1024
"""Bytes of one sync request: two full-size photos and their entries (the app sends one entry a request)."""
Text = Annotated[str, Field(max_length=2000)]


class PhotoIn(BaseModel):
    name: str = Field("photo.jpg", max_length=300)
    data: str = Field(min_length=1, max_length=MAX_PHOTO_TEXT, description="the image file, base64")


class EntryIn(BaseModel):
    """One queued entry; ``key`` is the phone's idempotency key (a UUID), the same on every retry."""

    key: str = Field(pattern=r"^[A-Za-z0-9-]{8,64}$")
    unit_id: str = Field(min_length=1, max_length=100)
    part: str = Field(min_length=1, max_length=100)
    item: str = Field("", max_length=200)
    problem_kind: str = Field("", max_length=40)
    recorded_at: LocalTime
    quantity: Decimal | None = Field(None, ge=0, le=1_000_000, allow_inf_nan=False)
    points: float | None = Field(None, ge=0, le=100_000, allow_inf_nan=False)
    problem: Text = ""
    location: str = Field("", max_length=500)
    lat: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)
    lon: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    accuracy_m: float | None = Field(None, ge=0, le=100_000, allow_inf_nan=False)
    task: int | None = Field(None, ge=1, le=2**31 - 1)
    photo: PhotoIn | None = None
    confirm: bool = False
    reason: Text = ""


class SyncIn(BaseModel):
    entries: list[EntryIn] = Field(min_length=1, max_length=MAX_ENTRIES)


class ResultOut(BaseModel):
    key: str
    status: field_sync.SyncStatus
    deduction_id: int | None
    evidence_id: int | None
    points: str | None
    conflict: field_sync.ConflictKind | None
    other_deduction_id: int | None
    messages: list[str]
    warnings: list[str]


class SyncOut(BaseModel):
    results: list[ResultOut]


async def _bounded_body(request: Request) -> bytes:
    """The body, refused with 413 as soon as it exceeds :data:`MAX_BODY` (never read further)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise ApiProblem(status.HTTP_413_CONTENT_TOO_LARGE, f"sync body larger than {MAX_BODY} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise ApiProblem(status.HTTP_413_CONTENT_TOO_LARGE, f"sync body larger than {MAX_BODY} bytes")
    return bytes(body)


def _photo(p: PhotoIn | None, at: int) -> Photo | None:
    if p is None:
        return None
    try:
        data = base64.b64decode(p.data, validate=True)
    except (binascii.Error, ValueError) as exc:
        problem = InputProblem(file="request body", row=at, column="photo", message="照片数据不是有效的 base64")
        raise unprocessable("photo: not base64", [problem]) from exc
    return Photo(filename=p.name, data=data)


def _entry(e: EntryIn, at: int) -> field_sync.FieldEntry:
    values: dict[str, Any] = e.model_dump(exclude={"photo"})
    if e.recorded_at.tzinfo is not None:  # a time with a zone: this server's local wall time, as the store keeps
        values["recorded_at"] = e.recorded_at.astimezone().replace(tzinfo=None)
    return field_sync.FieldEntry(**values, photo=_photo(e.photo, at))


def _parsed(body: bytes) -> SyncIn:
    try:
        return SyncIn.model_validate_json(body)
    except ValidationError as exc:
        problems = [
            InputProblem(file="request body", row=None, column=".".join(str(x) for x in err["loc"]), message=err["msg"])
            for err in exc.errors()[:50]
        ]
        raise unprocessable("sync body: " + (problems[0].message if problems else "invalid"), problems) from None


@router.get("/tasks")
def tasks(ctx: CtxDep, s: SessionDep, who: FieldUser) -> dict[str, Any]:
    """今日任务: the plan visits drawn for the caller this month, every unit, and the standard's checklist."""
    return field_tasks.field_tasks(ctx, s, who)


@router.post("/sync", responses={413: {"description": "body too large"}})
async def sync(request: Request, ctx: CtxDep, s: SessionDep, who: FieldUser) -> SyncOut:
    """Write the queued entries (``{"entries": [...]}``, at most 20): each answered by its key — ``written``,
    ``duplicate`` (a retry: the row written before), ``conflict`` (kept, shown; send again with ``confirm``),
    ``invalid``, ``needs_confirmation`` or ``refused``.  A retried sync never doubles a row."""
    body = await _bounded_body(request)
    parsed = _parsed(body)
    entries = [_entry(e, i) for i, e in enumerate(parsed.entries, start=1)]
    results = await run_in_threadpool(field_sync.sync, ctx, s, who, entries)
    return SyncOut(results=[ResultOut.model_validate(r, from_attributes=True) for r in results])
