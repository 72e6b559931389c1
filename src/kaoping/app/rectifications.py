"""整改逾期: the notifications still not rectified after the scheme's deadline — what the office chases.

A notification (整改通报, notices.csv) is late when it is not rectified within the scheme's ``rectify_days``
(:class:`~kaoping.scheme.model.RectificationPenalty`, calendar or working days as the engine counts them:
rectified on the last day is in time).  Late and *still open* — no ``rectified_on`` yet, the deadline
passed — is a task for the office's to-do panel, per unit, with the oldest notification first.  A scheme
without a rectification rule sets no deadline, so nothing is overdue under it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.engine.rectification import due_dates
from kaoping.scheme import Scheme
from kaoping.store.tables import NoticeRow, Unit


@dataclass(frozen=True)
class OverdueRectifications:
    """One unit's notifications past their deadline and still open (逾期未整改)."""

    unit_id: str
    name: str
    count: int
    oldest: date


def rectify_days(scheme: Scheme) -> int | None:
    """The scheme's deadline in days (the strictest of its rules), None without a rectification rule."""
    days = [rule.rectify_days for rule in scheme.penalties]
    return min(days) if days else None


def overdue_rectifications(session: Session, scheme: Scheme, today: date) -> list[OverdueRectifications]:
    """Per unit of the scheme, its open notifications whose deadline (``rectify_days`` after them, working days
    where the rule says so: :func:`kaoping.engine.rectification.due_dates`) is before ``today``."""
    if rectify_days(scheme) is None:
        return []
    groups = [g.name for g in scheme.groups]
    stmt = (
        select(NoticeRow.unit_id, Unit.name, NoticeRow.notified_on)
        .join(Unit, Unit.unit_id == NoticeRow.unit_id)
        .where(NoticeRow.rectified_on.is_(None), NoticeRow.notified_on < today, Unit.group.in_(groups))
    )
    rows = session.execute(stmt).all()
    if not rows:
        return []
    notified = pl.Series("notified_on", [r[2] for r in rows], dtype=pl.Date)
    dues = due_dates(scheme.penalties, scheme.calendar, notified).to_list()
    found: dict[tuple[str, str], list[date]] = {}
    for (unit, name, on), due in zip(rows, dues, strict=True):
        if due < today:
            found.setdefault((unit, name), []).append(on)
    out = [OverdueRectifications(u, name, len(days), min(days)) for (u, name), days in found.items()]
    return sorted(out, key=lambda o: (o.oldest, o.unit_id))
