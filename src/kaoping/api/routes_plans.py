"""检查计划 over HTTP: the office creates, draws and reveals plans and follows their progress; the staff and
the units read them — a unit not an unannounced plan before it is done (403, the policy's plan_refusal) —
and anyone who may read a revealed plan can verify its draw.  The rules are :mod:`kaoping.app.plans`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel, Field

from kaoping.api.auth import Principal
from kaoping.api.context import CtxDep, SessionDep
from kaoping.api.models import RowId
from kaoping.api.roles import Perm, require
from kaoping.app import plan_progress, plans
from kaoping.app.errors import Invalid
from kaoping.scheme.inspection import PlanSpec

router = APIRouter(prefix="/api/plans", tags=["plans"])
Names = Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=2000)]


class DrawIn(BaseModel):
    """Whom to draw among: default every unit of the store and every active inspector account."""

    units: Names | None = None
    inspectors: Names | None = None


@router.post("", status_code=status.HTTP_201_CREATED)
def create_plan(
    body: PlanSpec, ctx: CtxDep, s: SessionDep, who: Annotated[Principal, Depends(require(Perm.PLANS_WRITE))]
) -> dict[str, Any]:
    """Create a plan for a scheme the office runs; the answer's ``commitment`` (SHA-256 of its secret seed) is
    to be published before the draw."""
    office = ctx.schemes.get(body.scheme)
    if office is None:
        raise Invalid(f"scheme: 本系统未运行方案 {body.scheme}；应为 {'、'.join(ctx.schemes)}")
    row = plans.create_plan(s, who, plans.checked_against(office.scheme, body), ctx.settings.clock())
    s.commit()
    return plans.plan_view(row)


@router.get("")
def list_plans(
    s: SessionDep,
    who: Annotated[Principal, Depends(require(Perm.PLANS_READ))],
    scheme: Annotated[str | None, Query(max_length=100)] = None,
    period: Annotated[str | None, Query(max_length=10)] = None,
) -> list[dict[str, Any]]:
    """The plans the caller may see (a unit: announced ones, and unannounced ones once revealed)."""
    return [plans.plan_view(r) for r in plans.list_plans(s, who, scheme, period)]


@router.get("/progress")
def progress(
    ctx: CtxDep,
    s: SessionDep,
    _who: Annotated[Principal, Depends(require(Perm.PLANS_PROGRESS))],
    period: Annotated[str | None, Query(max_length=10)] = None,
) -> list[dict[str, Any]]:
    """Done/planned per unit and team of every plan (of ``period``), and whether it is overdue."""
    return [
        {
            "plan_id": p.plan_id,
            "plan": p.key,
            "done": p.done,
            "planned": p.planned,
            "overdue": p.overdue,
            "units": [t.__dict__ for t in p.by_unit],
            "teams": [t.__dict__ for t in p.by_team],
        }
        for p in plan_progress.office_progress(s, ctx.settings.clock(), period)
    ]


@router.get("/{plan_id}")
def read_plan(
    plan_id: RowId, s: SessionDep, who: Annotated[Principal, Depends(require(Perm.PLANS_READ))]
) -> dict[str, Any]:
    """One plan, its commitment and (once drawn) its draw; the seed only once revealed."""
    return plans.plan_view(plans.read_plan(s, who, plan_id))


@router.post("/{plan_id}/draw")
def draw_plan(
    plan_id: RowId,
    body: DrawIn,
    ctx: CtxDep,
    s: SessionDep,
    who: Annotated[Principal, Depends(require(Perm.PLANS_WRITE))],
) -> dict[str, Any]:
    """Draw once, with the seed committed at creation."""
    row = plans.draw_plan(s, who, plan_id, ctx.settings.clock(), units=body.units, inspectors=body.inspectors)
    s.commit()
    return plans.plan_view(row)


@router.post("/{plan_id}/reveal")
def reveal_plan(
    plan_id: RowId, ctx: CtxDep, s: SessionDep, who: Annotated[Principal, Depends(require(Perm.PLANS_WRITE))]
) -> dict[str, Any]:
    """Reveal the seed once the plan's month is over."""
    row = plans.reveal_plan(s, who, plan_id, ctx.settings.clock())
    s.commit()
    return plans.plan_view(row)


@router.get("/{plan_id}/verify")
def verify_plan(
    plan_id: RowId, s: SessionDep, who: Annotated[Principal, Depends(require(Perm.PLANS_READ))]
) -> dict[str, Any]:
    """Re-run the draw from the revealed seed and the recorded inputs: ``ok`` and the problems found."""
    check = plans.verify_plan(s, who, plan_id)
    return {"plan_id": check.plan_id, "ok": check.ok, "commitment": check.commitment, "problems": list(check.problems)}
