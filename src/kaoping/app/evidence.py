"""整改材料: photos a unit uploads to show a problem was rectified (and inspectors' photos of the problem).

One use case to store a photo and one to hand it out, for the API and the pages alike.  A photo is stored
only once decoded (:func:`kaoping.io.images.check_image`: a real PNG, JPEG or WebP, a bounded pixel count,
nothing appended), and kept twice: the bytes as uploaded, with the camera's EXIF (GPS position, time,
device), which the 考评办 may need to check where and when a photo was taken; and a copy encoded again
without any of it, which every other role that may read evidence is shown (:data:`Perm.EVIDENCE_ORIGINAL`
in the policy table says who sees the original).  The public sees no evidence at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from kaoping.app.errors import Invalid, NotFound, Problem
from kaoping.app.evidence_integrity import check_photo, mark_row
from kaoping.app.policy import Perm, Principal, allowed, own_unit_write, unit_scope
from kaoping.input_messages import Msg, say
from kaoping.io.images import CheckedImage, ImageRefused, check_image
from kaoping.io.photo_marks import photo_marks
from kaoping.store.audit import AuditWriter
from kaoping.store.tables import Evidence, Unit


@dataclass(frozen=True)
class NewEvidence:
    """What an upload names besides the file: the unit (a unit account's own when omitted) and the target."""

    target: str
    filename: str
    unit_id: str | None = None


def upload_evidence(session: Session, who: Principal, new: NewEvidence, data: bytes, at: datetime) -> Evidence:
    """Store a photo for a unit, with its cleaned copy and audit event (committed).

    The unit is checked before the file is looked at: a unit account uploads for itself only (a refusal
    is audited as ``denied``).  Raises :class:`~kaoping.io.images.ImageRefused` for a file that is not one
    clean image, :class:`Invalid` without a unit, :class:`NotFound` for an unknown one.
    """
    unit = own_unit_write(session, who, new.unit_id, "upload evidence", table="evidence")
    if unit is None:
        zh, en = say(Msg.NAME_THE_UNIT)
        problem = Problem(file="request body", row=None, column="unit_id", message=zh, message_en=en)
        raise Invalid((zh, en), [problem])
    if session.get(Unit, unit) is None:
        raise NotFound(say(Msg.NO_UNIT, unit=unit))
    row = add_evidence(session, who, unit, new, check_image(data), at)
    session.commit()
    return row


def add_evidence(
    session: Session, who: Principal, unit: str, new: NewEvidence, image: CheckedImage, at: datetime
) -> Evidence:
    """The checked photo stored for ``unit`` with its cleaned copy and audit event, flushed, not
    committed: :func:`upload_evidence` commits it alone, a deduction entered with its photo together with the
    row (:mod:`kaoping.app.deduction_photo`).  The caller has settled the unit and the right to write it.

    The photo's content address, difference hash and EXIF time and place are read from the original first
    and the integrity checks run on them (:mod:`kaoping.app.evidence_integrity`): what they find is flagged
    for the office, never refused."""
    data = image.original
    marks = photo_marks(data)
    name = new.filename.replace("/", "_").replace("\\", "_")[:300] or "upload"
    row = Evidence(
        unit_id=unit,
        target=new.target,
        filename=name,
        content_type=image.kind.value,
        data=image.original,
        shared=image.shared,
        created_at=at,
        created_by=who.actor,
    )
    mark_row(row, marks)
    session.add(row)
    session.flush()
    flags = check_photo(session, who, row, at)
    audit = AuditWriter(session, who.actor, reason="evidence uploaded")
    detail = {
        "target": new.target,
        "filename": name,
        "bytes": len(data),
        "sha256": marks.sha256,
        "pixels": f"{image.width}x{image.height}",
        "flags": [flag.kind for flag in flags],
    }
    audit.event("insert", "evidence", f"evidence:{row.id}", unit_id=unit, detail=detail)
    audit.flush()
    return row


@dataclass(frozen=True)
class EvidenceFile:
    """The bytes a reader is shown, their type, and whether they are the original (EXIF and all)."""

    content: bytes
    content_type: str
    original: bool


def evidence_file(session: Session, who: Principal, evidence_id: int) -> EvidenceFile:
    """The photo as ``who`` may see it: the original for the office, the cleaned copy for everyone else.

    A row stored before photos were checked gets its cleaned copy now (kept); one that does not decode as
    an image is the office's to look at only.
    """
    row = session.get(Evidence, evidence_id)
    if row is None:
        raise NotFound(say(Msg.NO_EVIDENCE, id=evidence_id))
    unit_scope(who, row.unit_id, "read evidence")
    if allowed(who.role, Perm.EVIDENCE_ORIGINAL):
        return EvidenceFile(row.data, row.content_type, original=True)
    if row.shared is None:
        try:
            row.shared = check_image(row.data).shared
        except ImageRefused as exc:
            raise NotFound(say(Msg.EVIDENCE_BAD_IMAGE, id=evidence_id, reason=exc.message)) from exc
        session.commit()
    return EvidenceFile(row.shared, row.content_type, original=False)
