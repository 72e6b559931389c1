"""照片核验标记 (evidence_flags): what the integrity checks found about a stored photo, for the office to
review — migration 0013_evidence_integrity.  Kept beside ``tables.py`` (near its size limit) on the same
``Base``.

A flag is never deleted and its finding never rewritten: reviewing it only sets who looked and when
(``reviewed_by``/``reviewed_at``, with an audit event), so what was found stays on record next to the
decision.  ``other_id`` is the earlier photo a reused one matches (None for a time or place mismatch).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kaoping.store.tables import Base


class EvidenceFlag(Base):
    __tablename__ = "evidence_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    """A :class:`kaoping.app.evidence_integrity.FlagKind`."""
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), index=True)
    other_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"), nullable=True)
    detail: Mapped[dict[str, object]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
