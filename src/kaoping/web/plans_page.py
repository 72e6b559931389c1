"""检查计划 page of the office: every plan with its commitment, draw state and progress per unit and team
(done/planned, :mod:`kaoping.app.plan_progress`), the overdue ones first.  Only reads; the plans are made
with ``kaoping plan`` or the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kaoping.api.auth import Principal
from kaoping.api.context import CtxDep, SessionDep
from kaoping.app.plan_progress import office_progress
from kaoping.app.plans import get_plan
from kaoping.app.policy import Perm
from kaoping.errors import Invalid
from kaoping.scheme.inspection import FREQUENCY_NAMES, VISIT_NAMES, Frequency, Visit
from kaoping.web.app import error_page, render, require_page

router = APIRouter(include_in_schema=False)
PlansPage = Annotated[Principal, require_page(Perm.PLANS_PROGRESS)]


@router.get("/plans")
def plans_page(request: Request, session: SessionDep, ctx: CtxDep, who: PlansPage, period: str = "") -> Response:
    """Every plan (of ``period``) with its progress; overdue plans listed first."""
    try:
        progress = office_progress(session, ctx.settings.clock(), period[:10] or None)
    except Invalid:
        return error_page(request, who, 422, "考评期写法有误", "请按 2024-06 的格式填写月份。")
    plans = {p.plan_id: get_plan(session, p.plan_id) for p in progress}
    ordered = sorted(progress, key=lambda p: not p.overdue)
    return render(
        request,
        "plans.html",
        who,
        progress=ordered,
        plans=plans,
        overdue=[p for p in progress if p.overdue],
        visit_names={v.value: name for v, name in VISIT_NAMES.items()},
        frequency_names={f.value: name for f, name in FREQUENCY_NAMES.items()},
        visits=Visit,
        frequencies=Frequency,
    )
