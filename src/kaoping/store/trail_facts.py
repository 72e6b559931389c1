"""Do the fact rows still say what the audit trail says was written?  (数据与审计记录是否一致)

The hash chain (:mod:`kaoping.store.chain`) shows that the trail itself was not edited; this shows that the
facts were not edited *beside* it.  Every write through the application leaves, per row, the values written
(``after``, keyed by the row's natural key), so a row whose values differ from its last audited ``after`` —
or a row the trail never heard of — was changed behind the application's back (an UPDATE in the database
file, a restored backup).

Imports are audited once per batch (:mod:`kaoping.store.batch_write`): a row whose last write is its import
batch's ``import`` entry (no later per-row entry) is checked against the batch instead — the hashes the
batch kept in ``import_rows`` must still give the digest its entry recorded, and the row's canonical text
must still give its hash; a mismatch names the batch, or the row.  Rows the demo loaded in bulk before
batches were hashed (an ``insert`` event keyed ``imports:<id>``) are counted as covered by their batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaoping.facts import FILE_NAMES
from kaoping.store.batch_write import IMPORT_ACTION, digest_update, new_digest, row_hashes, stored_frame, value_text
from kaoping.store.facts import TABLES, audit_value, columns, same_values
from kaoping.store.tables import AuditEntry, ImportRow

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
    """Ids of the demo's bulk batches: one ``insert`` event for the whole batch (``imports:<id>``), no hashes."""
    stmt = select(AuditEntry.row_key).where(AuditEntry.row_key.like("imports:%"), AuditEntry.action != IMPORT_ACTION)
    keys = session.scalars(stmt)
    return {int(k.split(":", 1)[1]) for k in keys if k.split(":", 1)[1].isdigit()}


def import_entries(session: Session, kind: str) -> dict[int, AuditEntry]:
    """Import batch id → the batch's ``import`` entry, for the batches that wrote rows of ``kind``."""
    stmt = select(AuditEntry).where(AuditEntry.action == IMPORT_ACTION, AuditEntry.table_name == kind)
    return {int(e.row_key.split(":", 1)[1]): e for e in session.scalars(stmt)}


def governing_batch(entry: AuditEntry | None, batch: AuditEntry | None) -> bool:
    """Is the row's last write its import batch (rather than a per-row entry after it)?"""
    return batch is not None and (entry is None or batch.id > entry.id)


def batch_problem(session: Session, batch: AuditEntry) -> str:
    """Why the hashes kept for ``batch`` no longer give the digest its entry recorded ("" when they do)."""
    import_id = int(batch.row_key.split(":", 1)[1])
    stmt = select(ImportRow.src_row, ImportRow.row_hash).where(ImportRow.import_id == import_id)
    kept = pl.DataFrame(
        [tuple(r) for r in session.execute(stmt.order_by(ImportRow.src_row))],
        schema={"src_row": pl.Int64, "row_hash": pl.String},
        orient="row",
    )
    digest = new_digest()
    digest_update(digest, kept)
    recorded = (batch.after or {}).get("digest")
    if digest.hexdigest() == recorded:
        return ""
    return f"导入批次 {import_id}（审计记录 id {batch.id}）的逐行哈希与审计记录的摘要不符（import_rows 被改动）"


def rows_against_batch(session: Session, kind: str, rows: pl.DataFrame, batch: AuditEntry) -> dict[int, str]:
    """Row id → why the row (``rows``: id, nkey, src_row and the kind's values) is not what ``batch`` wrote."""
    import_id = int(batch.row_key.split(":", 1)[1])
    stmt = select(ImportRow.src_row, ImportRow.row_hash).where(ImportRow.import_id == import_id)
    kept: dict[int, str] = {int(r[0]): str(r[1]) for r in session.execute(stmt)}
    hashed = rows.with_columns(_values=value_text(kind, columns(kind)))
    hashed = hashed.with_columns(row_hashes(kind, hashed))
    out: dict[int, str] = {}
    for row_id, src_row, row_hash in hashed.select("id", "src_row", "row_hash").iter_rows():
        recorded = kept.get(src_row)
        if recorded is None:
            out[row_id] = f"导入批次 {import_id} 没有写入过此行（源行 {src_row}）：此行不是经系统写入的"
        elif recorded != row_hash:
            out[row_id] = f"与导入批次 {import_id}（审计记录 id {batch.id}）写入的内容不符（源行 {src_row}）"
    return out


def row_against_batch(
    session: Session, kind: str, row_id: int, batch: AuditEntry, seen: dict[int, str] | None = None
) -> str:
    """Why the row ``row_id`` of ``kind`` is not what its import ``batch`` wrote ("" when it is); ``seen``
    keeps each batch's digest check, for a caller asking about many rows of one batch."""
    seen = {} if seen is None else seen
    if batch.id not in seen:
        seen[batch.id] = batch_problem(session, batch)
    if seen[batch.id]:
        return seen[batch.id]
    rows = stored_rows(session, kind, ids=[row_id])
    return rows_against_batch(session, kind, rows, batch).get(row_id, "")


def stored_rows(
    session: Session, kind: str, *, ids: list[int] | None = None, import_id: int | None = None
) -> pl.DataFrame:
    """Fact rows as the batch check reads them: id, nkey, src_row, import_id and the kind's values."""
    table: Any = TABLES[kind]
    names = ["nkey", *columns(kind), "id", "src_row", "import_id"]
    stmt = select(*[getattr(table, n) for n in names])
    if ids is not None:
        stmt = stmt.where(table.id.in_(ids))
    if import_id is not None:
        stmt = stmt.where(table.import_id == import_id)
    return stored_frame(kind, [tuple(r) for r in session.execute(stmt)], names)


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
    bulk = batch_imports(session)
    for kind in FILE_NAMES:
        names = columns(kind)
        written = last_written(session, kind)
        batches = {} if kind == "units" else import_entries(session, kind)
        by_import: dict[int, list[int]] = {}
        for row in _kind_rows(session, kind):
            key = str(row[0])
            values = {c: audit_value(v) for c, v in zip(names, row[1 : 1 + len(names)], strict=True)}
            row_id: int | str = key if kind == "units" else int(row[1 + len(names)])
            import_id = None if kind == "units" else row[2 + len(names)]
            entry = written.get(key)
            if import_id is not None and governing_batch(entry, batches.get(import_id)):
                by_import.setdefault(import_id, []).append(int(row_id))
                continue
            if entry is None and import_id in bulk:
                report.by_batch += 1
                continue
            report.checked += 1
            problem = differences(entry, values)
            if problem:
                report.mismatches.append(Mismatch(kind, row_id, key, problem))
        for import_id, ids in by_import.items():
            _check_batch(session, kind, batches[import_id], set(ids), report)
    return report


def _check_batch(session: Session, kind: str, batch: AuditEntry, ids: set[int], report: FactsReport) -> None:
    """The rows ``ids`` (their last write: ``batch``) against the batch's digest and their hashes."""
    report.checked += len(ids)
    problem = batch_problem(session, batch)
    if problem:
        report.mismatches.append(Mismatch(kind, batch.row_key, batch.row_key, problem))
    import_id = int(batch.row_key.split(":", 1)[1])
    rows = stored_rows(session, kind, import_id=import_id).filter(pl.col("id").is_in(list(ids)))
    keys = dict(rows.select("id", "nkey").iter_rows())
    for row_id, why in sorted(rows_against_batch(session, kind, rows, batch).items()):
        report.mismatches.append(Mismatch(kind, row_id, str(keys[row_id]), why))
