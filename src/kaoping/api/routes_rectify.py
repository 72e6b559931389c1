"""整改 over HTTP (issue #17): open notices with their deadlines, a unit's plan, an inspector's re-inspection,
the office's 督办 — each the use case of :mod:`kaoping.app.rectify_flow`, as the pages and the CLI call it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from kaoping.api.auth import Principal
from kaoping.api.context import CtxDep, SessionDep
from kaoping.api.roles import Perm, require
from kaoping.app import rectify_flow as flow
from kaoping.app.policy import unit_scope

router = APIRouter(prefix="/api/rectifications", tags=["rectifications"])
Id = Annotated[str, Field(min_length=1, max_length=100)]


class OpenOut(BaseModel):
    unit_id: str
    problem_id: str
    first_notified: dt.date
    due: dt.date
    overdue: bool
    status: str
    target: str
    time_limit: dt.date | None
    measures: str
    failures: int
    supervised_on: dt.date | None


class PlanIn(BaseModel):
    unit_id: Id | None = None
    problem_id: Id
    first_notified: dt.date
    target: str = Field(min_length=1, max_length=flow.TEXT_MAX, description="整改目标")
    time_limit: dt.date | None = Field(None, description="整改时限: the day the unit commits to")
    measures: str = Field(min_length=1, max_length=flow.TEXT_MAX, description="整改措施")


class ReinspectIn(BaseModel):
    unit_id: Id
    problem_id: Id
    first_notified: dt.date
    passed: bool
    inspected_on: dt.date
    note: str = Field("", max_length=flow.TEXT_MAX)


def _out(item: flow.OpenItem) -> OpenOut:
    return OpenOut(**{k: getattr(item, k) for k in OpenOut.model_fields})


@router.get("")
def list_open(
    ctx: CtxDep,
    s: SessionDep,
    who: Annotated[Principal, Depends(require(Perm.RECTIFY_READ))],
    unit_id: Annotated[str | None, Query(max_length=100)] = None,
) -> list[OpenOut]:
    """Open notices (a unit: its own), overdue first, with deadline, plan, failed re-inspections and 督办."""
    unit = unit_scope(who, unit_id, "read rectifications")
    today = ctx.settings.clock().date()
    return [_out(i) for i in flow.office_items(s, [o.scheme for o in ctx.schemes.values()], today, unit)]


@router.post("/plan")
def record_plan(
    body: PlanIn, ctx: CtxDep, s: SessionDep, who: Annotated[Principal, Depends(require(Perm.RECTIFY_PLAN))]
) -> dict[str, str]:
    """记录整改计划 for one of the unit's own open notices."""
    plan = flow.Plan(body.problem_id, body.first_notified, body.target, body.time_limit, body.measures)
    row = flow.record_plan(s, who, body.unit_id, plan, ctx.settings.clock())
    return {"unit_id": row.unit_id, "problem_id": row.problem_id, "status": row.status}


@router.post("/reinspect")
def reinspect(
    body: ReinspectIn, ctx: CtxDep, s: SessionDep, who: Annotated[Principal, Depends(require(Perm.RECTIFY_REINSPECT))]
) -> dict[str, object]:
    """复查: passed rectifies the problem (its escalation stops); failed is charged as 整改不达标."""
    verdict = flow.Outcome(
        body.unit_id, body.problem_id, body.first_notified, body.passed, body.inspected_on, body.note
    )
    done = flow.reinspect(s, who, verdict, ctx.settings.clock())
    return {"id": done.id, "passed": done.passed, "failures_before": done.failures_before}


@router.post("/supervise")
def supervise(
    ctx: CtxDep, s: SessionDep, who: Annotated[Principal, Depends(require(Perm.RECTIFY_SUPERVISE))]
) -> list[OpenOut]:
    """转督办: every overdue open notice not yet under 督办; returns the ones sent now."""
    scheme = flow.deadline_scheme(o.scheme for o in ctx.schemes.values())
    sent = flow.supervise_overdue(s, who, scheme, ctx.settings.clock().date()) if scheme is not None else []
    return [_out(i) for i in sent]
