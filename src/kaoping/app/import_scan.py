"""The check pass of an import read in chunks (导入检查): every check of the whole import, one chunk in memory.

An import is checked before anything is written, and its answer lists every problem at once (reading, unit
names, entry checks, the scheme).  The scheme was checked on the store and the import merged — every stored
fact loaded, then joined with the whole file — so memory grew with both.  Here each check sees what it needs:

* a chunk's rows are checked on their own (the scheme's row checks need nothing but the row and the
  units: :func:`~kaoping.engine.consistency.check_rows_of`, with the units of the store and the import);
* a key that must name one row (units, notices, cases, ranks) is checked across the file by keeping a
  64-bit hash of each row's key (16 bytes a row with its row number); only rows whose hash another row
  shares are read again and compared on their keys, so a repeat in a later chunk names the row of the first
  as before.  Against the store no repeat is possible: a stored row of the same key is the row the import
  replaces;
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
        self.repeats = {spec.name: _Repeats(spec.name, spec.natural_key) for spec in KINDS if spec.key_unique}
        self.replaced = {n: list[pl.Series]() for n in _JUDGED if scheme is not None and _has_rows(session, n)}
        self.rows = dict.fromkeys(FILE_NAMES, 0)

    def chunk(self, name: str, read: pl.DataFrame, seen: Occurrences, *, skipped: bool, at: datetime) -> None:
        """Every check of one chunk of file ``name`` (``skipped``: a file imported before, not entry-checked)."""
        session, scheme, facts = self.session, self.scheme, self.source.facts()
        chunk = self._resolved(name, read, self.names_log)
        schemes = [scheme] if scheme is not None else []
        entry = check_rows(session, name, chunk, label=facts.label(name), schemes=schemes, now=at)
        (self.skipped if skipped else self.found).merge(entry)
        ours = self._ours(name, chunk)
        if scheme is not None and name in UNIT_FILES:
            check_rows_of(scheme, with_frames(facts, units=self.merged, **{name: ours}), self.scheme_log)
        if name in self.repeats:
            self.repeats[name].add(ours)
        if name in self.replaced:
            self.replaced[name].append(natural_keys(name, ours, seen).hash())
        self.rows[name] += chunk.height

    def _resolved(self, name: str, read: pl.DataFrame, log: ErrorLog) -> pl.DataFrame:
        """The chunk with every unit name turned into its unit's id (:mod:`kaoping.app.unit_names`)."""
        if name == "units":
            return read
        facts = with_frames(self.source.facts(), units=self.units, **{name: read})
        frame: pl.DataFrame = getattr(resolve_unit_names(self.session, facts, log), name)
        return frame

    def _ours(self, name: str, chunk: pl.DataFrame) -> pl.DataFrame:
        """The rows the scheme judges: not those naming an unknown unit (reported already, once is enough);
        a row whose unit could not be resolved (null) stays, its other mistakes reported in the same answer."""
        if self.scheme is None or name not in UNIT_FILES:
            return chunk
        return chunk.filter(pl.col("unit_id").is_in(list(self.known)) | pl.col("unit_id").is_null())

    def _repeats(self) -> None:
        """Every file's repeated keys, the file read again (its keys only matter) when hashes are shared."""
        for name, repeats in self.repeats.items():
            shared = repeats.shared()
            if shared.is_empty():
                continue
            reads = [self.units] if name == "units" else self.source.read(name, ErrorLog())
            chunks = (self._ours(name, self._resolved(name, read, ErrorLog())) for read in reads)
            repeats.report(shared, chunks, self.source.facts().label(name), self.scheme_log)

    def result(self) -> Scanned:
        """The stored rows checked, then every error raised together or the warnings returned."""
        facts, scheme, found = self.source.facts(), self.scheme, self.found
        if scheme is not None:
            for name, keys in self.replaced.items():
                _check_stored(self.session, scheme, with_frames(facts, units=self.merged), name, keys, self.scheme_log)
        self._repeats()
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


class _Repeats:
    """A key that must name one row, checked across a file read in chunks.  Per row only a 64-bit hash of
    its key and its row are kept (16 bytes a row); the rows whose hash another row shares — none in a file
    without repeats — are read again with their keys and checked exactly, so a chance collision of hashes
    costs a second read, never a false error."""

    def __init__(self, kind: str, key: tuple[str, ...]) -> None:
        self.kind, self.key = kind, list(key)
        self.parts: list[pl.DataFrame] = []

    def add(self, chunk: pl.DataFrame) -> None:
        frame = chunk.drop_nulls(self.key)  # a key cell that could not be read is reported already
        self.parts.append(frame.select(ROW, _h=pl.struct(self.key).hash(11)))

    def shared(self) -> pl.Series:
        """The rows whose key's hash another row shares (the candidates for a repeat)."""
        rows = pl.concat(self.parts) if self.parts else pl.DataFrame(schema={ROW: pl.Int64, "_h": pl.UInt64})
        self.parts = []
        return rows.filter(pl.len().over("_h") > 1).get_column(ROW)

    def report(self, shared: pl.Series, chunks: Iterable[pl.DataFrame], label: str, log: ErrorLog) -> None:
        """Report each repeat among the ``shared`` rows of ``chunks`` (the file read again), naming the first."""
        picked = [c.filter(pl.col(ROW).is_in(shared.implode())).select(*self.key, ROW) for c in chunks]
        frame = pl.concat(picked).drop_nulls(self.key)
        dup = frame.with_columns(_first=pl.col(ROW).min().over(self.key)).filter(pl.col(ROW) > pl.col("_first"))
        report_duplicates(self.kind, dup, label, log)


def _relabel(error: InputError, facts: Facts) -> InputError:
    """A scheme error on a stored row names the table and the row's id, not the file being imported."""
    if error.row is None or error.row < STORE_ROW:
        return error
    name = next((n for n in FILE_NAMES if facts.label(n) == error.file), error.file)
    row = error.row - STORE_ROW
    return replace(error, file=f"db:{name}", row=row or None)
