"""延期、挂账、作废 of a case need the office's approval (审批): asked by the one who holds the case, decided by
the 考评办.

A unit asks to postpone (延期, with the new deadline it needs) or to suspend (挂账: a long-term case, out of the
on-time rates) one of its own dispatched cases; the 受理员 asks to invalidate (作废) a report that is no case.
The request waits in ``case_requests``; the office approves it — the lifecycle step is taken then, timed and
audited like every step (:mod:`kaoping.app.case_steps`) — or refuses it with a note.  A request is decided
once: the row is read under a lock and must still be pending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaoping.app.case_flow import bounded, refuse, require
from kaoping.app.case_steps import Held, hold, move
from kaoping.app.errors import Conflict
from kaoping.app.policy import Perm, Principal, allowed, deny, forbidden
from kaoping.cases.lifecycle import Event, Status
from kaoping.input_messages import Msg, say
from kaoping.roles import Role
from kaoping.store.audit import AuditWriter
from kaoping.store.case_flow_tables import CaseRequest
from kaoping.store.db import claim_writes
from kaoping.store.tables import CaseRow, CaseTransition


class Ask(StrEnum):
    """What may be asked of the office, and the lifecycle step its approval takes."""

    POSTPONE = "postpone"  # 延期
    SUSPEND = "suspend"  # 挂账
    INVALIDATE = "invalidate"  # 作废

    @property
    def event(self) -> Event:
        return {Ask.POSTPONE: Event.POSTPONE, Ask.SUSPEND: Event.SUSPEND, Ask.INVALIDATE: Event.INVALIDATE}[self]

    @property
    def label(self) -> str:
        return {Ask.POSTPONE: "延期", Ask.SUSPEND: "挂账", Ask.INVALIDATE: "作废"}[self]


SUSPENDED_LIMIT = 500
"""The most suspended cases one list shows: a backlog cannot make the page unbounded."""
TEXT_NOTE = 500
"""The longest request reason copied into the step's note."""
ASKED_BY = {Ask.POSTPONE: Perm.CASE_TODO, Ask.SUSPEND: Perm.CASE_TODO, Ask.INVALIDATE: Perm.CASE_INTAKE}
"""The permission that asks each: the unit holding the case, or the 受理员 for a report that is no case."""


@dataclass(frozen=True)
class NewAsk:
    case_id: str
    kind: Ask
    reason: str
    new_deadline: datetime | None = None


def ask(session: Session, who: Principal, new: NewAsk, at: datetime) -> CaseRequest:
    """File a request for the office's approval; audited, committed."""
    require(session, who, ASKED_BY[new.kind], f"ask to {new.kind.value} case {new.case_id}")
    reason = bounded(new.reason, "reason", needed=True)
    held = hold(session, new.case_id)
    if who.role == Role.UNIT and held.row.unit_id != who.unit_id:
        deny(session, who, f"ask about case {new.case_id} of unit '{held.row.unit_id}'", table="cases")
    if new.kind is Ask.POSTPONE:
        current = held.row.deadline
        if new.new_deadline is None or (current is not None and new.new_deadline <= current):
            raise refuse("new_deadline", *say(Msg.NEW_DEADLINE, deadline=str(current or "—")))
    row = CaseRequest(
        case_id=new.case_id,
        kind=new.kind.value,
        reason=reason,
        new_deadline=new.new_deadline if new.kind is Ask.POSTPONE else None,
        requested_by=who.actor,
        requested_at=at,
        status="pending",
        decision_note="",
    )
    session.add(row)
    session.flush()
    audit = AuditWriter(session, who.actor, reason=f"申请{new.kind.label}：{reason}"[:200])
    detail = {"request": row.id, "kind": new.kind.value, "new_deadline": str(row.new_deadline or "")}
    audit.event("case_ask", "cases", new.case_id, unit_id=held.row.unit_id, detail=detail)
    audit.flush()
    session.commit()
    return row


def pending(session: Session) -> list[CaseRequest]:
    """The requests waiting for the office, oldest first."""
    stmt = select(CaseRequest).where(CaseRequest.status == "pending").order_by(CaseRequest.requested_at)
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class Suspended:
    """A case on 挂账, as the office's list shows it: when it was suspended and the approval's note (its reason)."""

    case_id: str
    unit_id: str
    kind: str
    category: str
    suspended_at: datetime
    note: str


def suspended(session: Session, who: Principal) -> list[Suspended]:
    """The cases whose latest step is 挂账, oldest first: what the office may resume (恢复处置)."""
    if not allowed(who.role, Perm.CASE_APPROVE):
        raise forbidden(who, "read the suspended cases")
    latest = select(func.max(CaseTransition.id)).group_by(CaseTransition.case_id)
    stmt = (
        select(CaseRow, CaseTransition)
        .join(CaseTransition, CaseTransition.case_id == CaseRow.case_id)
        .where(CaseTransition.id.in_(latest), CaseTransition.to_status == Status.SUSPENDED.value)
        .order_by(CaseTransition.at, CaseTransition.id)
        .limit(SUSPENDED_LIMIT)
    )
    return [
        Suspended(row.case_id, row.unit_id, row.kind, row.category, step.at, step.note)
        for row, step in session.execute(stmt)
    ]


def decide(session: Session, who: Principal, request_id: int, approve: bool, note: str, at: datetime) -> CaseRequest:
    """The office approves (the step is taken) or refuses a pending request; audited, committed."""
    require(session, who, Perm.CASE_APPROVE, f"decide case request {request_id}")
    text = bounded(note, "note", needed=not approve)
    claim_writes(session)
    stmt = select(CaseRequest).where(CaseRequest.id == request_id).with_for_update()
    row = session.scalars(stmt.execution_options(populate_existing=True)).one_or_none()
    if row is None or row.status != "pending":
        raise Conflict(say(Msg.NO_CASE_REQUEST, id=request_id))
    kind = Ask(row.kind)
    held = hold(session, row.case_id)
    if approve:
        label = f"{kind.label}（审批通过）：{row.reason}"[:TEXT_NOTE]
        move(session, who.actor, held, kind.event, at, deadline=row.new_deadline, note=label)
    row.status = "approved" if approve else "refused"
    row.decided_by, row.decided_at, row.decision_note = who.actor, at, text
    audit = AuditWriter(session, who.actor, reason=f"{kind.label}{'批准' if approve else '不予批准'}")
    detail = {"request": row.id, "kind": kind.value, "approved": approve, "note": text}
    audit.event("case_decide", "cases", row.case_id, unit_id=held.row.unit_id, detail=detail)
    audit.flush()
    session.commit()
    return row


def resume(session: Session, who: Principal, case_id: str, at: datetime) -> Held:
    """挂账 ended by the office: the case is the unit's again, with the deadline it had."""
    require(session, who, Perm.CASE_APPROVE, f"resume case {case_id}")
    held = move(session, who.actor, hold(session, case_id, Status.SUSPENDED), Event.RESUME, at, note="恢复处置")
    session.commit()
    return held
