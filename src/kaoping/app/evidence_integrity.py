"""照片核验: every stored photo checked against the row it is evidence for and against every earlier photo.

The frauds found in practice were staged photos, so a photo is never taken at its word — nor refused: what
looks wrong is *flagged* for the 考评办 to look at (``evidence_flags``), and the photo is stored as usual.
Nothing is deleted, and a flag is only ever marked reviewed (who, when, an audit event).

Two checks run when a photo is stored (:func:`check_photo`, inside the upload's transaction):

* **reused** (:attr:`FlagKind.REUSED`): the same file (equal SHA-256) or the same picture (difference hashes
  at most :data:`MAX_DISTANCE` of 64 bits apart: re-encoded, resized, lightly cropped) was stored before
  for another unit, another row, or in another month (a flat picture's hash says too little to match by:
  only the same file counts for it).  The same photo again for the same row in the same
  month is a repeated upload, not a reuse.
* **time** (:attr:`FlagKind.TIME`): the camera's EXIF time is far from the time the row claims — a
  deduction's date (and time, when entered).  A photo of the problem (an inspector's or the office's) must be
  taken on the deduction's day (one day either side: the date is local, the phone's clock may be off), or
  within :data:`HOURS_OFF` hours of its time; a unit's rectification photo must not be older than the problem
  it rectifies.  Deduction rows carry no coordinates (``location`` is free text), so the photo's GPS position
  is kept and shown but **not compared**; a photo without EXIF time is not compared either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from kaoping.app.errors import NotFound
from kaoping.app.policy import UNIT, Perm, Principal, allowed, deny
from kaoping.io.photo_marks import PhotoMarks, hamming, informative
from kaoping.store.audit import AuditWriter
from kaoping.store.integrity_tables import EvidenceFlag
from kaoping.store.tables import DeductionRow, Evidence

MAX_DISTANCE = 6
"""Difference hashes this many bits apart or fewer (of 64) are the same picture; unrelated photos differ in
about 32, the same photo re-encoded or resized in 0–4."""
HOURS_OFF = 3
"""A photo of a deduction entered with its time must be taken within this many hours of it."""
MAX_MATCHES = 10
"""At most this many earlier photos are named per upload (the earliest first): enough to show the reuse."""


class FlagKind(StrEnum):
    REUSED = "reused"
    TIME = "time"


FLAG_NAMES = {FlagKind.REUSED: "照片重复使用", FlagKind.TIME: "拍摄时间与记录不符"}


def mark_row(row: Evidence, marks: PhotoMarks) -> None:
    """Store the photo's marks on its evidence row (before the EXIF is stripped from what others see)."""
    row.sha256, row.dhash, row.taken_at = marks.sha256, marks.dhash, marks.taken_at
    row.latitude, row.longitude = marks.latitude, marks.longitude


def check_photo(session: Session, who: Principal, row: Evidence, at: datetime) -> list[EvidenceFlag]:
    """The flags a newly stored (flushed, marked) photo raises, added to the session, not committed."""
    flags = [_flag(FlagKind.REUSED, row, at, detail, other) for other, detail in _reuses(session, row)]
    off = _time_off(session, who, row)
    if off is not None:
        flags.append(_flag(FlagKind.TIME, row, at, off, None))
    session.add_all(flags)
    session.flush()
    return flags


def _flag(kind: FlagKind, row: Evidence, at: datetime, detail: dict[str, Any], other: int | None) -> EvidenceFlag:
    return EvidenceFlag(kind=kind.value, evidence_id=row.id, other_id=other, detail=detail, created_at=at)


def _month(taken_at: datetime | None, created_at: datetime) -> str:
    return (taken_at or created_at).strftime("%Y-%m")


_MARKS = (Evidence.id, Evidence.unit_id, Evidence.target, Evidence.sha256, Evidence.dhash)


def _reuses(session: Session, row: Evidence) -> list[tuple[int, dict[str, Any]]]:
    """(earlier photo, detail) for each earlier photo of the same picture in another unit, row or month.

    Reads the marks of every photo (a few columns, never the bytes); a bit-sliced index would replace the
    scan if evidence ever reached millions of photos."""
    if row.sha256 is None or row.dhash is None:
        return []
    month, near = _month(row.taken_at, row.created_at), informative(row.dhash)
    stmt = select(*_MARKS, Evidence.taken_at, Evidence.created_at).where(
        Evidence.id != row.id, Evidence.dhash.is_not(None)
    )
    found: list[tuple[int, dict[str, Any]]] = []
    for other_id, unit, target, sha256, mark, taken_at, created_at in session.execute(stmt.order_by(Evidence.id)):
        same_file = sha256 == row.sha256
        distance = 0 if same_file else hamming(row.dhash, mark or "0") if near else MAX_DISTANCE + 1
        other_month = _month(taken_at, created_at)
        pairs = (("unit", unit, row.unit_id), ("target", target, row.target), ("month", other_month, month))
        differs = [name for name, a, b in pairs if a != b]
        if distance > MAX_DISTANCE or not differs:
            continue
        detail = {"same_file": same_file, "distance": distance, "differs": differs, "units": [unit, row.unit_id]}
        found.append((other_id, detail | {"targets": [target, row.target], "months": [other_month, month]}))
        if len(found) >= MAX_MATCHES:
            break
    return found


def _claimed(session: Session, target: str) -> tuple[datetime, bool] | None:
    """The time the row a photo is evidence for claims, and whether it has a time of day (else noon)."""
    kind, _, key = target.partition(":")
    if kind != "deductions" or not key.isdigit() or len(key) > 18:
        return None
    deduction = session.get(DeductionRow, int(key))
    if deduction is None:
        return None
    return datetime.combine(deduction.date, deduction.time or time(12)), deduction.time is not None


def _time_off(session: Session, who: Principal, row: Evidence) -> dict[str, Any] | None:
    """The detail of a time mismatch between the photo's EXIF time and its row's claim, or None."""
    claim = _claimed(session, row.target) if row.taken_at is not None else None
    if claim is None or row.taken_at is None:
        return None
    claimed, timed = claim
    if who.role == UNIT:  # a rectification photo: not taken before the problem was found
        wrong = row.taken_at.date() < claimed.date() - timedelta(days=1)
    elif timed:
        wrong = abs(row.taken_at - claimed) > timedelta(hours=HOURS_OFF)
    else:
        wrong = abs((row.taken_at.date() - claimed.date()).days) > 1
    if not wrong:
        return None
    days = (row.taken_at.date() - claimed.date()).days
    detail: dict[str, Any] = {"taken_at": row.taken_at.isoformat(), "claimed": claimed.isoformat(), "days_off": days}
    return detail | {"timed": timed, "place": "not compared: the row has no coordinates"}


@dataclass(frozen=True)
class FlagView:
    """A flag with the photos it names, for the office's screen and the API."""

    flag: EvidenceFlag
    photo: Evidence
    other: Evidence | None

    @property
    def name(self) -> str:
        return FLAG_NAMES[FlagKind(self.flag.kind)]


def list_flags(session: Session, *, open_only: bool = False, limit: int = 500) -> list[FlagView]:
    """The flags, the ones not yet reviewed first, newest first within each (at most ``limit``)."""
    stmt = select(EvidenceFlag).order_by(EvidenceFlag.reviewed_at.is_not(None), EvidenceFlag.id.desc())
    if open_only:
        stmt = stmt.where(EvidenceFlag.reviewed_at.is_(None))
    flags = list(session.scalars(stmt.limit(limit)))
    ids = {f.evidence_id for f in flags} | {f.other_id for f in flags if f.other_id is not None}
    named = select(Evidence).options(defer(Evidence.data)).where(Evidence.id.in_(ids))
    photos = {e.id: e for e in session.scalars(named)} if ids else {}
    return [FlagView(f, photos[f.evidence_id], photos.get(f.other_id) if f.other_id else None) for f in flags]


def review_flag(session: Session, who: Principal, flag_id: int, at: datetime) -> EvidenceFlag:
    """Mark a flag reviewed by ``who`` (committed, audited).  A flag already reviewed keeps its first review:
    who looked first and when is what the record is for.  A role without the permission is refused (audited)."""
    if not allowed(who.role, Perm.EVIDENCE_FLAGS):
        deny(session, who, "review an evidence flag", table="evidence_flags")
    flag = session.get(EvidenceFlag, flag_id)
    if flag is None:
        raise NotFound((f"没有编号为 {flag_id} 的证据标记", f"no evidence flag {flag_id}"))
    if flag.reviewed_at is not None:
        return flag
    flag.reviewed_by, flag.reviewed_at = who.actor, at
    audit = AuditWriter(session, who.actor, reason="evidence flag reviewed")
    detail = {"kind": flag.kind, "evidence_id": flag.evidence_id, "other_id": flag.other_id}
    audit.event("update", "evidence_flags", f"evidence_flags:{flag.id}", detail=detail)
    audit.flush()
    session.commit()
    return flag
