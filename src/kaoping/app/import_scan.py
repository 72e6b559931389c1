"""The check pass of an import read in chunks (导入检查): every check of the whole import, one chunk in memory.

An import is checked before anything is written, and its answer lists every problem at once (reading, unit
names, entry checks, the scheme).  The scheme was checked on the store and the import merged — every stored
fact loaded, then joined with the whole file — so memory grew with both.  Here each check sees what it needs:

* a chunk's rows are checked on their own (the scheme's row checks need nothing but the row and the
  units: :func:`~kaoping.engine.consistency.check_rows_of`, with the units of the store and the import);
* a key that must name one row (units, notices, cases, ranks) is checked across the file by keeping, per
  key seen, two 64-bit hashes and its first row (24 bytes a key): a repeat in a later chunk names the row
  of the first as before.  Against the store no repeat is possible: a stored row of the same key is the
  row the import replaces;
* the stored rows the scheme judges (scores, deductions) are read back in chunks, leaving out those the
  import replaces (their keys' hashes, kept while the file is read), and cited as ``db:<table>``.

The errors are the same, in the same order, as when everything was checked at once (each check keeps its
first 50 per chunk instead of per file, which only matters beyond the 50 shown).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.app.entry_checks import Findings, check_rows
from kaoping.app.unit_names import resolve_unit_names
from kaoping.engine.consistency import UNIT_FILES, check_rows_of, check_units, report_duplicates
from kaoping.errors import ErrorLog, InputError, InputErrors
from kaoping.facts import FILE_NAMES, KINDS, Facts
from kaoping.facts.columns import ROW, empty_frame
from kaoping.io.chunks import CHUNK_ROWS, DataSource
from kaoping.scheme import Scheme
from kaoping.store.facts import TABLES, Occurrences, natural_keys
from kaoping.store.import_chunks import stored_chunks, stored_units

__all__ = ["Progress", "Scanned", "scan_import", "with_frames"]

Progress = Callable[[str, int, int], None]
"""``progress(description, rows_done, rows_total)``; ``rows_total`` 0 = not known yet (still checking)."""

STORE_ROW = 10**12
"""Added to the id of a stored row, so a scheme error on it can be told apart from an error on a row of the
import (rows of a sheet never get this far) and cited as ``db:<table>``."""
_JUDGED = ("scores", "deductions")
"""The fact files whose stored rows the scheme's row checks can refuse (the others only by an unknown unit,
which a stored row cannot name)."""


@dataclass(frozen=True)
class Scanned:
    """What the check pass found that the write pass needs."""

    found: Findings
    """Warnings that need confirmation (refusals raised already)."""
    rows: dict[str, int]
    """Rows per file, as read (empty lines left out)."""
    units: pl.DataFrame
    """The import's units file, typed (read once: it is small and every chunk's unit names need it)."""


def with_frames(facts: Facts, **frames: pl.DataFrame) -> Facts:
    """``facts`` (labels and headers) with some frames replaced."""
    by_name = {n: frames.get(n, getattr(facts, n)) for n in FILE_NAMES}
    return Facts(**by_name, labels=facts.labels, headers=facts.headers)


def scan_import(
    session: Session, source: DataSource, scheme: Scheme | None, todo: list[str], at: datetime, report: Progress
) -> Scanned:
    """Read and check every file of ``source`` chunk by chunk.  Raises every error (reading, unit names,
    entry refusals, scheme) in one :class:`InputErrors`, in file and row order; returns the warnings."""
    scan = _Scan(session, source, scheme)
    for name in FILE_NAMES:
        seen = Occurrences()
        for read in [scan.units] if name == "units" else source.read(name, scan.read_log):
            scan.chunk(name, read, seen, skipped=name not in todo, at=at)
            report(source.facts().label(name), sum(scan.rows.values()), 0)
    return scan.result()


class _Scan:
    """The check pass's state: the errors found so far, per kind of check (reported in this order, as the
    checks of a whole import were), and what the checks of later chunks need."""

    def __init__(self, session: Session, source: DataSource, scheme: Scheme | None) -> None:
        self.session, self.source, self.scheme = session, source, scheme
        self.read_log, self.names_log, self.scheme_log = ErrorLog(), ErrorLog(), ErrorLog()
        self.read_log.add_counted(source.book_errors.kept, source.book_errors.total)
        self.units = units = _whole("units", source.read("units", self.read_log))
        stored = stored_units(session)
        self.known = set(stored.get_column("unit_id")) | set(units.get_column("unit_id").drop_nulls())
        theirs = stored.filter(~pl.col("unit_id").is_in(units.get_column("unit_id").implode()))
        self.merged = pl.concat([units, theirs.with_columns(pl.lit(STORE_ROW, dtype=pl.Int64).alias(ROW))])
        if scheme is not None:
            check_units(scheme, with_frames(source.facts(), units=self.merged), self.scheme_log)
        self.found, self.skipped = Findings(), Findings()
        self.firsts = {spec.name: _FirstRows(spec.name, spec.natural_key) for spec in KINDS if spec.key_unique}
        self.replaced = {n: list[pl.Series]() for n in _JUDGED if scheme is not None and _has_rows(session, n)}
        self.rows = dict.fromkeys(FILE_NAMES, 0)

    def chunk(self, name: str, read: pl.DataFrame, seen: Occurrences, *, skipped: bool, at: datetime) -> None:
        """Every check of one chunk of file ``name`` (``skipped``: a file imported before, not entry-checked)."""
        session, scheme, facts = self.session, self.scheme, self.source.facts()
        chunk = read if name == "units" else _resolved(session, facts, self.units, name, read, self.names_log)
        schemes = [scheme] if scheme is not None else []
        entry = check_rows(session, name, chunk, label=facts.label(name), schemes=schemes, now=at)
        (self.skipped if skipped else self.found).merge(entry)
        ours = chunk
        if scheme is not None and name in UNIT_FILES:
            ours = chunk.filter(pl.col("unit_id").is_in(list(self.known)) | pl.col("unit_id").is_null())
            check_rows_of(scheme, with_frames(facts, units=self.merged, **{name: ours}), self.scheme_log)
        if name in self.firsts:
            self.firsts[name].check(ours, facts.label(name), self.scheme_log)
        if name in self.replaced:
            self.replaced[name].append(natural_keys(name, ours, seen).hash())
        self.rows[name] += chunk.height

    def result(self) -> Scanned:
        """The stored rows checked, then every error raised together or the warnings returned."""
        facts, scheme, found = self.source.facts(), self.scheme, self.found
        if scheme is not None:
            for name, keys in self.replaced.items():
                _check_stored(self.session, scheme, with_frames(facts, units=self.merged), name, keys, self.scheme_log)
        if self.read_log:  # with reading errors no file counts as imported before: all are entry-checked
            found.merge(self.skipped)
        log = ErrorLog()
        for part in (self.read_log, self.names_log):
            log.add_counted(part.kept, part.total)
        log.add_counted([p.input_error() for p in found.refused], found.refused_total)
        log.add_counted([_relabel(e, facts) for e in self.scheme_log.kept], self.scheme_log.total)
        if log:
            raise InputErrors(facts.in_file_order(log.kept), log.total)
        return Scanned(found, self.rows, self.units)


def _whole(name: str, chunks: Iterable[pl.DataFrame]) -> pl.DataFrame:
    frames = list(chunks)
    return pl.concat(frames) if frames else empty_frame(name)


def _resolved(
    session: Session, facts: Facts, units: pl.DataFrame, name: str, chunk: pl.DataFrame, log: ErrorLog
) -> pl.DataFrame:
    """The chunk with every unit name turned into its unit's id (:mod:`kaoping.app.unit_names`)."""
    frame: pl.DataFrame = getattr(
        resolve_unit_names(session, with_frames(facts, units=units, **{name: chunk}), log), name
    )
    return frame


def _has_rows(session: Session, name: str) -> bool:
    table = TABLES[name]
    return session.execute(select(table.id).limit(1)).first() is not None  # type: ignore[attr-defined]


def _check_stored(
    session: Session, scheme: Scheme, facts: Facts, name: str, replaced: list[pl.Series], log: ErrorLog
) -> None:
    """The scheme's row checks on the stored rows of ``name`` the import leaves as they are."""
    gone = pl.concat(replaced) if replaced else pl.Series([], dtype=pl.UInt64)
    for stored in stored_chunks(session, name, CHUNK_ROWS):
        kept = stored.filter(~pl.col("nkey").hash().is_in(gone.implode())).drop("nkey")
        check_rows_of(scheme, with_frames(facts, **{name: kept.with_columns(pl.col(ROW) + STORE_ROW)}), log)


class _FirstRows:
    """The first row of every key seen so far in a file whose key must name one row (two 64-bit hashes of
    the key and the row: 24 bytes a key; a chance collision of both is about 1 in 10^38 a pair)."""

    def __init__(self, kind: str, key: tuple[str, ...]) -> None:
        self.kind, self.key = kind, list(key)
        self.seen = pl.DataFrame(schema={"_h1": pl.UInt64, "_h2": pl.UInt64, "_before": pl.Int64})

    def check(self, chunk: pl.DataFrame, label: str, log: ErrorLog) -> None:
        """Report the chunk's rows that repeat a key of an earlier row (of this chunk or an earlier one)."""
        frame = chunk.drop_nulls(self.key)  # a key cell that could not be read is reported already
        key = pl.struct(self.key)
        frame = frame.with_columns(_h1=key.hash(11), _h2=key.hash(29), _first=pl.col(ROW).min().over(self.key))
        frame = frame.join(self.seen, on=["_h1", "_h2"], how="left", maintain_order="left")
        fresh = frame.filter(pl.col("_before").is_null()).group_by("_h1", "_h2").agg(_before=pl.col(ROW).min())
        self.seen = pl.concat([self.seen, fresh])
        frame = frame.with_columns(_first=pl.coalesce("_before", "_first"))
        report_duplicates(self.kind, frame.filter(pl.col(ROW) > pl.col("_first")), label, log)


def _relabel(error: InputError, facts: Facts) -> InputError:
    """A scheme error on a stored row names the table and the row's id, not the file being imported."""
    if error.row is None or error.row < STORE_ROW:
        return error
    name = next((n for n in FILE_NAMES if facts.label(n) == error.file), error.file)
    row = error.row - STORE_ROW
    return replace(error, file=f"db:{name}", row=row or None)
