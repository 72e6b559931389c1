"""Importing a data folder (or workbook) into the store (导入): validated first, then all or nothing.

The one import use case, for ``kaoping import`` and the entry page's upload alike; an upload is first held
to the account's rights on every row (:func:`kaoping.app.uploads.import_upload`), like a single-row write.
The rows also go through the entry checks every entry path shares (:mod:`kaoping.app.entry_checks`): a
refused row fails the import like any other error; rows that need confirmation fail it with
:class:`~kaoping.app.entry_checks.Unconfirmed` unless the import carries a reason (``--confirm --reason``),
which then goes into the audit trail of every row written.

An office imports the same spreadsheets many times — re-sent by e-mail, fixed and sent again — so an
import must be safe to repeat and must never leave the store half-changed:

* Everything is checked before anything is written, in one pass whose errors are reported together: every
  reading error of every file (read leniently: a bad cell is null, the rest of its row still checked),
  every unit reference against this import's units and the store's (a unit's name stands for its id,
  :mod:`kaoping.app.unit_names`), then (given a scheme) the scheme's own checks on the store and the
  import merged, and the entry checks.  A row with five mistakes, or a file with five bad rows, is one
  answer, each error naming the column as the file heads it.
* Files are read in chunks, twice — once to check (:mod:`kaoping.app.import_scan`), once to write — so memory
  is bounded by a chunk, not by the file or the store (a 10 M-row import, issue 13); the answer is the one
  a check of everything at once gave.
* One transaction checks and writes every file; any exception rolls all of it back.  That includes a CSV
  file another process rewrote between the passes (the write pass would write rows never checked): after
  the write pass every file is hashed again and compared (:meth:`~kaoping.io.chunks.DataSource.changed`).
* A file's sha256 is recorded (``imports``); a file seen before is skipped as "already imported", and
  rows are written through :func:`~kaoping.store.facts.write_facts`, matched on their natural keys, so
  even a re-saved copy of a file only updates what really changed — with an audit row for each changed
  row, and one ``import`` entry for the file's batch (its sha256, counts and the digest of the rows written,
  :mod:`kaoping.store.batch_write`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kaoping.app.entry_checks import Unconfirmed, audit_reason, record_confirmation
from kaoping.app.import_cells import bring_cells_up_to_date, write_import_batch
from kaoping.app.import_scan import Progress, scan_import, with_frames
from kaoping.app.unit_names import resolve_unit_names
from kaoping.errors import Conflict, ErrorLog, InputError, InputErrors
from kaoping.facts import FILE_NAMES
from kaoping.facts.columns import ROW
from kaoping.input_messages import Msg, say
from kaoping.io.chunks import DataSource
from kaoping.scheme import Scheme
from kaoping.store.audit import AuditWriter, now
from kaoping.store.db import is_busy, transaction
from kaoping.store.facts import load_facts
from kaoping.store.tables import ImportBatch

__all__ = [
    "ABSENT",
    "ALREADY",
    "IMPORTED",
    "IMPORT_ATTEMPTS",
    "STATUS_NAMES",
    "FileReport",
    "ImportBusy",
    "ImportReport",
    "Progress",
    "Unconfirmed",
    "import_data",
    "stored_frames",
]

IMPORTED = "imported"
ALREADY = "already imported"
ABSENT = "absent"
STATUS_NAMES = {IMPORTED: "已导入", ALREADY: "此前已导入，跳过", ABSENT: "无此表"}
"""What a file's import status is called where people read it (the CLI's report; the codes stay in the API)."""

_LABEL_MAX = 500  # the width of imports.label and src_file


RETRY_DELAYS = (0.2, 0.5, 1.0)
"""Seconds to wait before each new attempt of an import the database refused for a colliding writer."""
IMPORT_ATTEMPTS = len(RETRY_DELAYS) + 1


class ImportBusy(Conflict):
    """The database refused the import's transaction for a colliding writer every time (nothing imported)."""

    def __init__(self, attempts: int) -> None:
        super().__init__(
            f"数据库正忙（另一写入与本次导入冲突），已尝试 {attempts} 次仍未成功；未导入任何内容，请稍后重新导入。"
        )
        self.attempts = attempts


@dataclass(frozen=True)
class FileReport:
    """What happened to one interchange file of the import."""

    name: str
    label: str
    status: str
    """:data:`IMPORTED`, :data:`ALREADY` (same sha256 imported before) or :data:`ABSENT` (no such file)."""
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class ImportReport:
    source: str
    files: tuple[FileReport, ...]

    def file(self, name: str) -> FileReport:
        return next(f for f in self.files if f.name == name)

    @property
    def changed(self) -> int:
        """Rows inserted or updated: 0 means the store is as it was."""
        return sum(f.inserted + f.updated for f in self.files)


def import_data(
    factory: sessionmaker[Session],
    source: Path,
    *,
    actor: str,
    scheme: Scheme | None = None,
    progress: Progress | None = None,
    confirm_reason: str | None = None,
    checked_at: datetime | None = None,
) -> ImportReport:
    """Import every interchange file of ``source`` (folder or .xlsx) in one transaction.

    Raises :class:`InputErrors` (nothing written) when any file, unit reference, entry check or — given
    ``scheme`` — scheme check fails; its subclass :class:`Unconfirmed` when rows need a confirmation that
    ``confirm_reason`` (non-empty) would give; ``FileNotFoundError`` when ``source`` does not exist;
    :class:`ImportBusy` when the database kept refusing the transaction for a colliding writer.
    ``checked_at``: the application's clock (the entry checks refuse facts dated after it).

    A single-row write running at the same time can lock rows in another order than the import does, and
    PostgreSQL then ends one of the two transactions (deadlock, serialization failure); SQLite may give up
    waiting for its write lock.  Nothing of the failed attempt stays, so the whole transaction — checks
    included, they must see what the other writer left — is run again, at most :data:`IMPORT_ATTEMPTS` times.
    """
    report = progress or (lambda _description, _done, _total: None)
    report("reading and checking", 0, 0)
    data = DataSource(Path(source))
    batch = _Batch(Path(source), data, data.hashes(), actor, scheme, confirm_reason)
    for attempt, delay in enumerate((*RETRY_DELAYS, None), start=1):
        try:
            return _write_batch(factory, batch, report, checked_at or now())
        except Exception as exc:  # wrapped by SQLAlchemy or straight from the driver (COPY): only a collision
            if not is_busy(exc):
                raise
            if delay is None:
                raise ImportBusy(attempt) from exc
            time.sleep(delay)
    raise AssertionError("unreachable: the last attempt returns or raises")


@dataclass(frozen=True)
class _Batch:
    """What one import writes, opened and hashed once, however often its transaction has to be tried (each
    attempt reads the files again, chunk by chunk: :class:`~kaoping.io.chunks.DataSource`)."""

    source: Path
    data: DataSource
    hashes: dict[str, str]
    actor: str
    scheme: Scheme | None
    confirm_reason: str | None


def _write_batch(factory: sessionmaker[Session], batch: _Batch, report: Progress, at: datetime) -> ImportReport:
    """The import's one transaction: skip files seen before, check everything, write the rest."""
    hashes, actor, confirm_reason, data = batch.hashes, batch.actor, batch.confirm_reason, batch.data
    with transaction(factory) as session:
        seen = set(session.scalars(select(ImportBatch.sha256).where(ImportBatch.sha256.in_(list(hashes.values())))))
        todo = [n for n in FILE_NAMES if n in hashes and hashes[n] not in seen]
        scanned = scan_import(session, data, batch.scheme, todo, at, report)
        found = scanned.found
        if found.needs_confirmation(confirm_reason):
            raise Unconfirmed(found)
        total = sum(scanned.rows[n] for n in todo)
        done = 0
        files: list[FileReport] = []
        for name in FILE_NAMES:
            label = _fit(data.facts().label(name))
            rows = scanned.rows[name]
            if name not in hashes:
                files.append(FileReport(name, label, ABSENT))
                continue
            if name not in todo:
                files.append(FileReport(name, label, ALREADY, rows))
                continue
            row = ImportBatch(
                sha256=hashes[name], kind=name, label=label, rows=rows, imported_at=now(), imported_by=actor
            )
            session.add(row)
            session.flush()  # the batch id, for the rows' import_id
            audit = AuditWriter(session, actor, reason=audit_reason(f"import {label}", found, confirm_reason))

            def advance(count: int, label: str = label) -> None:
                nonlocal done
                done += count
                report(label, done, total)

            rows_in = scanned.units if name == "units" else _chunks(session, data, scanned.units, name)
            counts = write_import_batch(
                session, name, rows_in, audit=audit, label=label, import_id=row.id, on_progress=advance
            )
            audit.flush()
            files.append(FileReport(name, label, IMPORTED, rows, counts.inserted, counts.updated, counts.unchanged))
        _refuse_changed(data, hashes)
        bring_cells_up_to_date(session, todo)  # the imported rows' cells, counted in the import's own transaction
        record_confirmation(session, actor, "import", f"import {batch.source}"[-200:], found, confirm_reason)
    return ImportReport(str(batch.source), tuple(files))


def _chunks(session: Session, data: DataSource, units: pl.DataFrame, name: str) -> Iterator[pl.DataFrame]:
    """File ``name`` read again chunk by chunk to be written, unit names resolved: the rows the check pass
    accepted (the same files in the same transaction; its logs are therefore empty and dropped)."""
    for chunk in data.read(name, ErrorLog()):
        facts = with_frames(data.facts(), units=units, **{name: chunk})
        yield getattr(resolve_unit_names(session, facts, ErrorLog()), name)


def _refuse_changed(data: DataSource, hashes: dict[str, str]) -> None:
    """Raise :class:`InputErrors` naming every file that changed since it was hashed, before the check pass:
    what was written may then not be what was checked, so the transaction is rolled back."""
    changed = data.changed(hashes)
    if changed:
        raise InputErrors([InputError.said(label, None, None, say(Msg.FILE_CHANGED)) for label in changed])


def _fit(label: str) -> str:
    """A label short enough for its column, keeping the end (the file name is what identifies it)."""
    return label if len(label) <= _LABEL_MAX else "…" + label[-(_LABEL_MAX - 1) :]


def stored_frames(factory: sessionmaker[Session]) -> dict[str, pl.DataFrame]:
    """The store's facts as interchange frames, in a stable order (the order rows were written), for export.

    The order matters beyond looks: rows equal on their natural key are told apart by their order, so an
    export imported again must list them as the store does.
    """
    with factory() as session:
        facts = load_facts(session)
    frames = {name: getattr(facts, name).sort(ROW) for name in FILE_NAMES}
    frames["units"] = facts.units.sort([ROW, "unit_id"])
    return frames
