"""A deduction entered with its photo (督查员现场拍照扣分): the row and the picture of the problem, or neither.

An inspector on the street enters a deduction from a phone and attaches the photo the camera just took.
Entered apart, a refused photo would leave a deduction without its proof (or a photo of nothing), so both
are written in one transaction: the photo is decoded first (:func:`kaoping.io.images.check_image`, the
same bounds as every evidence upload), then the row goes through :func:`kaoping.app.facts.stage_fact` —
the very checks of a single-row entry — and the photo is stored against it (``deductions:<id>``, the
target the unit page shows a deduction's photos by); nothing is committed until both are in.

Who may attach it is who may write the deduction (``Perm.DEDUCTIONS_WRITE`` of the policy table): the
photo documents the problem the row records, it is not a unit's rectification evidence
(``Perm.EVIDENCE_UPLOAD``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from kaoping.app import facts
from kaoping.app.context import AppContext
from kaoping.app.errors import Invalid, Problem
from kaoping.app.evidence import NewEvidence, add_evidence
from kaoping.app.policy import Perm, Principal, allowed, deny
from kaoping.io.images import CheckedImage, ImageRefused, check_image
from kaoping.store.tables import Evidence

KIND = "deductions"
PHOTO_FIELD = "photo"
"""The form field of the photo, named by the error a refused photo raises (the form shows it there)."""


@dataclass(frozen=True)
class Photo:
    """The attached file as the edge read it: its name on the phone and at most ``MAX_BYTES`` + 1 bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class Entered:
    """What was written: the deduction's outcome (insert, update or unchanged) and its stored photo."""

    outcome: facts.Outcome
    evidence: Evidence


def checked_photo(photo: Photo) -> CheckedImage:
    """The photo decoded and bounded, or :class:`Invalid` naming the photo field with the Chinese reason."""
    try:
        return check_image(photo.data)
    except ImageRefused as exc:
        problem = Problem(file="request body", row=None, column=PHOTO_FIELD, message=exc.message)
        raise Invalid(f"{PHOTO_FIELD}: {exc.message}", [problem]) from exc


def write_deduction_with_photo(
    ctx: AppContext,
    session: Session,
    who: Principal,
    values: dict[str, Any],
    photo: Photo,
    *,
    reason: str,
    confirm: bool = False,
) -> Entered:
    """Write one deduction row and its photo in one transaction (committed), or nothing.

    Raises what :func:`kaoping.app.facts.write_fact` raises for the row, and :class:`Invalid` on the
    ``photo`` field for a file that is not one clean image — checked before anything is written.
    """
    if not allowed(who.role, Perm.DEDUCTIONS_WRITE):
        deny(session, who, "enter a deduction with a photo", table=KIND)
    image = checked_photo(photo)
    try:
        outcome = facts.stage_fact(ctx, session, who, KIND, values, reason=reason, confirm=confirm)
        row: Any = outcome.row
        new = NewEvidence(target=f"{KIND}:{row.id}", filename=photo.filename)
        evidence = add_evidence(session, who, row.unit_id, new, image, ctx.settings.clock())
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return Entered(outcome, evidence)
