"""The audit trail (审计日志): append-only, written in the same transaction as the change it records.

Nothing in kaoping updates or deletes audit rows; a change to a score-bearing row without its audit row
cannot be committed, because both go through ``write_facts`` in one transaction.  Audit rows are
buffered and inserted in bulk, so an import of 10,000 rows costs one INSERT per chunk, not 10,000.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from kaoping.store.chain import link
from kaoping.store.tables import AuditEntry

_AUDIT_TABLE: Table = AuditEntry.__table__  # type: ignore[assignment]


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


@dataclass
class AuditWriter:
    """Collects audit rows for one unit of work; ``flush`` writes them (call before commit)."""

    session: Session
    actor: str
    reason: str = ""
    pending: list[dict[str, Any]] = field(default_factory=list)

    def row(
        self,
        action: str,
        table: str,
        key: str,
        values: dict[str, Any],
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        period = values.get("period")
        if period is None:
            for col in ("date", "notified_on", "reported_at"):
                if values.get(col) is not None:
                    period = str(values[col])[:7]
                    break
        self._append(action, table, key, values.get("unit_id"), period, before, after)
        if len(self.pending) >= 5000:
            self.flush()

    def event(
        self,
        action: str,
        table: str,
        key: str,
        *,
        unit_id: str | None = None,
        period: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """A non-row event worth the trail: a denied write, a publication, a correction."""
        self._append(action, table, key, unit_id, period, None, detail)

    def _append(
        self,
        action: str,
        table: str,
        key: str,
        unit_id: str | None,
        period: str | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        """One audit row, as rows and events alike store it (an event's detail goes in ``after``)."""
        self.pending.append(
            {
                "at": now(),
                "actor": self.actor,
                "action": action,
                "table_name": table,
                "row_key": key,
                "unit_id": unit_id,
                "period": period,
                "before": before,
                "after": after,
                "reason": self.reason,
            }
        )

    def flush(self) -> None:
        """Chain the pending entries onto the trail's head (kaoping.store.chain) and insert them."""
        if self.pending:
            link(self.session, self.pending)
            # the table, not the mapped class: the ORM's bulk insert adds per-row work and nothing else here
            self.session.execute(insert(_AUDIT_TABLE), self.pending)
            self.pending = []


def trail(session: Session, *, unit_id: str | None = None, period: str | None = None) -> list[AuditEntry]:
    """Audit rows for a unit and/or period (a period matches itself and its months: 2024-Q2 → 2024-04...)."""
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if unit_id is not None:
        stmt = stmt.where(AuditEntry.unit_id == unit_id)
    rows = list(session.scalars(stmt))
    if period is None:
        return rows
    from kaoping.periods import parse_period, period_keys

    keys = set(period_keys(parse_period(period)))
    return [r for r in rows if r.period in keys]
