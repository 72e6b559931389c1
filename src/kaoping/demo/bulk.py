"""Writing the demo's large tables fast: cases, their lifecycle steps and the evidence photos.

``write_facts`` is the store's one audited write path, and the demo uses it for every score, deduction,
notice and honor.  The 50,000 cases are written as an import of the 数字城管 system's export would be: one
``imports`` batch through ``write_facts``'s batch path (executemany or COPY per chunk, one ``import`` audit
entry with the rows' digest, so ``kaoping verify --audit`` checks every case against it), counted into the
case cells chunk by chunk as an import's are.
The lifecycle steps (no audit of their own) go in with one executemany per chunk, inside the caller's
transaction: SQLAlchemy Core ``insert()`` on PostgreSQL (psycopg batches it), and on SQLite the same statement
handed to the driver with plain tuples and timestamps already written in SQLAlchemy's own text format —
SQLAlchemy's per-row parameter processing would otherwise take three quarters of the time (8 s instead of 2 s
for 250,000 steps).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import polars as pl
from sqlalchemy import insert
from sqlalchemy.orm import Session

from kaoping.app.import_cells import write_import_batch
from kaoping.cases.metrics import with_order_columns
from kaoping.facts.columns import ROW, SCHEMAS
from kaoping.store.audit import AuditWriter, now
from kaoping.store.facts import columns
from kaoping.store.tables import Base, CaseTransition, Evidence, ImportBatch

CHUNK = 10_000
_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%6f"
"""How SQLAlchemy stores a DateTime in SQLite (text compared as text: the format must be exactly this)."""
CASES_LABEL = "demo:cases"
Advance = Callable[[int], None]


def _chunks(frame: pl.DataFrame, size: int = CHUNK) -> Iterator[pl.DataFrame]:
    for start in range(0, frame.height, size):
        yield frame.slice(start, size)


def _executemany(session: Session, table: type[Base], frame: pl.DataFrame) -> None:
    """INSERT every row of ``frame`` (columns named as ``table``'s) into ``table``."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        session.execute(insert(table), frame.to_dicts())
        return
    stamps = [c for c, t in frame.schema.items() if isinstance(t, pl.Datetime)]
    frame = frame.with_columns(pl.col(stamps).dt.strftime(_SQLITE_DATETIME))
    names = ", ".join(frame.columns)
    marks = ", ".join("?" * frame.width)
    connection.exec_driver_sql(f"INSERT INTO {table.__tablename__} ({names}) VALUES ({marks})", frame.rows())


def insert_cases(session: Session, cases: pl.DataFrame, *, actor: str, advance: Advance) -> int:
    """Insert the generator's cases (interchange columns are kept, extras dropped) as one import batch, through
    the store's batch path (:mod:`kaoping.store.batch_write`); the batch id.

    Raises IntegrityError (rolling the caller's transaction back) if any case_id is already stored.
    """
    cols = columns("cases")
    # the generator writes no 12345 orders: their columns (channel, satisfaction, repeat_of) stay empty
    frame = with_order_columns(cases).with_columns(pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias(ROW))
    frame = frame.select(*cols, ROW)
    frame = frame.cast({c: t for c, t in SCHEMAS["cases"].items() if c in frame.columns})
    digest = hashlib.sha256(frame.drop(ROW).write_csv().encode("utf-8")).hexdigest()
    batch = ImportBatch(
        sha256=digest, kind="cases", label=CASES_LABEL, rows=frame.height, imported_at=now(), imported_by=actor
    )
    session.add(batch)
    session.flush()
    audit = AuditWriter(session, actor, reason=f"import {CASES_LABEL}")
    write_import_batch(session, "cases", frame, audit=audit, label=CASES_LABEL, import_id=batch.id, on_progress=advance)
    audit.flush()
    return batch.id


def insert_transitions(session: Session, steps: pl.DataFrame, *, advance: Advance) -> None:
    """Insert lifecycle steps (case_id, from_status, to_status, at, actor, note) in their order: ids follow
    the order of ``steps``, which is how a case's timeline is read back."""
    for chunk in _chunks(steps.select("case_id", "from_status", "to_status", "at", "actor", "note")):
        _executemany(session, CaseTransition, chunk)
        advance(chunk.height)


def insert_evidence(session: Session, photos: list[dict[str, Any]]) -> None:
    """Insert evidence rows (unit_id, target, filename, content_type, data, created_at, created_by), each
    with the audit event an upload leaves (who, what, size and sha256 of the file)."""
    if not photos:
        return
    for start in range(0, len(photos), 500):
        session.execute(insert(Evidence), photos[start : start + 500])
    writers: dict[str, AuditWriter] = {}
    for p in photos:
        actor = str(p["created_by"])
        audit = writers.setdefault(actor, AuditWriter(session, actor, reason="evidence uploaded"))
        detail = {
            "target": p["target"],
            "filename": p["filename"],
            "bytes": len(p["data"]),
            "sha256": hashlib.sha256(p["data"]).hexdigest(),
        }
        audit.event("insert", "evidence", f"evidence:{p['filename']}", unit_id=str(p["unit_id"]), detail=detail)
    for audit in writers.values():
        audit.flush()
