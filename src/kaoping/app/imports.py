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
* One transaction writes every file; any exception rolls all of it back.
* A file's sha256 is recorded (``imports``); a file seen before is skipped as "already imported", and
  rows are written through :func:`~kaoping.store.facts.write_facts`, matched on their natural keys, so
  even a re-saved copy of a file only updates what really changed — with an audit row for each changed
  row, and one ``import`` entry for the file's batch (its sha256, counts and the digest of the rows written,
  :mod:`kaoping.store.batch_write`).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import cast

import openpyxl
import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kaoping.app.entry_checks import Findings, Unconfirmed, audit_reason, check_facts_entry, record_confirmation
from kaoping.app.unit_names import resolve_unit_names
from kaoping.engine.consistency import UNIT_FILES, check_facts, duplicate_keys
from kaoping.errors import Conflict, ErrorLog, InputError, InputErrors
from kaoping.facts import FILE_NAMES, Facts, facts_of
from kaoping.facts.columns import ROW
from kaoping.io.export import csv_text
from kaoping.io.readers import read_facts_leniently
from kaoping.io.workbook import sheet_names
from kaoping.scheme import Scheme
from kaoping.store import deduction_cells
from kaoping.store.audit import AuditWriter, now
from kaoping.store.case_cells import bring_up_to_date
from kaoping.store.db import is_busy, transaction
from kaoping.store.facts import TABLES, load_facts, natural_keys, write_facts
from kaoping.store.tables import FactMixin, ImportBatch, Unit

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

Progress = Callable[[str, int, int], None]
"""``progress(description, rows_done, rows_total)``; ``rows_total`` 0 = not known yet (still checking)."""

_STORE_ROW = 10**12
"""Added to the id of a stored row in the merged facts, so a scheme error on it can be told apart from an
error on a row of the import (rows of a sheet never get this far) and cited as ``db:<table>``."""
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
    log = ErrorLog()
    facts = read_facts_leniently(source, log)
    # with reading errors the import fails anyway: a file is not hashed (a broken workbook cannot be), its
    # rows are all checked as new ones
    hashes = _hashes(Path(source), facts) if not log else {n: "" for n in FILE_NAMES if n in facts.headers}
    batch = _Batch(source, facts, hashes, actor, scheme, confirm_reason, tuple(log.kept), log.total)
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
    """What one import writes, read and hashed once, however often its transaction has to be tried."""

    source: Path
    facts: Facts
    hashes: dict[str, str]
    actor: str
    scheme: Scheme | None
    confirm_reason: str | None
    read_errors: tuple[InputError, ...]
    """What reading found (cells that could not be read): reported with everything the checks find."""
    read_total: int


def _write_batch(factory: sessionmaker[Session], batch: _Batch, report: Progress, at: datetime) -> ImportReport:
    """The import's one transaction: skip files seen before, check everything, write the rest."""
    hashes, actor, confirm_reason = batch.hashes, batch.actor, batch.confirm_reason
    log = ErrorLog()
    log.add_counted(batch.read_errors, batch.read_total)
    with transaction(factory) as session:
        seen = set(session.scalars(select(ImportBatch.sha256).where(ImportBatch.sha256.in_(list(hashes.values())))))
        todo = [n for n in FILE_NAMES if n in hashes and hashes[n] not in seen]
        facts = resolve_unit_names(session, batch.facts, log)
        found = _check(session, facts, batch.scheme, todo, at, log)
        if found.needs_confirmation(confirm_reason):
            raise Unconfirmed(found)
        total = sum(getattr(facts, n).height for n in todo)
        done = 0
        files: list[FileReport] = []
        for name in FILE_NAMES:
            label = _fit(facts.label(name))
            frame: pl.DataFrame = getattr(facts, name)
            if name not in hashes:
                files.append(FileReport(name, label, ABSENT))
                continue
            if name not in todo:
                files.append(FileReport(name, label, ALREADY, frame.height))
                continue
            row = ImportBatch(
                sha256=hashes[name], kind=name, label=label, rows=frame.height, imported_at=now(), imported_by=actor
            )
            session.add(row)
            session.flush()  # the batch id, for the rows' import_id
            audit = AuditWriter(session, actor, reason=audit_reason(f"import {label}", found, confirm_reason))

            def advance(rows: int, label: str = label) -> None:
                nonlocal done
                done += rows
                report(label, done, total)

            counts = write_facts(session, name, frame, audit=audit, label=label, import_id=row.id, on_progress=advance)
            audit.flush()
            files.append(
                FileReport(name, label, IMPORTED, frame.height, counts.inserted, counts.updated, counts.unchanged)
            )
        if "cases" in todo:  # the imported cases' cells, counted in the import's own transaction
            bring_up_to_date(session)
        if "deductions" in todo:
            deduction_cells.bring_up_to_date(session)
        record_confirmation(session, actor, "import", f"import {batch.source}"[-200:], found, confirm_reason)
    return ImportReport(str(batch.source), tuple(files))


def _fit(label: str) -> str:
    """A label short enough for its column, keeping the end (the file name is what identifies it)."""
    return label if len(label) <= _LABEL_MAX else "…" + label[-(_LABEL_MAX - 1) :]


def _hashes(source: Path, facts: Facts) -> dict[str, str]:
    """sha256 of every file present: the bytes of a CSV file; for a workbook, each sheet's canonical CSV
    text (a workbook's bytes differ on every save even when no cell changed).  Absent files are left out."""
    if source.is_dir():
        out: dict[str, str] = {}
        for name in FILE_NAMES:
            path = Path(facts.label(name))
            if path.is_file():
                out[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        return out
    present = _sheet_names(source)
    return {
        name: hashlib.sha256(csv_text(name, getattr(facts, name)).encode("utf-8")).hexdigest()
        for name in FILE_NAMES
        if name in present
    }


def _sheet_names(book: Path) -> set[str]:
    """The interchange names that have a sheet, matched as the reader matches them (case, spaces)."""
    workbook = openpyxl.load_workbook(book, read_only=True)
    try:
        titles = {t.strip().lower() for t in workbook.sheetnames} | set(workbook.sheetnames)
    finally:
        workbook.close()
    return {n for n in FILE_NAMES if any(t in titles for t in sheet_names(n))}


def _check(
    session: Session, facts: Facts, scheme: Scheme | None, todo: list[str], at: datetime, log: ErrorLog
) -> Findings:
    """The scheme on store + import merged; the entry checks on the files to be written (a file imported
    before is skipped, so its rows are not re-asked).  Raises every error of ``log`` (reading, units) and
    of these checks together, in file and row order; returns the warnings that need confirmation."""
    found = check_facts_entry(session, facts, todo, [scheme] if scheme is not None else [], at)
    log.add_counted([p.input_error() for p in found.refused], found.refused_total)
    known = set(session.scalars(select(Unit.unit_id))) | set(facts.units.get_column("unit_id").drop_nulls())
    if scheme is not None:
        try:
            check_facts(scheme, _merged(session, facts, known))
        except InputErrors as exc:
            log.add_counted([_relabel(e, facts) for e in exc.errors], exc.total)
    else:  # with a scheme, check_facts reports them (the store's rows a key replaces are left out of the merge)
        duplicate_keys(facts, log)
    if log:
        raise InputErrors(facts.in_file_order(log.kept), log.total)
    return found


def _merged(session: Session, facts: Facts, known: set[str]) -> Facts:
    """The facts the store will hold after the import: the import's rows plus the stored rows it does not
    replace (matched on natural keys, as ``write_facts`` will match them).

    Rows naming an unknown unit are left out (they are reported already, and once is enough); a row whose
    unit could not be resolved (null) stays, so its other mistakes are reported in the same answer.
    """
    stored = load_facts(session)
    frames: dict[str, pl.DataFrame] = {}
    for name in FILE_NAMES:
        ours: pl.DataFrame = getattr(facts, name)
        theirs: pl.DataFrame = getattr(stored, name)
        if name in UNIT_FILES:
            # a unit that names no unit is null (reported already); the row's other cells are still checked
            ours = ours.filter(pl.col("unit_id").is_in(list(known)) | pl.col("unit_id").is_null())
        if name == "units":
            theirs = theirs.filter(~pl.col("unit_id").is_in(ours.get_column("unit_id").to_list()))
            theirs = theirs.with_columns(pl.lit(_STORE_ROW, dtype=pl.Int64).alias(ROW))
        elif not theirs.is_empty():
            table = cast("type[FactMixin]", TABLES[name])
            ids = pl.DataFrame(
                [tuple(r) for r in session.execute(select(table.id, table.nkey))],
                schema={ROW: pl.Int64, "nkey": pl.String},
                orient="row",
            )
            replaced = natural_keys(name, ours).to_list() if not ours.is_empty() else []
            theirs = (
                theirs.join(ids, on=ROW, how="left")
                .filter(~pl.col("nkey").is_in(replaced))
                .drop("nkey")
                .with_columns(pl.col(ROW) + _STORE_ROW)
            )
        frames[name] = pl.concat([ours, theirs]) if not theirs.is_empty() else ours
    return facts_of(frames, facts.labels)


def _relabel(error: InputError, facts: Facts) -> InputError:
    """A scheme error on a stored row names the table and the row's id, not the file being imported."""
    if error.row is None or error.row < _STORE_ROW:
        return error
    name = next((n for n in FILE_NAMES if facts.label(n) == error.file), error.file)
    row = error.row - _STORE_ROW
    return replace(error, file=f"db:{name}", row=row or None)


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
