"""申诉: a unit disputes its result within the appeal window (申诉期); the office answers.

The window opens when the period is first published (a unit cannot dispute what it has not been shown)
and closes ``KAOPING_APPEAL_DAYS`` days later (default 7).  Publishing a correction does not reopen it:
the window belongs to the period, as the plans word it ("结果公布之日起N日内").  The window is computed
here only: the API refuses an appeal outside it, the unit pages show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaoping.app.context import AppContext
from kaoping.app.errors import Conflict, Invalid, NotFound
from kaoping.app.policy import Principal, own_unit_write, scoped
from kaoping.periods import PeriodError, parse_period
from kaoping.statuses import FROZEN_RESULTS, AppealStatus
from kaoping.store.audit import AuditWriter
from kaoping.store.db import get_for_update
from kaoping.store.tables import Appeal, PublishedResult, Unit


@dataclass(frozen=True)
class AppealWindow:
    """申诉期 of a period: opens at its first publication and lasts ``days`` days (None: not published)."""

    opens: datetime | None
    closes: datetime | None
    open_now: bool


def first_publication(session: Session, schemes: list[str], period: str) -> datetime | None:
    """When ``period`` was first published under any of ``schemes`` (None: not yet)."""
    stmt = select(func.min(PublishedResult.published_at)).where(
        PublishedResult.period == period,
        PublishedResult.scheme.in_(schemes),
        PublishedResult.status.in_(FROZEN_RESULTS),
    )
    return session.scalar(stmt)


def appeal_window(session: Session, schemes: list[str], period: str, days: int, now: datetime) -> AppealWindow:
    """The appeal window of ``period`` under ``schemes`` as it stands at ``now``."""
    opened = first_publication(session, schemes, period)
    if opened is None:
        return AppealWindow(None, None, False)
    closes = opened + timedelta(days=days)
    return AppealWindow(opened, closes, opened <= now <= closes)


def _period(text: str) -> str:
    try:
        return str(parse_period(text))
    except PeriodError as exc:
        raise Invalid(f"period: {exc}") from exc


def check_window(ctx: AppContext, session: Session, period: str, scheme: str | None) -> None:
    """Refuse (conflict) an appeal of ``period`` outside its window; ``scheme``: only its publication counts."""
    if scheme is not None and scheme not in ctx.schemes:
        raise Invalid(f"scheme: this office runs {', '.join(ctx.schemes)}, not '{scheme}'")
    days, now = ctx.settings.appeal_days, ctx.settings.clock()
    window = appeal_window(session, [scheme] if scheme else list(ctx.schemes), period, days, now)
    if window.opens is None or window.closes is None or now < window.opens:
        raise Conflict(f"{period} is not published yet; appeals open at publication")
    if not window.open_now:
        raise Conflict(
            f"the appeal window for {period} closed at {window.closes:%Y-%m-%d %H:%M} "
            f"({days} days after publication on {window.opens:%Y-%m-%d %H:%M})"
        )


def file_appeal(
    ctx: AppContext,
    session: Session,
    who: Principal,
    *,
    unit_id: str | None,
    period: str,
    target: str,
    text: str,
    scheme: str | None = None,
) -> Appeal:
    """File an appeal for one's own unit (the office may file one received on paper, naming the unit).

    Committed with its audit event.  A unit naming another unit is denied (and the attempt recorded).
    """
    unit = own_unit_write(session, who, unit_id, "file an appeal", table="appeals")
    if unit is None:
        raise Invalid("unit_id: name the unit the appeal is for")
    if session.get(Unit, unit) is None:
        raise NotFound(f"no unit '{unit}'")
    period = _period(period)
    check_window(ctx, session, period, scheme)
    appeal = Appeal(
        unit_id=unit,
        period=period,
        target=target,
        text=text,
        status=AppealStatus.OPEN,
        created_at=ctx.settings.clock(),
        created_by=who.actor,
        answer="",
    )
    session.add(appeal)
    session.flush()
    audit = AuditWriter(session, who.actor, reason="appeal filed")
    audit.event("insert", "appeals", f"appeal:{appeal.id}", unit_id=unit, period=period, detail={"target": target})
    audit.flush()
    session.commit()
    return appeal


def list_appeals(session: Session, who: Principal, *, unit_id: str | None, period: str | None) -> list[Appeal]:
    """The office sees every appeal; a unit its own."""
    stmt = scoped(select(Appeal).order_by(Appeal.id), Appeal.unit_id, who, unit_id, "read appeals")
    if period is not None:
        stmt = stmt.where(Appeal.period == _period(period))
    return list(session.scalars(stmt))


def answer_appeal(
    ctx: AppContext, session: Session, who: Principal, appeal_id: int, *, status: AppealStatus, answer: str
) -> Appeal:
    """Answer an open appeal (accepted, rejected, or just answered); a correction is a separate recompute.

    The appeal is read under a row lock, so of two answers at once the second sees the first and is refused."""
    appeal = get_for_update(session, Appeal, appeal_id, NotFound(f"no appeal {appeal_id}"))
    if appeal.status != AppealStatus.OPEN:
        raise Conflict(f"appeal {appeal_id} is already {appeal.status}")
    appeal.answer = answer
    appeal.status = status
    audit = AuditWriter(session, who.actor, reason="appeal answered")
    detail = {"status": str(status), "answered_at": ctx.settings.clock().isoformat()}
    audit.event("update", "appeals", f"appeal:{appeal.id}", unit_id=appeal.unit_id, period=appeal.period, detail=detail)
    audit.flush()
    session.commit()
    return appeal
