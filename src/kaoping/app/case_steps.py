"""One recorded step of a case: the row held under a lock, the lifecycle's move, the row and the step written.

Every use case of the case flow (:mod:`kaoping.app.case_flow`, :mod:`kaoping.app.case_approvals`) moves a
case through here, so each step is done the same way: the ``cases`` row is read ``FOR UPDATE`` (two
dispatchers cannot both dispatch it; on SQLite the write lock is claimed first), the status the caller saw
is checked against the stored one (a page that shows a stale status is refused, not obeyed), the pure state
machine of :mod:`kaoping.cases.lifecycle` decides, the transition is appended to ``case_transitions`` and the
row's times (dispatched_at, deadline, disposed_at, closed_at, rework_count, verify_failed, postponed) are
written through the one audited fact write — whose triggers keep the case cells, and so the metrics and
scores, current with no import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.app.errors import Conflict, NotFound
from kaoping.app.facts import write_row
from kaoping.cases.lifecycle import LABELS, Case, Event, IllegalTransition, Status, apply
from kaoping.facts.columns import ROW, SCHEMAS
from kaoping.input_messages import Msg, say
from kaoping.store.audit import AuditWriter
from kaoping.store.db import claim_writes
from kaoping.store.tables import CaseRow, CaseTransition

CASE_COLUMNS = [c for c in SCHEMAS["cases"].names() if c != ROW]
LIFECYCLE_COLUMNS = [c for c in CASE_COLUMNS if c in Case.__dataclass_fields__]
STEP_NAMES: dict[Event, tuple[str, str]] = {
    Event.REGISTER: ("立案", "register it"),
    Event.INVALIDATE: ("作废", "invalidate it"),
    Event.DISPATCH: ("派遣", "dispatch it"),
    Event.ACCEPT: ("接收", "accept it"),
    Event.FEEDBACK: ("处置反馈", "feed back on it"),
    Event.VERIFY: ("核查", "verify it"),
    Event.PASS: ("核查通过", "pass it"),
    Event.FAIL: ("核查不通过", "fail it"),
    Event.POSTPONE: ("延期", "postpone it"),
    Event.SUSPEND: ("挂账", "suspend it"),
    Event.RESUME: ("恢复", "resume it"),
}


def status_of(session: Session, row: CaseRow) -> Status:
    """The case's status: its latest step's, else (an imported row, no steps) what its times show."""
    last = session.scalars(
        select(CaseTransition.to_status)
        .where(CaseTransition.case_id == row.case_id)
        .order_by(CaseTransition.id.desc())
        .limit(1)
    ).first()
    return Status(last) if last else status_from_times(row)


def status_from_times(row: CaseRow) -> Status:
    """An imported case's status (it has no recorded steps): what its times show."""
    if row.closed_at is not None:
        return Status.CLOSED
    if row.disposed_at is not None:
        return Status.FEEDBACK
    if row.dispatched_at is not None:
        return Status.DISPATCHED
    return Status.REPORTED


def status_text(status: Status) -> tuple[str, str]:
    return LABELS[status], status.value


@dataclass
class Held:
    """A case row held under its lock, and the lifecycle's view of it."""

    row: CaseRow
    case: Case


def hold(session: Session, case_id: str, expected: Status | None = None) -> Held:
    """The case ``case_id`` locked for this transaction; with ``expected``, refused unless it is still there."""
    claim_writes(session)  # SQLite: the write lock before the read; PostgreSQL: the row lock below
    stmt = select(CaseRow).where(CaseRow.case_id == case_id).with_for_update()
    row = session.scalars(stmt.execution_options(populate_existing=True)).one_or_none()
    if row is None:
        raise NotFound(say(Msg.NO_CASE, case=case_id))
    status = status_of(session, row)
    if expected is not None and status != expected:
        raise Conflict(say(Msg.CASE_MOVED, case=case_id, status=status_text(status)))
    case = Case(**{c: getattr(row, c) for c in LIFECYCLE_COLUMNS}, status=status)
    return Held(row, case)


def move(
    session: Session,
    actor: str,
    held: Held,
    event: Event,
    at: datetime,
    *,
    deadline: datetime | None = None,
    note: str = "",
    changes: dict[str, Any] | None = None,
) -> Held:
    """``event`` applied to the held case: the step appended, the row written (audited), one ``case_step``
    audit event with the step; flushed, not committed.  ``changes`` are other columns to write with it (the
    unit a dispatch names)."""
    try:
        new = apply(held.case, event, at=at, actor=actor, deadline=deadline, note=note)
    except IllegalTransition as exc:
        name = STEP_NAMES[event]
        raise Conflict(
            say(Msg.CASE_STEP, case=held.case.case_id, status=status_text(held.case.status), step=name)
        ) from exc
    step = new.history[-1]
    session.add(
        CaseTransition(
            case_id=new.case_id,
            from_status=step.from_status.value,
            to_status=step.to_status.value,
            at=at,
            actor=actor,
            note=note,
        )
    )
    values = {c: getattr(held.row, c) for c in CASE_COLUMNS} | {c: getattr(new, c) for c in LIFECYCLE_COLUMNS}
    values |= changes or {}
    frame = pl.DataFrame([values | {ROW: 0}], schema=SCHEMAS["cases"])
    reason = f"案卷{STEP_NAMES[event][0]}"
    outcome = write_row(session, "cases", frame, actor=actor, reason=reason)
    stored = outcome.row
    assert isinstance(stored, CaseRow)
    audit = AuditWriter(session, actor, reason=reason)
    detail = {
        "event": event.value,
        "from": step.from_status.value,
        "to": step.to_status.value,
        "at": at.isoformat(),
        "note": note,
        "deadline": new.deadline.isoformat() if new.deadline else None,
        **{k: str(v) for k, v in (changes or {}).items()},
    }
    audit.event("case_step", "cases", new.case_id, unit_id=stored.unit_id, detail=detail)
    audit.flush()
    return Held(stored, new)
