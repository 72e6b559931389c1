"""整改 workflow state (issue #17): one row per notified problem's run (its plan, status and 督办) and its
re-inspections.  The facts a score is computed from stay in ``notices`` (a failed re-inspection adds a notice
row with ``failed_reinspections``, a pass fills ``rectified_on``); these tables keep what the people did."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kaoping.store.tables import Base, UnitRecord


class Rectification(UnitRecord, Base):
    """One problem of one unit from its first notification until it is rectified (整改): the unit's plan
    (目标、时限、措施), its status and, once overdue, the office's 督办."""

    __tablename__ = "rectifications"
    __table_args__ = (UniqueConstraint("unit_id", "problem_id", "first_notified"),)
    problem_id: Mapped[str] = mapped_column(String(100))
    first_notified: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    """:class:`kaoping.app.rectify_flow.Status` (open, planned, passed)."""
    target: Mapped[str] = mapped_column(Text, default="")
    time_limit: Mapped[date | None] = mapped_column(Date, nullable=True)
    measures: Mapped[str] = mapped_column(Text, default="")
    planned_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    planned_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    supervised_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    """The day the overdue problem went to 督办 (None: not yet)."""
    supervised_by: Mapped[str | None] = mapped_column(String(100), nullable=True)


class Reinspection(Base):
    """复查: an inspector's look at a rectification, passed or failed."""

    __tablename__ = "reinspections"
    id: Mapped[int] = mapped_column(primary_key=True)
    rectification_id: Mapped[int] = mapped_column(ForeignKey("rectifications.id"), index=True)
    inspected_on: Mapped[date] = mapped_column(Date)
    passed: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
    inspector: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    failures_before: Mapped[int] = mapped_column(Integer, default=0)
    """How many re-inspections of the rectification had failed before this one (kept for the trail)."""
