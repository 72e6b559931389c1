"""数字城管 case flow state (issue #17) that the ``cases`` row has no column for: the 延期 / 挂账 / 作废 requests
waiting for the office's approval.  Everything a score is computed from stays on the case row (dispatched_at,
deadline, disposed_at, closed_at, rework_count, verify_failed, postponed) and its steps in ``case_transitions``;
this table keeps what was asked, by whom, and what the office decided."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kaoping.store.tables import Base


class CaseRequest(Base):
    """A request for 延期 (postpone, with the new deadline asked), 挂账 (suspend) or 作废 (invalidate) of one
    case, pending until the office approves or refuses it."""

    __tablename__ = "case_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.case_id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    """:class:`kaoping.app.case_approvals.Ask` (postpone, suspend, invalidate)."""
    reason: Mapped[str] = mapped_column(Text)
    new_deadline: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    """pending, approved or refused."""
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")
