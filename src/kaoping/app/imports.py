"""Importing a data folder (or workbook) into the store (导入): validated first, then all or nothing.

The one import use case, for ``kaoping import`` and the entry page's upload alike; an upload is first held
to the account's rights on every row (:func:`import_upload`), like a single-row write.

An office imports the same spreadsheets many times — re-sent by e-mail, fixed and sent again — so an
import must be safe to repeat and must never leave the store half-changed:

* Everything is checked before anything is written: every reading error of every file (``read_facts``),
  then every unit reference against this import's units and the store's, then (given a scheme) the
  scheme's own checks on the store and the import merged.  All problems are reported together.
* One transaction writes every file; any exception rolls all of it back.
* A file's sha256 is recorded (``imports``); a file seen before is skipped as "already imported", and
  rows are written through :func:`~kaoping.store.facts.write_facts`, matched on their natural keys, so
  even a re-saved copy of a file only updates what really changed — with an audit row for each change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import openpyxl
import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kaoping.app.context import AppContext
from kaoping.app.facts import canonical_names
from kaoping.app.policy import WRITE_KIND_PERMS, Perm, Principal, RowRefusal, allowed, row_refusal
from kaoping.engine.consistency import UNIT_FILES, check_facts
from kaoping.errors import ErrorLog, InputError, InputErrors
from kaoping.facts import FILE_NAMES, Facts, facts_of
from kaoping.facts.columns import ROW
from kaoping.io.export import csv_text
from kaoping.io.readers import read_facts
from kaoping.scheme import Scheme
from kaoping.store.audit import AuditWriter, now
from kaoping.store.db import transaction
from kaoping.store.facts import TABLES, load_facts, natural_keys, write_facts
from kaoping.store.tables import FactMixin, ImportBatch, Unit

__all__ = [
    "ABSENT",
    "ALREADY",
    "IMPORTED",
    "FileReport",
    "ImportRejected",
    "ImportReport",
    "Progress",
    "UploadRefused",
    "import_data",
    "import_upload",
    "stored_frames",
]

IMPORTED = "imported"
ALREADY = "already imported"
ABSENT = "absent"

Progress = Callable[[str, int, int], None]
"""``progress(description, rows_done, rows_total)``; ``rows_total`` 0 = not known yet (still checking)."""

_STORE_ROW = 10**12
"""Added to the id of a stored row in the merged facts, so a scheme error on it can be told apart from an
error on a row of the import (rows of a sheet never get this far) and cited as ``db:<table>``."""
_LABEL_MAX = 500  # the width of imports.label and src_file


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
) -> ImportReport:
    """Import every interchange file of ``source`` (folder or .xlsx) in one transaction.

    Raises :class:`InputErrors` (nothing written) when any file, unit reference or — given ``scheme`` —
    scheme check fails; ``FileNotFoundError`` when ``source`` does not exist.
    """
    report = progress or (lambda _description, _done, _total: None)
    report("reading and checking", 0, 0)
    facts = read_facts(source)
    hashes = _hashes(Path(source), facts)
    with transaction(factory) as session:
        _check(session, facts, scheme)
        seen = set(session.scalars(select(ImportBatch.sha256).where(ImportBatch.sha256.in_(list(hashes.values())))))
        todo = [n for n in FILE_NAMES if n in hashes and hashes[n] not in seen]
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
            batch = ImportBatch(
                sha256=hashes[name], kind=name, label=label, rows=frame.height, imported_at=now(), imported_by=actor
            )
            session.add(batch)
            session.flush()  # the batch id, for the rows' import_id
            audit = AuditWriter(session, actor, reason=f"import {label}")

            def advance(rows: int, label: str = label) -> None:
                nonlocal done
                done += rows
                report(label, done, total)

            counts = write_facts(
                session, name, frame, audit=audit, label=label, import_id=batch.id, on_progress=advance
            )
            audit.flush()
            files.append(
                FileReport(name, label, IMPORTED, frame.height, counts.inserted, counts.updated, counts.unchanged)
            )
    return ImportReport(str(source), tuple(files))


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
    return {n for n in FILE_NAMES if n in titles}


def _check(session: Session, facts: Facts, scheme: Scheme | None) -> None:
    """Unit references against this import and the store; then the scheme on store + import merged."""
    log = ErrorLog()
    stored_units = set(session.scalars(select(Unit.unit_id)))
    known = stored_units | set(facts.units.get_column("unit_id").to_list())
    for name in UNIT_FILES:
        frame: pl.DataFrame = getattr(facts, name)
        bad = frame.filter(~pl.col("unit_id").is_in(list(known))).sort(ROW)
        shown = [
            InputError(
                facts.label(name),
                row,
                "unit_id",
                f"unknown unit '{unit}': expected a unit_id of units.csv in this import or of the store's units",
            )
            for row, unit in bad.head(50).select(ROW, "unit_id").iter_rows()
        ]
        log.add_counted(shown, bad.height)
    if scheme is not None:
        try:
            check_facts(scheme, _merged(session, facts, known))
        except InputErrors as exc:
            log.add_counted([_relabel(e, facts) for e in exc.errors], exc.total)
    log.raise_if_any()


def _merged(session: Session, facts: Facts, known: set[str]) -> Facts:
    """The facts the store will hold after the import: the import's rows plus the stored rows it does not
    replace (matched on natural keys, as ``write_facts`` will match them).

    Rows naming an unknown unit are left out: they are reported already, and once is enough.
    """
    stored = load_facts(session)
    frames: dict[str, pl.DataFrame] = {}
    for name in FILE_NAMES:
        ours: pl.DataFrame = getattr(facts, name)
        theirs: pl.DataFrame = getattr(stored, name)
        if name in UNIT_FILES:
            ours = ours.filter(pl.col("unit_id").is_in(list(known)))
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
    return InputError(f"db:{name}", row or None, error.column, error.message)


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


# --- an upload by an account -------------------------------------------------------------------------


class UploadRefused(InputErrors):
    """Rows the account may not write (nothing imported); the attempt is in the audit trail as ``denied``."""


class ImportRejected(InputErrors):
    """Data no office scheme accepts (nothing imported)."""

    scheme: str | None = None
    """The office scheme the errors are against, when the office runs several."""


def importable_kinds(who: Principal) -> set[str]:
    """The interchange files an account may import: its fact kinds, and units for the office."""
    kinds = {kind for kind, perm in WRITE_KIND_PERMS.items() if allowed(who.role, perm)}
    return kinds | {"units"} if allowed(who.role, Perm.UNITS_WRITE) else kinds


def _row_problems(who: Principal, facts: Facts, name: str, canonical: dict[str, str]) -> tuple[list[InputError], int]:
    """Rows of ``name`` the policy's row rule refuses (:func:`~kaoping.app.policy.row_refusal`), in Chinese."""
    frame: pl.DataFrame = getattr(facts, name)
    label = facts.label(name)
    shown: list[InputError] = []
    bad = 0
    seen: dict[tuple[str, str, str], RowRefusal | None] = {}
    for row, part, item, src in zip(frame[ROW], frame["part"], frame["item"], frame["source"], strict=True):
        key = (str(part or ""), str(item or ""), str(src or ""))
        if key not in seen:
            seen[key] = row_refusal(who, name, *key, canonical)
        if seen[key] is RowRefusal.PART:
            what = f"{key[0]}/{key[1]}" if key[1] else key[0]
            mine = "、".join(who.parts) or "无"
            error = InputError(label, row, "part", f"本账号不能为“{what}”评分或扣分（本账号的考评项目：{mine}）")
        elif seen[key] is RowRefusal.SOURCE:
            error = InputError(label, row, "source", f"评分单位须填写本账号的名称“{who.scorer_name}”")
        else:
            continue
        bad += 1
        if len(shown) < 50:
            shown.append(error)
    return shown, bad


def role_problems(
    who: Principal, facts: Facts, canonical: dict[str, str], kind_names: dict[str, str]
) -> InputErrors | None:
    """The rows ``who`` may not write, as errors; None when every row is the account's to write.

    The same rules as a single-row write (:func:`kaoping.app.policy.check_fact_write`): the kind needs the
    role's write permission; score and deduction rows need the account's parts; a department's or third
    party's score rows must carry its own name as ``source`` (an empty source is not filled in here: the
    file is the record).  ``kind_names``: how the edge names each file to the user.
    """
    log = ErrorLog()
    kinds = importable_kinds(who)
    for name in FILE_NAMES:
        frame: pl.DataFrame = getattr(facts, name)
        if frame.is_empty():
            continue
        if name not in kinds:
            message = f"本账号不能导入{kind_names[name]}（{name}）数据：共 {frame.height} 行，请删除此表的数据行"
            log.add(InputError(facts.label(name), None, None, message))
        elif name in ("scores", "deductions"):
            log.add_counted(*_row_problems(who, facts, name, canonical))
    return InputErrors(log.kept, log.total) if log else None


def _record_refusal(ctx: AppContext, who: Principal, filename: str, errors: InputErrors) -> None:
    """A refused upload goes into the audit trail as ``denied``, like a refused API write."""
    with transaction(ctx.factory) as session:
        audit = AuditWriter(session, who.actor, reason=f"refused: role '{who.role}' may not do this")
        detail = {"role": str(who.role), "attempted": f"import {filename}", "problems": errors.total}
        audit.event("denied", "import", f"import {filename}"[:200], detail=detail)
        audit.flush()


def import_upload(
    ctx: AppContext, who: Principal, source: Path, filename: str, kind_names: dict[str, str]
) -> ImportReport:
    """Import a saved upload for ``who``, held to the account's rights on every row first.

    Raises InputErrors when the file cannot be read; :class:`UploadRefused` (after recording the attempt)
    when it holds rows the account may not write; :class:`ImportRejected` when no office scheme accepts
    the data.  A row is accepted when one of the office's schemes accepts it (as in the API); the importer
    checks before writing anything, so trying the next scheme after a refusal is safe.
    """
    facts = read_facts(source)
    refused = role_problems(who, facts, canonical_names(ctx), kind_names)
    if refused is not None:
        _record_refusal(ctx, who, filename, refused)
        raise UploadRefused(refused.errors, refused.total)
    candidates: list[tuple[str, Scheme | None]] = [(n, o.scheme) for n, o in ctx.schemes.items()]
    first: tuple[str, InputErrors] | None = None
    for name, scheme in candidates or [("", None)]:
        try:
            return import_data(ctx.factory, source, actor=who.actor, scheme=scheme)
        except InputErrors as exc:
            first = first or (name, exc)
    assert first is not None
    rejected = ImportRejected(first[1].errors, first[1].total)
    rejected.scheme = first[0] if len(ctx.schemes) > 1 else None
    raise rejected
