"""The field app's sync ledger (现场采集同步记录): migration 0015_deduction_points.

One row per entry the field app (``/field``) sent, keyed by the idempotency key the phone generated when the
inspector saved it.  The key is unique in the store, so a sync retried after a lost answer (the phone went
offline mid-request) finds the row of the first attempt and answers with the same deduction instead of
writing another.  An entry that conflicts (the same problem kind at the same unit, place and day under another
key, or a task reassigned since the phone downloaded it) is kept here with its values, so nothing the inspector
recorded is lost: the app shows it, and the inspector may send it again confirmed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kaoping.store.tables import Base


class FieldEntryRow(Base):
    __tablename__ = "field_entries"
    __table_args__ = (Index("ix_field_entries_place", "unit_id", "day", "problem_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    """The phone's idempotency key (a UUID): a second sync with it answers with this row."""
    actor: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    """``written`` (the deduction exists) or ``conflict`` (kept, not written: see ``detail``)."""
    unit_id: Mapped[str] = mapped_column(String(100))
    day: Mapped[date] = mapped_column(Date)
    problem_kind: Mapped[str] = mapped_column(String(40))
    place: Mapped[str] = mapped_column(String(500))
    """Where, as compared for conflicts: the location text, else the point rounded to about 10 m."""
    task: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The plan visit (plan_visits.id) the entry was recorded for, if any."""
    deduction_id: Mapped[int | None] = mapped_column(ForeignKey("deductions.id", ondelete="SET NULL"), nullable=True)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id", ondelete="SET NULL"), nullable=True)
    values: Mapped[dict[str, object]] = mapped_column(JSON)
    """The entry as sent (without the photo), so a conflict keeps everything the inspector recorded."""
    detail: Mapped[dict[str, object]] = mapped_column(JSON)
    """Why it conflicts, and the warnings the sync answered (a point outside the unit's area)."""
    device_time: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
