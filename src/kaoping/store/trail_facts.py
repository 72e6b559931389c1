"""Do the fact rows still say what the audit trail says was written?  (数据与审计记录是否一致)

The hash chain (:mod:`kaoping.store.chain`) shows that the trail itself was not edited; this shows that the
facts were not edited *beside* it.  Every write through the application leaves, per row, the values written
(``after``, keyed by the row's natural key), so a row whose values differ from its last audited ``after`` —
or a row the trail never heard of — was changed behind the application's back (an UPDATE in the database
file, a restored backup).  Rows loaded in bulk (the demo's cases) carry their import batch, and the batch's
audit event stands for them: they are counted as covered by the batch, not compared value by value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaoping.facts import FILE_NAMES
from kaoping.store.facts import TABLES, audit_value, columns, same_values
from kaoping.store.tables import AuditEntry

ROW_ACTIONS = ("insert", "update", "delete")


@dataclass(frozen=True)
class Mismatch:
    """A fact row that its audit trail does not account for."""

    kind: str
    row_id: int | str
    key: str
    problem: str
    """In Chinese: 无审计记录 / 与最后一次审计记录不符（列: 记录值 → 库中值） / 审计记录为删除，但行仍在."""


@dataclass
class FactsReport:
    checked: int = 0
    by_batch: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.mismatches


def last_written(session: Session, kind: str, keys: Iterable[str] | None = None) -> dict[str, AuditEntry]:
    """Row key → the last audit entry that wrote (inserted, updated or deleted) that row of ``kind``."""
    newest = (
        select(func.max(AuditEntry.id))
        .where(AuditEntry.table_name == kind, AuditEntry.action.in_(ROW_ACTIONS))
        .group_by(AuditEntry.row_key)
    )
    if keys is not None:
        newest = newest.where(AuditEntry.row_key.in_(list(keys)))
    rows = session.scalars(select(AuditEntry).where(AuditEntry.id.in_(newest.scalar_subquery())))
    return {r.row_key: r for r in rows}


def batch_imports(session: Session) -> set[int]:
    """Ids of import batches whose loading left one audit event for the whole batch (``imports:<id>``)."""
    keys = session.scalars(select(AuditEntry.row_key).where(AuditEntry.row_key.like("imports:%")))
    return {int(k.split(":", 1)[1]) for k in keys if k.split(":", 1)[1].isdigit()}


def differences(entry: AuditEntry | None, values: dict[str, Any]) -> str:
    """Why ``values`` (a row as stored now) is not what ``entry`` says was written; "" when it is."""
    if entry is None:
        return "无审计记录：此行不是经系统写入的"
    if entry.action == "delete" or entry.after is None:
        return f"审计记录（id {entry.id}）为删除，但此行仍在库中"
    after = entry.after
    differing = [c for c in values if not same_values({c: after.get(c)}, {c: values[c]})]
    if not differing:
        return ""
    shown = "，".join(f"{c}: {after.get(c)!r} → {values[c]!r}" for c in differing[:5])
    return f"与最后一次审计记录（id {entry.id}）不符：{shown}"


def _kind_rows(session: Session, kind: str) -> list[tuple[Any, ...]]:
    table = TABLES[kind]
    key_col = "unit_id" if kind == "units" else "nkey"
    extra = [] if kind == "units" else [table.id, table.import_id]  # type: ignore[attr-defined]
    cols = [getattr(table, c) for c in columns(kind)]
    return [tuple(r) for r in session.execute(select(getattr(table, key_col), *cols, *extra))]


def check_facts_against_trail(session: Session) -> FactsReport:
    """Every fact row compared with the last audited write of its key (see the module docstring)."""
    report = FactsReport()
    batches = batch_imports(session)
    for kind in FILE_NAMES:
        names = columns(kind)
        written = last_written(session, kind)
        for row in _kind_rows(session, kind):
            key = str(row[0])
            values = {c: audit_value(v) for c, v in zip(names, row[1 : 1 + len(names)], strict=True)}
            row_id: int | str = key if kind == "units" else int(row[1 + len(names)])
            import_id = None if kind == "units" else row[2 + len(names)]
            entry = written.get(key)
            if entry is None and import_id in batches:
                report.by_batch += 1
                continue
            report.checked += 1
            problem = differences(entry, values)
            if problem:
                report.mismatches.append(Mismatch(kind, row_id, key, problem))
    return report
