"""数字城管 cases over HTTP (issue #17): each role's work list and each step — 受理 and 立案, 派遣 with the
handbook's suggestion, 处置反馈 with photos, 核查, and the 延期/挂账/作废 requests the office decides.  Each
the use case of :mod:`kaoping.app.case_flow` / :mod:`kaoping.app.case_approvals`, as the pages call it.

A step may name the status the caller last saw (``expected``): a case moved meanwhile is refused (409), not
stepped twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from kaoping.api.auth import Principal
from kaoping.api.context import CtxDep, SessionDep
from kaoping.api.errors import ApiProblem, InputProblem, unprocessable
from kaoping.api.models import RowId
from kaoping.api.roles import Perm, require
from kaoping.app import case_approvals as approvals
from kaoping.app import case_flow as flow
from kaoping.app import case_queues as queues
from kaoping.app.case_rules import office_rules
from kaoping.cases.lifecycle import Status
from kaoping.io.images import MAX_BYTES, ImageProblem, ImageRefused

router = APIRouter(prefix="/api/cases", tags=["cases"])
Id = Annotated[str, Field(min_length=1, max_length=100)]
CaseId = Annotated[str, Path(min_length=1, max_length=100, description="案卷号")]
Text = Annotated[str, Field(max_length=flow.TEXT_MAX)]
Intake = Annotated[Principal, Depends(require(Perm.CASE_INTAKE))]
Dispatcher = Annotated[Principal, Depends(require(Perm.CASE_DISPATCH))]
Unit = Annotated[Principal, Depends(require(Perm.CASE_TODO))]
Supervisor = Annotated[Principal, Depends(require(Perm.CASE_VERIFY))]
Office = Annotated[Principal, Depends(require(Perm.CASE_APPROVE))]


class SuggestionOut(BaseModel):
    unit: str | None
    unit_name: str
    limit: str
    action: str


class CaseOut(BaseModel):
    case_id: str
    unit_id: str
    kind: str
    category: str
    channel: str
    reported_at: dt.datetime
    status: str
    status_label: str
    dispatched_at: dt.datetime | None
    deadline: dt.datetime | None
    disposed_at: dt.datetime | None
    rework_count: int
    overdue: bool
    suggestion: SuggestionOut | None = None


class StepOut(BaseModel):
    case_id: str
    unit_id: str
    status: str
    deadline: dt.datetime | None
    rework_count: int
    verify_failed: int


class IntakeIn(BaseModel):
    unit_id: Id = Field(description="the unit holding the case until dispatch (the centre, a district)")
    kind: str = Field(pattern="^(event|component)$", description="event 事件 or component 部件")
    category: Annotated[str, Field(min_length=1, max_length=200)]
    description: Text = ""
    channel: str = Field("web", pattern="^(web|12345)$", description="web (受理员's form) or 12345 (热线转办)")


class StepIn(BaseModel):
    expected: Status | None = Field(None, description="the status the caller saw; 409 when it moved meanwhile")


class DispatchIn(StepIn):
    unit_id: Id
    reason: Text = Field("", description="needed when unit_id is not the handbook's unit")


class VerifyIn(StepIn):
    passed: bool
    note: Text = Field("", description="needed when the verification fails: what is still wrong")


class AskIn(BaseModel):
    kind: approvals.Ask = Field(description="postpone (延期) or suspend (挂账); 作废 is /invalidate")
    reason: Annotated[str, Field(min_length=1, max_length=flow.TEXT_MAX)]
    new_deadline: dt.datetime | None = None


class ReasonIn(BaseModel):
    reason: Annotated[str, Field(min_length=1, max_length=flow.TEXT_MAX)]


class DecideIn(BaseModel):
    approve: bool
    note: Text = ""


class RequestOut(BaseModel):
    id: int
    case_id: str
    kind: str
    reason: str
    new_deadline: dt.datetime | None
    requested_by: str
    requested_at: dt.datetime
    status: str


def _case(item: queues.CaseItem) -> CaseOut:
    values: dict[str, Any] = {k: getattr(item, k) for k in CaseOut.model_fields if k != "suggestion"}
    out = CaseOut(**values)
    if item.suggestion is not None:
        out.suggestion = SuggestionOut(**item.suggestion.__dict__)
    return out


def _step(held: Any) -> StepOut:
    row = held.row
    return StepOut(
        case_id=row.case_id,
        unit_id=row.unit_id,
        status=held.case.status.value,
        deadline=row.deadline,
        rework_count=row.rework_count,
        verify_failed=row.verify_failed,
    )


def _rules(ctx: CtxDep) -> Any:
    return office_rules(o.scheme for o in ctx.schemes.values())


@router.get("/queue/intake")
def intake_queue(ctx: CtxDep, s: SessionDep, who: Intake) -> list[CaseOut]:
    """待立案: pending intakes of every channel (Open311, form, import, 12345), oldest first."""
    return [_case(i) for i in queues.intake_queue(s, who, ctx.settings.clock())]


@router.post("/intake", status_code=status.HTTP_201_CREATED)
def take_in(body: IntakeIn, ctx: CtxDep, s: SessionDep, who: Intake) -> dict[str, str]:
    """受理: a report from the 受理员's form or a 12345 transfer, filed as a pending intake."""
    new = flow.NewIntake(body.unit_id, body.kind, body.category, body.description, body.channel)
    row = flow.take_in(s, who, new, ctx.settings.clock())
    return {"case_id": row.case_id}


@router.post("/{case_id}/register")
def register(case_id: CaseId, body: StepIn, ctx: CtxDep, s: SessionDep, who: Intake) -> StepOut:
    """立案 (an Open311 token then resolves to the case id)."""
    return _step(flow.register(s, who, case_id, ctx.settings.clock(), expected=body.expected))


@router.post("/{case_id}/invalidate", status_code=status.HTTP_201_CREATED)
def invalidate(case_id: CaseId, body: ReasonIn, ctx: CtxDep, s: SessionDep, who: Intake) -> RequestOut:
    """作废 asked of the office (a report that is no case)."""
    new = approvals.NewAsk(case_id, approvals.Ask.INVALIDATE, body.reason)
    return RequestOut.model_validate(approvals.ask(s, who, new, ctx.settings.clock()), from_attributes=True)


@router.get("/queue/dispatch")
def dispatch_queue(ctx: CtxDep, s: SessionDep, who: Dispatcher) -> list[CaseOut]:
    """待派遣: registered cases, each with the 处置手册's unit and limit."""
    return [_case(i) for i in queues.dispatch_queue(s, who, _rules(ctx), ctx.settings.clock())]


@router.post("/{case_id}/dispatch")
def dispatch(case_id: CaseId, body: DispatchIn, ctx: CtxDep, s: SessionDep, who: Dispatcher) -> StepOut:
    """派遣 with the handbook's deadline; a unit other than the handbook's needs a reason."""
    at = ctx.settings.clock()
    held = flow.dispatch(s, who, _rules(ctx), case_id, body.unit_id, at, reason=body.reason, expected=body.expected)
    return _step(held)


@router.get("/queue/todo")
def todo(
    ctx: CtxDep, s: SessionDep, who: Unit, unit_id: Annotated[str | None, Query(max_length=100)] = None
) -> list[CaseOut]:
    """待处置: a unit's dispatched cases (a unit: its own), returned ones with their rework count."""
    return [_case(i) for i in queues.unit_todo(s, who, unit_id, ctx.settings.clock())]


def _feedback(
    s: Session, who: Principal, case_id: str, note: str, photos: list[flow.Photo], at: dt.datetime
) -> StepOut:
    try:
        held, _ = flow.feedback(s, who, case_id, note, photos, at)
    except ImageRefused as exc:
        code = {ImageProblem.TOO_LARGE: 413, ImageProblem.NOT_AN_IMAGE: 415}.get(exc.problem, 422)
        raise ApiProblem(code, exc.message) from exc
    return _step(held)


@router.post("/{case_id}/feedback")
async def feedback(case_id: CaseId, request: Request, ctx: CtxDep, s: SessionDep, who: Unit) -> StepOut:
    """处置反馈: a multipart form with ``note`` and one to six ``photo`` files (PNG, JPEG or WebP, ≤ 5 MB each)."""
    photos: list[flow.Photo] = []
    async with request.form(max_files=flow.PHOTOS_MAX, max_fields=4, max_part_size=flow.TEXT_MAX * 4) as form:
        note = form.get("note") or ""
        if not isinstance(note, str) or len(note) > flow.TEXT_MAX:
            problem = InputProblem(file="request body", row=None, column="note", message="text, ≤ 2000 characters")
            raise unprocessable("note: text, ≤ 2000 characters", [problem])
        for part in form.getlist("photo"):
            if isinstance(part, UploadFile):
                data = await part.read(MAX_BYTES + 1)
                if len(data) > MAX_BYTES:
                    raise ApiProblem(413, f"photo larger than {MAX_BYTES // (1024 * 1024)} MB")
                photos.append(flow.Photo(part.filename or "photo", data))
    return await run_in_threadpool(_feedback, s, who, case_id, note, photos, ctx.settings.clock())


@router.post("/{case_id}/ask", status_code=status.HTTP_201_CREATED)
def ask(case_id: CaseId, body: AskIn, ctx: CtxDep, s: SessionDep, who: Unit) -> RequestOut:
    """延期 (with the new deadline) or 挂账 asked of the office by the unit holding the case."""
    if body.kind is approvals.Ask.INVALIDATE:
        problem = InputProblem(file="request body", row=None, column="kind", message="作废 is asked at /invalidate")
        raise unprocessable("kind: postpone or suspend", [problem])
    new = approvals.NewAsk(case_id, body.kind, body.reason, body.new_deadline)
    return RequestOut.model_validate(approvals.ask(s, who, new, ctx.settings.clock()), from_attributes=True)


@router.get("/queue/verify")
def verify_queue(ctx: CtxDep, s: SessionDep, who: Supervisor) -> list[CaseOut]:
    """待核查: cases fed back, oldest first."""
    return [_case(i) for i in queues.verify_queue(s, who, ctx.settings.clock())]


@router.post("/{case_id}/verify")
def verify(case_id: CaseId, body: VerifyIn, ctx: CtxDep, s: SessionDep, who: Supervisor) -> StepOut:
    """核查: passed → 结案 (or, drawn for the city's second check, 核查 until the office decides); failed (with a
    note) → back to the unit, counted as rework."""
    at = ctx.settings.clock()
    held = flow.verify(
        s, who, case_id, body.passed, at, note=body.note, expected=body.expected,
        second_check=_rules(ctx).second_check,
    )  # fmt: skip
    return _step(held)


@router.get("/requests")
def requests(s: SessionDep, _who: Office) -> list[RequestOut]:
    """延期、挂账、作废 requests waiting for the office."""
    return [RequestOut.model_validate(r, from_attributes=True) for r in approvals.pending(s)]


@router.post("/requests/{request_id}/decide")
def decide(request_id: RowId, body: DecideIn, ctx: CtxDep, s: SessionDep, who: Office) -> RequestOut:
    """审批: approve (the step is taken) or refuse (with a note)."""
    row = approvals.decide(s, who, request_id, body.approve, body.note, ctx.settings.clock())
    return RequestOut.model_validate(row, from_attributes=True)


@router.post("/{case_id}/resume")
def resume(case_id: CaseId, ctx: CtxDep, s: SessionDep, who: Office) -> StepOut:
    """挂账 ended by the office: the case is the unit's again, with the deadline it had."""
    return _step(approvals.resume(s, who, case_id, ctx.settings.clock()))
