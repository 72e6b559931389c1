"""Tables of inspection plans and their draws (检查计划、抽签结果): migration 0012_inspection_plans.

Kept beside ``tables.py`` (which is near its size limit) on the same ``Base``.  A plan row holds the secret
seed from its creation (its SHA-256, ``commitment``, is what is published before the draw), the inputs and
the assignment of the draw once drawn (JSON, with their digests), and when the seed was revealed.  One
``plan_visits`` row per drawn visit makes the office's progress a query.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kaoping.store.tables import Base, Created


class InspectionPlanRow(Created, Base):
    __tablename__ = "inspection_plans"
    __table_args__ = (UniqueConstraint("scheme", "period", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme: Mapped[str] = mapped_column(String(100))
    period: Mapped[str] = mapped_column(String(10), index=True)
    name: Mapped[str] = mapped_column(String(200))
    part: Mapped[str] = mapped_column(String(100))
    visit: Mapped[str] = mapped_column(String(20))
    frequency: Mapped[str] = mapped_column(String(20))
    per_month: Mapped[int] = mapped_column(Integer)
    quota: Mapped[int] = mapped_column(Integer)
    teams: Mapped[int] = mapped_column(Integer)
    team_size: Mapped[int] = mapped_column(Integer)
    seed: Mapped[str] = mapped_column(String(64))
    """Secret until ``revealed_at``: never shown by a page or the API before."""
    commitment: Mapped[str] = mapped_column(String(64))
    inputs: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    inputs_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    draw: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    draw_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    drawn_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    drawn_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    revealed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    """The inspections are done and the seed is public (公开种子)."""


class PlanVisitRow(Base):
    __tablename__ = "plan_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("inspection_plans.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[str] = mapped_column(String(100), index=True)
    team: Mapped[int] = mapped_column(Integer)
    inspectors: Mapped[list[str]] = mapped_column(JSON)
