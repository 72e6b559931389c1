"""申诉: a unit disputes its result within the appeal window; the office answers.

The window opens when the period is first published (a unit cannot dispute what it has not been shown)
and closes ``KAOPING_APPEAL_DAYS`` days later (default 7).  Publishing a correction does not reopen it:
the window belongs to the period, as the plans word it ("结果公布之日起N日内").
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaoping.api.auth import Principal
from kaoping.api.context import ApiContext, CtxDep, SessionDep
from kaoping.api.errors import ApiProblem, unprocessable
from kaoping.api.roles import Perm, own_unit_write, require, unit_scope
from kaoping.api.schemas import AnswerIn, AppealIn, AppealOut
from kaoping.periods import PeriodError, parse_period
from kaoping.store import publishing
from kaoping.store.audit import AuditWriter
from kaoping.store.tables import Appeal, PublishedResult, Unit

router = APIRouter(prefix="/api/appeals", tags=["appeals"])


def first_publication(s: Session, schemes: list[str], period: str) -> datetime | None:
    """When ``period`` was first published under any of ``schemes`` (None: not yet)."""
    stmt = select(func.min(PublishedResult.published_at)).where(
        PublishedResult.period == period,
        PublishedResult.scheme.in_(schemes),
        PublishedResult.status.in_(publishing.FROZEN),
    )
    return s.scalar(stmt)


def _check_window(ctx: ApiContext, s: Session, period: str, scheme: str | None) -> None:
    if scheme is not None and scheme not in ctx.schemes:
        raise unprocessable(f"scheme: this office runs {', '.join(ctx.schemes)}, not '{scheme}'")
    opened = first_publication(s, [scheme] if scheme else list(ctx.schemes), period)
    if opened is None:
        raise ApiProblem(status.HTTP_409_CONFLICT, f"{period} is not published yet; appeals open at publication")
    closes = opened + timedelta(days=ctx.settings.appeal_days)
    if ctx.settings.clock() > closes:
        raise ApiProblem(
            status.HTTP_409_CONFLICT,
            f"the appeal window for {period} closed at {closes:%Y-%m-%d %H:%M} "
            f"({ctx.settings.appeal_days} days after publication on {opened:%Y-%m-%d %H:%M})",
        )


@router.post("", status_code=status.HTTP_201_CREATED)
def file_appeal(
    body: AppealIn, ctx: CtxDep, s: SessionDep, who: Annotated[Principal, Depends(require(Perm.APPEALS_FILE))]
) -> AppealOut:
    """File an appeal for one's own unit (the office may file one received on paper, naming the unit)."""
    unit_id = own_unit_write(s, who, body.unit_id, "file an appeal", table="appeals")
    if unit_id is None:
        raise unprocessable("unit_id: name the unit the appeal is for")
    if s.get(Unit, unit_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no unit '{unit_id}'")
    try:
        period = str(parse_period(body.period))
    except PeriodError as exc:
        raise unprocessable(f"period: {exc}") from exc
    _check_window(ctx, s, period, body.scheme)
    appeal = Appeal(
        unit_id=unit_id,
        period=period,
        target=body.target,
        text=body.text,
        status="open",
        created_at=ctx.settings.clock(),
        created_by=who.actor,
        answer="",
    )
    s.add(appeal)
    s.flush()
    audit = AuditWriter(s, who.actor, reason="appeal filed")
    audit.event(
        "insert", "appeals", f"appeal:{appeal.id}", unit_id=unit_id, period=period, detail={"target": body.target}
    )
    audit.flush()
    s.commit()
    return AppealOut.model_validate(appeal)


@router.get("")
def list_appeals(
    s: SessionDep,
    who: Annotated[Principal, Depends(require(Perm.APPEALS_READ))],
    unit_id: Annotated[str | None, Query(max_length=100)] = None,
    period: Annotated[str | None, Query(max_length=10)] = None,
) -> list[AppealOut]:
    """The office sees every appeal; a unit its own."""
    stmt = select(Appeal).order_by(Appeal.id)
    unit = unit_scope(who, unit_id, "read appeals")
    if unit is not None:
        stmt = stmt.where(Appeal.unit_id == unit)
    if period is not None:
        try:
            stmt = stmt.where(Appeal.period == str(parse_period(period)))
        except PeriodError as exc:
            raise unprocessable(f"period: {exc}") from exc
    return [AppealOut.model_validate(a) for a in s.scalars(stmt)]


@router.post("/{appeal_id}/answer")
def answer_appeal(
    appeal_id: int,
    body: AnswerIn,
    ctx: CtxDep,
    s: SessionDep,
    who: Annotated[Principal, Depends(require(Perm.APPEALS_ANSWER))],
) -> AppealOut:
    """Answer an open appeal (accepted, rejected, or just answered); a correction is a separate recompute."""
    appeal = s.get(Appeal, appeal_id)
    if appeal is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no appeal {appeal_id}")
    if appeal.status != "open":
        raise ApiProblem(status.HTTP_409_CONFLICT, f"appeal {appeal_id} is already {appeal.status}")
    appeal.answer = body.answer
    appeal.status = body.status
    audit = AuditWriter(s, who.actor, reason="appeal answered")
    detail = {"status": body.status, "answered_at": ctx.settings.clock().isoformat()}
    audit.event("update", "appeals", f"appeal:{appeal.id}", unit_id=appeal.unit_id, period=appeal.period, detail=detail)
    audit.flush()
    s.commit()
    return AppealOut.model_validate(appeal)
