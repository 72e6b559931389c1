"""现场采集同步: the field app's queued entries written as deductions, each once, whatever the network did.

The phone gives every entry an idempotency key (a UUID) when the inspector saves it, and sends it again until
it has an answer.  The key is stored with the deduction it became (``field_entries``, unique), in the same
transaction as the row and its photo, so a sync retried after a lost answer finds the first one and answers
with the same row id — never a second row.  Two syncs racing with one key meet the unique constraint: the
loser rolls back and answers as a retry.

What is not written is not lost either: an entry that conflicts — the same problem kind at the same unit,
place and day already written under another key, a task reassigned since the phone downloaded it — is kept
in ``field_entries`` with everything it said and answered as a conflict, which the app shows; sent again
with ``confirm`` and a reason it is written.  An entry the checks refuse (invalid, or a warning that needs a
reason) is answered so and stays queued on the phone.  A point outside the unit's area is only a warning.

Each entry goes through :func:`kaoping.app.facts.stage_fact` (the policy's row rule, the schemes, the
standard's points, the entry checks, the audit row) and its photo through
:func:`kaoping.app.evidence.add_evidence` (content-addressed, integrity-checked) — the paths of every other
deduction and photo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kaoping.app import facts
from kaoping.app.context import AppContext
from kaoping.app.deduction_photo import Photo, checked_photo
from kaoping.app.errors import Denied, Invalid, NeedsConfirmation, NotFound, Problem
from kaoping.app.evidence import NewEvidence, add_evidence
from kaoping.app.field_points import outside_area, place_of
from kaoping.app.policy import Principal
from kaoping.roles import Role
from kaoping.store.audit import AuditWriter
from kaoping.store.field_tables import FieldEntryRow
from kaoping.store.plan_tables import PlanVisitRow

KIND = "deductions"
OUTSIDE_AREA = "定位点不在该单位的辖区范围内（仅提示，已保存）"


class SyncStatus(StrEnum):
    """What became of one entry."""

    WRITTEN = "written"  # written now
    DUPLICATE = "duplicate"  # written by an earlier sync with this key: the same row answered again
    CONFLICT = "conflict"  # kept, not written (see ConflictKind); send again confirmed to write it
    INVALID = "invalid"  # refused by the checks: fix it on the phone
    NEEDS_CONFIRMATION = "needs_confirmation"  # a warning of the entry checks: send again with a reason
    REFUSED = "refused"  # not this account's to write


class ConflictKind(StrEnum):
    SAME_PROBLEM = "same_problem"  # 同一单位、地点、日期的同类问题已由另一条记录录入
    TASK_REASSIGNED = "task_reassigned"  # 任务已改派他人（或已撤销）
    SAME_ROW = "same_row"  # 与已有扣分记录完全相同（同一时间、地点、问题）


CONFLICT_TEXT = {
    ConflictKind.SAME_PROBLEM: "同一单位、同一地点、同一天的同类问题已录入（另一条记录）",
    ConflictKind.TASK_REASSIGNED: "该检查任务已改派他人或已撤销",
    ConflictKind.SAME_ROW: "已有一条完全相同的扣分记录",
}


@dataclass(frozen=True)
class FieldEntry:
    """One entry as the phone queued it (the API's model, bounded, turned into the app's terms)."""

    key: str
    unit_id: str
    part: str
    item: str
    problem_kind: str
    recorded_at: datetime
    """The device's clock when the inspector saved it (local time): the deduction's date and time."""
    quantity: Decimal | None = None
    points: float | None = None
    """As the phone computed it; None: the standard's points for the kind and quantity."""
    problem: str = ""
    location: str = ""
    lat: float | None = None
    lon: float | None = None
    accuracy_m: float | None = None
    task: int | None = None
    photo: Photo | None = None
    confirm: bool = False
    reason: str = ""


@dataclass
class SyncResult:
    key: str
    status: SyncStatus
    deduction_id: int | None = None
    evidence_id: int | None = None
    points: str | None = None
    conflict: ConflictKind | None = None
    other_deduction_id: int | None = None
    messages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def standard_points(ctx: AppContext, kind: str, quantity: Decimal | None) -> Decimal | None:
    """The standard points of ``kind`` in the first of the office's schemes whose standard has it."""
    for office in ctx.schemes.values():
        standard = office.scheme.catalogue
        entry = standard.kinds().get(kind) if standard is not None else None
        if entry is not None:
            return entry.points(quantity)
    return None


def _values(ctx: AppContext, who: Principal, e: FieldEntry) -> dict[str, Any]:
    """The deduction row the entry stands for."""
    points: float | Decimal | None = e.points
    if points is None:
        points = standard_points(ctx, e.problem_kind, e.quantity) if e.problem_kind else None
    return {
        "date": e.recorded_at.date(),
        "time": e.recorded_at.time().replace(microsecond=0),
        "unit_id": e.unit_id,
        "part": e.part,
        "item": e.item,
        "points": float(points) if points is not None else None,
        "source": who.display_name or who.actor,
        "problem": e.problem,
        "location": e.location,
        "evidence": e.photo.filename if e.photo else "",
        "problem_kind": e.problem_kind,
        "quantity": float(e.quantity) if e.quantity is not None else None,
        "override_reason": e.reason if e.points is not None else "",
        "lat": e.lat,
        "lon": e.lon,
        "accuracy_m": e.accuracy_m,
    }


def _conflict(session: Session, who: Principal, e: FieldEntry, place: str) -> tuple[ConflictKind, int | None] | None:
    """Why the entry should not be written unconfirmed, with the row it collides with; None: no conflict."""
    if e.task is not None:
        visit = session.get(PlanVisitRow, e.task)
        mine = visit is not None and (who.role == Role.ADMIN or who.actor in visit.inspectors)
        if visit is None or not mine or visit.unit_id != e.unit_id:
            return ConflictKind.TASK_REASSIGNED, None
    if e.problem_kind:
        stmt = select(FieldEntryRow.deduction_id).where(
            FieldEntryRow.unit_id == e.unit_id,
            FieldEntryRow.day == e.recorded_at.date(),
            FieldEntryRow.problem_kind == e.problem_kind,
            FieldEntryRow.place == place,
            FieldEntryRow.status == SyncStatus.WRITTEN.value,
            FieldEntryRow.key != e.key,
        )
        other = session.scalars(stmt.limit(1)).first()
        if other is not None:
            return ConflictKind.SAME_PROBLEM, other
    return None


def _listed(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def _answer(row: FieldEntryRow, status: SyncStatus) -> SyncResult:
    """The answer a kept ledger row gives (a retry, or a conflict shown again)."""
    detail = row.detail or {}
    kind = detail.get("conflict")
    other = detail.get("other_deduction_id")
    return SyncResult(
        key=row.key,
        status=status,
        deduction_id=row.deduction_id,
        evidence_id=row.evidence_id,
        points=str(detail["points"]) if detail.get("points") is not None else None,
        conflict=ConflictKind(kind) if isinstance(kind, str) else None,
        other_deduction_id=other if isinstance(other, int) else None,
        messages=[CONFLICT_TEXT[ConflictKind(kind)]] if isinstance(kind, str) else [],
        warnings=[w for w in _listed(detail.get("warnings")) if isinstance(w, str)],
    )


def _ledger(
    session: Session, who: Principal, e: FieldEntry, place: str, now: datetime, prior: FieldEntryRow | None
) -> FieldEntryRow:
    """The entry's ledger row (the prior one, or a new one added to the session), its values refreshed."""
    row = prior or FieldEntryRow(key=e.key, actor=who.actor, created_at=now)
    row.unit_id, row.day, row.problem_kind, row.place = e.unit_id, e.recorded_at.date(), e.problem_kind, place
    row.task, row.device_time = e.task, e.recorded_at.replace(microsecond=0)
    row.values = {k: (str(v) if v is not None else None) for k, v in _values_for_ledger(e).items()}
    if prior is None:
        session.add(row)
    return row


def _values_for_ledger(e: FieldEntry) -> dict[str, Any]:
    keep = ("unit_id", "part", "item", "problem_kind", "quantity", "points", "problem", "location", "lat", "lon")
    out = {k: getattr(e, k) for k in keep}
    return out | {"accuracy_m": e.accuracy_m, "task": e.task, "recorded_at": e.recorded_at.isoformat()}


def _audit(session: Session, who: Principal, row: FieldEntryRow) -> None:
    audit = AuditWriter(session, who.actor, reason="field app sync")
    detail = {"status": row.status, "deduction_id": row.deduction_id, **row.detail}
    audit.event("insert", "field_entries", f"field:{row.key}", unit_id=row.unit_id, detail=detail)
    audit.flush()


def _keep_conflict(
    session: Session, who: Principal, e: FieldEntry, place: str, now: datetime, found: tuple[ConflictKind, int | None]
) -> SyncResult:
    prior = session.scalars(select(FieldEntryRow).where(FieldEntryRow.key == e.key)).first()
    if prior is not None and prior.status == SyncStatus.WRITTEN.value:  # a sync racing with this one wrote it
        return _answer(prior, SyncStatus.DUPLICATE)
    row = _ledger(session, who, e, place, now, prior)
    row.status = SyncStatus.CONFLICT.value
    row.detail = {"conflict": found[0].value, "other_deduction_id": found[1], "warnings": []}
    session.flush()
    _audit(session, who, row)
    session.commit()
    return _answer(row, SyncStatus.CONFLICT)


def _problems(exc: Invalid | NeedsConfirmation) -> list[str]:
    return [f"{p.column}：{p.message}" if p.column else p.message for p in exc.problems] or [exc.message]


def _write(
    ctx: AppContext, session: Session, who: Principal, e: FieldEntry, place: str, prior: FieldEntryRow | None
) -> SyncResult:
    """Write the deduction, its photo and its ledger row in one transaction (committed), or nothing."""
    now = ctx.settings.clock()
    values = _values(ctx, who, e)
    image = checked_photo(e.photo) if e.photo else None
    outcome = facts.stage_fact(ctx, session, who, KIND, values, reason=e.reason, confirm=e.confirm and bool(e.reason))
    deduction: Any = outcome.row
    if outcome.action != "insert":  # the same row exists already: written by someone else, keep this one apart
        other = int(deduction.id)
        session.rollback()
        return _keep_conflict(session, who, e, place, now, (ConflictKind.SAME_ROW, other))
    evidence = None
    if image is not None and e.photo is not None:
        new = NewEvidence(target=f"{KIND}:{deduction.id}", filename=e.photo.filename)
        evidence = add_evidence(session, who, deduction.unit_id, new, image, now)
    warnings = [OUTSIDE_AREA] if outside_area(session, e.unit_id, e.lat, e.lon) else []
    row = _ledger(session, who, e, place, now, prior)
    row.status = SyncStatus.WRITTEN.value
    row.deduction_id, row.evidence_id = deduction.id, evidence.id if evidence else None
    row.detail = {"points": str(deduction.points), "warnings": warnings}
    session.flush()
    _audit(session, who, row)
    session.commit()
    return _answer(row, SyncStatus.WRITTEN)


def sync_entry(ctx: AppContext, session: Session, who: Principal, e: FieldEntry) -> SyncResult:
    """One entry: answered from the ledger if its key was seen, else checked for conflicts and written."""
    prior = session.scalars(select(FieldEntryRow).where(FieldEntryRow.key == e.key)).first()
    if prior is not None and prior.actor != who.actor:
        return SyncResult(e.key, SyncStatus.REFUSED, messages=["该记录编号已由其他账号使用，请重新录入"])
    if prior is not None and prior.status == SyncStatus.WRITTEN.value:
        return _answer(prior, SyncStatus.DUPLICATE)
    if prior is not None and not e.confirm:
        return _answer(prior, SyncStatus.CONFLICT)
    place = place_of(e.location, e.lat, e.lon)
    found = None if e.confirm else _conflict(session, who, e, place)
    if found is not None:
        return _keep_conflict(session, who, e, place, ctx.settings.clock(), found)
    try:
        return _write(ctx, session, who, e, place, prior)
    except IntegrityError:  # another sync with this key won the race: answer as its retry
        session.rollback()
        kept = session.scalars(select(FieldEntryRow).where(FieldEntryRow.key == e.key)).first()
        if kept is None:
            raise
        return _answer(kept, SyncStatus.DUPLICATE)
    except NeedsConfirmation as exc:
        session.rollback()
        return SyncResult(e.key, SyncStatus.NEEDS_CONFIRMATION, messages=_problems(exc))
    except Invalid as exc:
        session.rollback()
        return SyncResult(e.key, SyncStatus.INVALID, messages=_problems(exc))
    except NotFound as exc:  # an unknown unit
        session.rollback()
        return SyncResult(e.key, SyncStatus.INVALID, messages=[exc.message])
    except Denied as exc:
        return SyncResult(e.key, SyncStatus.REFUSED, messages=[exc.message])


def sync(ctx: AppContext, session: Session, who: Principal, entries: list[FieldEntry]) -> list[SyncResult]:
    """Every entry in order, each in its own transaction: one refused entry does not hold back the others."""
    return [sync_entry(ctx, session, who, e) for e in entries]


__all__ = ["ConflictKind", "FieldEntry", "Problem", "SyncResult", "SyncStatus", "standard_points", "sync"]
