"""申诉 over HTTP: a unit files an appeal within the appeal window; the office answers.

The rules (the window, own unit only, one answer per appeal) are the use case :mod:`kaoping.app.appeals`;
its refusals are answered by ``api/errors.py``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from kaoping.api.auth import Principal
from kaoping.api.context import CtxDep, SessionDep
from kaoping.api.models import RowId
from kaoping.api.roles import Perm, require
from kaoping.api.schemas import AnswerIn, AppealIn, AppealOut
from kaoping.app import appeals
from kaoping.statuses import AppealStatus

router = APIRouter(prefix="/api/appeals", tags=["appeals"])


@router.post("", status_code=status.HTTP_201_CREATED)
def file_appeal(
    body: AppealIn, ctx: CtxDep, s: SessionDep, who: Annotated[Principal, Depends(require(Perm.APPEALS_FILE))]
) -> AppealOut:
    """File an appeal for one's own unit (the office may file one received on paper, naming the unit)."""
    appeal = appeals.file_appeal(
        ctx, s, who, unit_id=body.unit_id, period=body.period, target=body.target, text=body.text, scheme=body.scheme
    )
    return AppealOut.model_validate(appeal)


@router.get("")
def list_appeals(
    s: SessionDep,
    who: Annotated[Principal, Depends(require(Perm.APPEALS_READ))],
    unit_id: Annotated[str | None, Query(max_length=100)] = None,
    period: Annotated[str | None, Query(max_length=10)] = None,
) -> list[AppealOut]:
    """The office sees every appeal; a unit its own."""
    return [AppealOut.model_validate(a) for a in appeals.list_appeals(s, who, unit_id=unit_id, period=period)]


@router.post("/{appeal_id}/answer")
def answer_appeal(
    appeal_id: RowId,
    body: AnswerIn,
    ctx: CtxDep,
    s: SessionDep,
    who: Annotated[Principal, Depends(require(Perm.APPEALS_ANSWER))],
) -> AppealOut:
    """Answer an open appeal: accepted starts a correction of its period (a draft with the appeal as its
    reason, to review and publish), rejected needs a reason; a second answer is a conflict."""
    choice = appeals.AcceptChoice(scheme=body.scheme, withdraw_row=body.withdraw_row)
    status = AppealStatus(body.status)
    appeal = appeals.answer_appeal(ctx, s, who, appeal_id, status=status, answer=body.answer, accept=choice)
    return AppealOut.model_validate(appeal)
