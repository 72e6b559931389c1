"""Writing the demo's large tables fast: cases, their lifecycle steps and the evidence photos.

``write_facts`` is the store's one audited write path, and the demo uses it for every score, deduction,
notice and honor.  For the 50,000 cases it would also write 50,000 audit rows holding each row's full
contents (tens of megabytes) and take longer than the rest of the build, so the cases are written the way
an import of the 数字城管 system's export would be recorded, but in bulk: the same natural keys (``nkey``)
and provenance (``src_file`` ``demo:cases``, ``src_row``, an ``imports`` batch), so ``load_facts`` and any
later import or form edit treat them exactly like imported rows — and one audit event for the batch.
Rows go in with one executemany per chunk, inside the caller's transaction: SQLAlchemy Core ``insert()``
on PostgreSQL (psycopg batches it), and on SQLite the same statement handed to the driver with plain
tuples and timestamps already written in SQLAlchemy's own text format — SQLAlchemy's per-row parameter
processing would otherwise take three quarters of the time (8 s instead of 2 s for 250,000 steps).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import polars as pl
from sqlalchemy import insert
from sqlalchemy.orm import Session

from kaoping.facts.columns import ROW, SCHEMAS
from kaoping.store.audit import AuditWriter, now
from kaoping.store.facts import columns, natural_keys
from kaoping.store.tables import Base, CaseRow, CaseTransition, Evidence, ImportBatch

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
    """Insert the generator's cases (interchange columns are kept, extras dropped); the batch id.

    Raises IntegrityError (rolling the caller's transaction back) if any case_id is already stored.
    """
    cols = columns("cases")
    frame = cases.with_columns(pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias(ROW)).select(*cols, ROW)
    frame = frame.cast({c: t for c, t in SCHEMAS["cases"].items() if c in frame.columns})
    digest = hashlib.sha256(frame.drop(ROW).write_csv().encode("utf-8")).hexdigest()
    batch = ImportBatch(
        sha256=digest, kind="cases", label=CASES_LABEL, rows=frame.height, imported_at=now(), imported_by=actor
    )
    session.add(batch)
    session.flush()
    rows = frame.with_columns(
        natural_keys("cases", frame),
        src_file=pl.lit(CASES_LABEL),
        import_id=pl.lit(batch.id, pl.Int64),
    ).rename({ROW: "src_row"})
    for chunk in _chunks(rows):
        _executemany(session, CaseRow, chunk)
        advance(chunk.height)
    audit = AuditWriter(session, actor, reason=f"import {CASES_LABEL}")
    detail: dict[str, Any] = {"rows": frame.height, "sha256": digest, "import_id": batch.id}
    audit.event("insert", "cases", f"imports:{batch.id}", detail=detail)
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
