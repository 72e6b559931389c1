"""保留结果 (kept_period_results): each computed version's result itself, kept beside its facts snapshot —
migration 0022_kept_period_results.  Kept beside ``tables.py`` (near its size limit) on the same ``Base``.

A published period is read on every page that shows it, and its snapshot holds every row that can matter
for it (millions at a big city); recomputing the period from it on each fresh process is most of what
reading a published year costs.  So the version's result, computed once from its snapshot when the version
is computed, is kept as JSON bytes (:mod:`kaoping.engine.result_codec`, ``format_version``) with their
sha256 and the addresses of what it was computed from (the snapshot's and the scheme text's sha256, the
period): a reader takes it only when those are the version's own.  The freeze of its version holds for it
too (:mod:`kaoping.store.kept_results`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from kaoping.store.tables import Base


class KeptPeriodResult(Base):
    __tablename__ = "kept_period_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("published_results.id"), unique=True)
    """The version (published_results row) whose result this is: one kept result per version."""
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    scheme_sha256: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(10))
    format_version: Mapped[int] = mapped_column(Integer)
    """The layout of ``data`` (:data:`kaoping.engine.result_codec.FORMAT`); another one is not read."""
    sha256: Mapped[str] = mapped_column(String(64))
    """sha256 of ``data``: bytes edited in the database without it are not read (the period is recomputed)."""
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime)
