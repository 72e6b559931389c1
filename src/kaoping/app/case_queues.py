"""The work lists of the case flow: each role sees only its work (各看各的待办).

- 受理员: the intake queue — pending intakes (信息收集) from every channel, oldest first;
- 派遣员 / 受理员: registered cases (立案) waiting for dispatch, each with the 处置手册's suggestion;
- 被考评单位: its own dispatched cases (待处置, returned ones counted), deadline first;
- 监督员: the cases fed back (处理反馈), waiting for verification.

The statuses come from each case's latest step (one query for the whole list); the lists are bounded
(:data:`LIMIT`) so a backlog cannot make a page unbounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kaoping.app.case_rules import CaseRules, Suggestion
from kaoping.app.case_steps import status_from_times
from kaoping.app.policy import Perm, Principal, allowed, forbidden, unit_scope
from kaoping.cases.lifecycle import LABELS, Status
from kaoping.store.tables import CaseRow, CaseTransition, Evidence

LIMIT = 500


@dataclass(frozen=True)
class CaseItem:
    """One case as a work list shows it."""

    case_id: str
    unit_id: str
    kind: str
    category: str
    channel: str
    reported_at: datetime
    status: Status
    dispatched_at: datetime | None
    deadline: datetime | None
    disposed_at: datetime | None
    rework_count: int
    overdue: bool
    suggestion: Suggestion | None = None

    @property
    def status_label(self) -> str:
        return LABELS[self.status]


def _latest(session: Session, ids: list[str]) -> dict[str, Status]:
    """Each case's latest step's status (cases without steps are absent)."""
    found: dict[str, Status] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        stmt = select(CaseTransition.case_id, CaseTransition.to_status).where(CaseTransition.case_id.in_(chunk))
        for case_id, status in session.execute(stmt.order_by(CaseTransition.id)):
            found[case_id] = Status(status)
    return found


def _items(session: Session, stmt: Select[CaseRow], want: set[Status], now: datetime) -> list[CaseItem]:
    rows = list(session.scalars(stmt.limit(LIMIT * 4)))
    latest = _latest(session, [r.case_id for r in rows])
    out: list[CaseItem] = []
    for r in rows:
        status = latest.get(r.case_id) or status_from_times(r)
        if status not in want:
            continue
        overdue = r.deadline is not None and r.disposed_at is None and now > r.deadline
        out.append(
            CaseItem(
                r.case_id,
                r.unit_id,
                r.kind,
                r.category,
                r.channel,
                r.reported_at,
                status,
                r.dispatched_at,
                r.deadline,
                r.disposed_at,
                r.rework_count,
                overdue,
            )
        )
    return out[:LIMIT]


def intake_queue(session: Session, who: Principal, now: datetime) -> list[CaseItem]:
    """待立案: pending intakes, oldest first."""
    if not allowed(who.role, Perm.CASE_INTAKE):
        raise forbidden(who, "read the intake queue")
    stmt = select(CaseRow).where(CaseRow.dispatched_at.is_(None), CaseRow.closed_at.is_(None))
    return _items(session, stmt.order_by(CaseRow.reported_at), {Status.REPORTED}, now)


def dispatch_queue(session: Session, who: Principal, rules: CaseRules, now: datetime) -> list[CaseItem]:
    """待派遣: registered cases with the handbook's suggestion."""
    if not allowed(who.role, Perm.CASE_DISPATCH):
        raise forbidden(who, "read the dispatch queue")
    stmt = select(CaseRow).where(CaseRow.dispatched_at.is_(None), CaseRow.closed_at.is_(None))
    items = _items(session, stmt.order_by(CaseRow.reported_at), {Status.REGISTERED}, now)
    return [_with(i, rules.suggest(i.category, i.kind)) for i in items]


def _with(item: CaseItem, suggestion: Suggestion | None) -> CaseItem:
    return CaseItem(**{**item.__dict__, "suggestion": suggestion})


def unit_todo(session: Session, who: Principal, unit_id: str | None, now: datetime) -> list[CaseItem]:
    """待处置: a unit's dispatched cases not yet fed back (a returned one again), earliest deadline first."""
    if not allowed(who.role, Perm.CASE_TODO):
        raise forbidden(who, "read a unit's case to-dos")
    unit = unit_scope(who, unit_id, "read case to-dos")
    stmt = select(CaseRow).where(
        CaseRow.dispatched_at.is_not(None), CaseRow.disposed_at.is_(None), CaseRow.closed_at.is_(None)
    )
    if unit is not None:
        stmt = stmt.where(CaseRow.unit_id == unit)
    return _items(session, stmt.order_by(CaseRow.deadline), {Status.DISPATCHED, Status.DISPOSING}, now)


def verify_queue(session: Session, who: Principal, now: datetime) -> list[CaseItem]:
    """待核查: cases fed back, oldest feedback first; the office also sees those drawn for its second check."""
    if not allowed(who.role, Perm.CASE_VERIFY):
        raise forbidden(who, "read the verification queue")
    stmt = select(CaseRow).where(CaseRow.disposed_at.is_not(None), CaseRow.closed_at.is_(None))
    want = {Status.FEEDBACK, Status.VERIFYING} if allowed(who.role, Perm.CASE_APPROVE) else {Status.FEEDBACK}
    return _items(session, stmt.order_by(CaseRow.disposed_at), want, now)


def photos_of(session: Session, case_ids: list[str]) -> dict[str, list[int]]:
    """The feedback photos (evidence ids) of each case, oldest first: what the 监督员 looks at before 核查."""
    targets = {f"case:{c}": c for c in case_ids}
    found: dict[str, list[int]] = {c: [] for c in case_ids}
    if not targets:
        return found
    stmt = select(Evidence.id, Evidence.target).where(Evidence.target.in_(list(targets))).order_by(Evidence.id)
    for evidence_id, target in session.execute(stmt):
        found[targets[target]].append(evidence_id)
    return found
