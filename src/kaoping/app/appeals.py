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
from kaoping.app.facts import delete_row
from kaoping.app.policy import Principal, own_unit_write, scoped
from kaoping.app.publish import compute_for_office
from kaoping.input_messages import Msg, say
from kaoping.periods import PeriodError, parse_period
from kaoping.statuses import FROZEN_RESULTS, AppealStatus
from kaoping.store.audit import AuditWriter
from kaoping.store.db import get_for_update
from kaoping.store.facts import TABLES
from kaoping.store.publishing import OPEN, current, versions
from kaoping.store.tables import Appeal, PublishedResult, Unit

ROW_ID_DIGITS = 9
"""A row id an appeal target may name: at most nine digits (bounded before it is parsed)."""


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
        raise Invalid(say(Msg.BAD_PERIOD, reason=str(exc))) from exc


def check_window(ctx: AppContext, session: Session, period: str, scheme: str | None) -> None:
    """Refuse (conflict) an appeal of ``period`` outside its window; ``scheme``: only its publication counts."""
    if scheme is not None and scheme not in ctx.schemes:
        raise Invalid(say(Msg.NOT_OFFICE_SCHEME, scheme=scheme, schemes=", ".join(ctx.schemes)))
    days, now = ctx.settings.appeal_days, ctx.settings.clock()
    window = appeal_window(session, [scheme] if scheme else list(ctx.schemes), period, days, now)
    if window.opens is None or window.closes is None or now < window.opens:
        raise Conflict(say(Msg.NOT_PUBLISHED_YET, period=period))
    if not window.open_now:
        closes, opens = f"{window.closes:%Y-%m-%d %H:%M}", f"{window.opens:%Y-%m-%d %H:%M}"
        raise Conflict(say(Msg.APPEAL_WINDOW_CLOSED, period=period, closes=closes, opens=opens, days=days))


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
        raise Invalid(say(Msg.NAME_THE_UNIT))
    if session.get(Unit, unit) is None:
        raise NotFound(say(Msg.NO_UNIT, unit=unit))
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


@dataclass(frozen=True)
class AcceptChoice:
    """What accepting does besides answering: correct under ``scheme`` (None: the only one that published the
    period), first withdrawing the disputed row when ``withdraw_row``."""

    scheme: str | None = None
    withdraw_row: bool = False


def target_row(target: str) -> tuple[str, int] | None:
    """The fact row an appeal disputes, when its target names one (``deductions:12`` → ("deductions", 12))."""
    kind, _, number = target.partition(":")
    if kind in TABLES and number.isdigit() and len(number) <= ROW_ID_DIGITS:
        return kind, int(number)
    return None


def answer_deadline(appeal: Appeal, days: int) -> datetime:
    """When the office's answer is due: ``days`` (``KAOPING_ANSWER_DAYS``) after the appeal was filed."""
    return appeal.created_at + timedelta(days=days)


def correction_scheme(ctx: AppContext, session: Session, period: str, scheme: str | None) -> str:
    """The scheme whose published ``period`` an accepted appeal corrects: the one named, else the only one
    of the office's schemes that has published it."""
    if scheme is not None:
        if scheme not in ctx.schemes:
            raise Invalid(
                (
                    f"scheme: 本系统未运行考评方案 {scheme}；应为 {'、'.join(ctx.schemes)}",
                    f"scheme: this office does not run {scheme}; it runs {', '.join(ctx.schemes)}",
                )
            )
        return scheme
    found = [name for name in ctx.schemes if current(session, scheme=name, period=period) is not None]
    if len(found) == 1:
        return found[0]
    if not found:
        raise Conflict((f"{period} 没有已发布的考评结果，无法更正", f"{period}: nothing published to correct"))
    raise Invalid(
        (
            f"scheme: {period} 在多个考评方案下已发布，请指定方案：{'、'.join(found)}",
            f"scheme: {period} is published under several schemes; name one of {', '.join(found)}",
        )
    )


def _correction_reason(session: Session, appeal: Appeal, answer: str, open_reason: str) -> str:
    """The appeal as the reason of the correction (shown on the public page beside the new version); an
    open correction's earlier reason is kept in front, so two accepted appeals are both named."""
    unit = session.get(Unit, appeal.unit_id)
    name = unit.name if unit is not None else appeal.unit_id
    own = f"受理申诉 #{appeal.id}（{name}）：{answer}"
    return own if not open_reason or own in open_reason else f"{open_reason}；{own}"


def _start_correction(
    ctx: AppContext, session: Session, who: Principal, appeal: Appeal, answer: str, choice: AcceptChoice
) -> None:
    """Withdraw the disputed row if asked, then compute the correction of the appeal's period (a draft to
    review and publish) with the appeal as its reason — in the caller's transaction."""
    scheme = correction_scheme(ctx, session, appeal.period, choice.scheme)
    open_row = next((r for r in versions(session, scheme=scheme, period=appeal.period) if r.status in OPEN), None)
    reason = _correction_reason(session, appeal, answer, open_row.reason if open_row is not None else "")
    row = target_row(appeal.target) if choice.withdraw_row else None
    if choice.withdraw_row and row is None:
        raise Invalid(
            (
                f"withdraw_row: 申诉 #{appeal.id} 未指向某条记录，无可撤销",
                f"withdraw_row: appeal #{appeal.id} names no row to withdraw",
            )
        )
    if row is not None:
        delete_row(session, row[0], row[1], actor=who.actor, reason=reason)
    compute_for_office(ctx, session, scheme=scheme, period=appeal.period, actor=who.actor, reason=reason)


def answer_appeal(
    ctx: AppContext,
    session: Session,
    who: Principal,
    appeal_id: int,
    *,
    status: AppealStatus,
    answer: str,
    accept: AcceptChoice | None = None,
) -> Appeal:
    """Answer an open appeal: accepted (已受理) starts a correction of its period with the appeal as the
    reason; rejected (已驳回) needs a reason; answered just replies.

    The appeal is read under a row lock, so of two answers at once the second sees the first and is
    refused.  The correction is computed before the appeal is changed: when computing is refused
    (separation of duties commits its ``denied`` event) the appeal is still open.  Committed with its
    audit events."""
    appeal = get_for_update(
        session, Appeal, appeal_id, NotFound((f"没有编号为 {appeal_id} 的申诉", f"no appeal {appeal_id}"))
    )
    if appeal.status != AppealStatus.OPEN:
        label = AppealStatus(appeal.status).label
        raise Conflict(
            f"申诉 #{appeal_id} 已答复（{label}），不能再次答复 (appeal {appeal_id} is already {appeal.status})"
        )
    answer = answer.strip()
    if not answer:
        raise Invalid("answer: 请填写答复（驳回须说明理由）")
    if status is AppealStatus.OPEN:
        raise Invalid("status: 答复须为受理、驳回或答复")
    if status is AppealStatus.ACCEPTED:
        _start_correction(ctx, session, who, appeal, answer, accept or AcceptChoice())
    appeal.answer = answer
    appeal.status = status
    audit = AuditWriter(session, who.actor, reason="appeal answered")
    detail = {"status": str(status), "answered_at": ctx.settings.clock().isoformat()}
    audit.event("update", "appeals", f"appeal:{appeal.id}", unit_id=appeal.unit_id, period=appeal.period, detail=detail)
    audit.flush()
    session.commit()
    return appeal


@dataclass(frozen=True)
class AppealsDue:
    """The office's appeals still to answer: how many, how many are past their deadline, the nearest one."""

    waiting: int
    overdue: int
    nearest: datetime | None


def appeals_due(session: Session, who: Principal, days: int, now: datetime) -> AppealsDue:
    """What the to-do panel says of appeals: a deadline is ``days`` after filing (:func:`answer_deadline`)."""
    stmt = scoped(select(Appeal.created_at), Appeal.unit_id, who, None, "read appeals")
    filed = list(session.scalars(stmt.where(Appeal.status == AppealStatus.OPEN)))
    deadlines = sorted(when + timedelta(days=days) for when in filed)
    overdue = sum(1 for d in deadlines if d < now)
    return AppealsDue(len(deadlines), overdue, deadlines[0] if deadlines else None)
