"""一条记录的来历 (row history): who entered a fact row, who changed it, what changed and why — read from the
audit trail, for the pages that show one row (a deduction's page).

A row written through the application leaves one audit entry per write, keyed by the row's natural key;
a row that came in with a file is covered by its import batch's single entry (:mod:`kaoping.store.
batch_write`), so the batch (file, account, time) is its first line.  Who may read it is the policy
table's ``Perm.AUDIT_READ`` (the office, a unit for its own rows), asked by the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.labels import Labelled
from kaoping.store.facts import same_values
from kaoping.store.tables import AuditEntry, ImportBatch
from kaoping.store.trail_facts import ROW_ACTIONS

MAX_LINES = 50
"""A row changed more often than this shows its latest changes only (the CLI audit has them all)."""


class Change(Labelled):
    """What a line of a row's history did."""

    IMPORT = "import", "导入"
    INSERT = "insert", "首次录入"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"


@dataclass(frozen=True)
class HistoryLine:
    """One write of the row: when, by whom, what, why; ``changed``: (column, before, after) of an update."""

    at: datetime
    actor: str
    change: Change
    reason: str
    changed: tuple[tuple[str, Any, Any], ...] = ()
    source: str = ""
    """For an import: the file (or sheet) the row came in with."""


def _changed(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[tuple[str, Any, Any], ...]:
    if not before or not after:
        return ()
    return tuple(
        (c, before.get(c), after.get(c)) for c in after if not same_values({c: before.get(c)}, {c: after.get(c)})
    )


def row_history(session: Session, kind: str, key: str, import_id: int | None) -> list[HistoryLine]:
    """The history of the ``kind`` row with natural key ``key`` (``import_id``: the batch it came in with),
    oldest first."""
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.table_name == kind, AuditEntry.row_key == key, AuditEntry.action.in_(ROW_ACTIONS))
        .order_by(AuditEntry.id.desc())
        .limit(MAX_LINES)
    )
    entries = list(session.scalars(stmt))[::-1]
    lines = [HistoryLine(e.at, e.actor, Change(e.action), e.reason, _changed(e.before, e.after)) for e in entries]
    batch = session.get(ImportBatch, import_id) if import_id is not None else None
    if batch is not None:
        lines.append(HistoryLine(batch.imported_at, batch.imported_by, Change.IMPORT, "", source=batch.label))
    return sorted(lines, key=lambda line: line.at)
