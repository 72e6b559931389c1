"""A data folder or workbook read file by file, each file in chunks of typed rows (分块读取).

:func:`~kaoping.io.readers.read_facts_leniently` holds every file whole, as text and then typed: about a
kilobyte a row, so ten million rows would need ten gigabytes.  An import reads its source through
:class:`DataSource` instead, twice (once to check, once to write) and each time in chunks of
:data:`CHUNK_ROWS`: a CSV file through Polars' streaming engine, so the memory a file costs is that of one
chunk.  Each chunk is validated as the whole file would be (same messages, same sheet rows; the header's
problems reported with the first chunk).  A workbook is read whole, as before: calamine reads a sheet at
once and Excel bounds a sheet (1,048,576 rows); its sheets are then the chunks.

Reading a CSV file twice means another process may rewrite it in between, and the write pass would then
write rows the check pass never saw.  :meth:`DataSource.changed` tells: each file's sha256 (and its size,
time of change and inode, which a rewrite that restores the bytes still changes) taken before the check
pass is compared with the file as it is after the write pass, streaming, a block at a time.  A workbook is
read once into memory and both passes read that copy: nothing to compare.
"""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from kaoping.errors import ErrorLog, InputError, InputErrors
from kaoping.facts.columns import empty_frame
from kaoping.facts.frames import Facts, facts_of
from kaoping.facts.kinds import FILE_NAMES
from kaoping.input_messages import Msg, say
from kaoping.io.export import csv_text
from kaoping.io.readers import WANTED, read_facts_leniently
from kaoping.io.sources import CsvHead, csv_chunks, open_csv
from kaoping.io.validate import header_names, validate
from kaoping.io.workbook import present_sheets

__all__ = ["CHUNK_ROWS", "DataSource"]

CHUNK_ROWS = 100_000
"""Rows of a chunk: a few dozen megabytes typed, and few enough chunks that each one's fixed costs vanish."""
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_HASH_BLOCK = 1 << 24


class DataSource:
    """The interchange files of a folder (read in chunks) or a workbook (read whole, once)."""

    def __init__(self, source: Path, rows: int | None = None) -> None:
        """Raise ``FileNotFoundError`` (no such path) or :class:`InputErrors` (a file that is no data).
        ``rows``: rows a chunk (default :data:`CHUNK_ROWS`, looked up when opened: tests make it small)."""
        self.source, self.rows = source, rows or CHUNK_ROWS
        self.book: Facts | None = None
        self.book_errors = ErrorLog()
        """What reading the workbook found (a folder's files report theirs as they are read)."""
        self.stamps: dict[str, tuple[int, int, int] | None] = {}
        """Each CSV file's (size, time of change, inode) when :meth:`hashes` read it."""
        if source.is_dir():
            self.labels, self.present = _folder_files(source)
            self.headers: dict[str, dict[str, str]] = {}
        elif source.is_file() and source.suffix.lower() in _WORKBOOK_SUFFIXES:
            self.book = read_facts_leniently(source, self.book_errors)
            self.labels, self.headers = dict(self.book.labels), self.book.headers
            # a workbook that could not be read is hashed no further (see :meth:`hashes`)
            self.present = set() if self.book_errors else present_sheets(source)
        elif source.is_file():
            hint = say(Msg.SAVE_AS_XLSX) if source.suffix.lower() == ".xls" else ("", "")
            raise InputErrors([InputError.said(str(source), None, None, say(Msg.NOT_DATA, hint=hint))])
        else:
            raise FileNotFoundError(errno.ENOENT, "no such data folder or workbook", str(source))

    def facts(self) -> Facts:
        """Empty frames with the labels and headers (as read so far): for naming files and columns."""
        return facts_of({n: empty_frame(n) for n in FILE_NAMES}, self.labels, self.headers)

    def hashes(self) -> dict[str, str]:
        """sha256 of every file present: a CSV file's bytes (read in blocks); for a workbook, each sheet's
        canonical CSV text (its bytes differ on every save even when no cell changed), or "" for every
        sheet read when reading found errors (a broken workbook cannot be hashed; the import fails anyway)."""
        if self.book is not None:
            if self.book_errors:
                return {n: "" for n in FILE_NAMES if n in self.book.headers}
            book = self.book
            return {
                n: hashlib.sha256(csv_text(n, getattr(book, n)).encode()).hexdigest()
                for n in FILE_NAMES
                if n in self.present
            }
        out: dict[str, str] = {}
        for name in (n for n in FILE_NAMES if n in self.present):
            path = Path(self.labels[name])
            if not path.is_file():
                continue
            self.stamps[name] = _stamp(path)  # before reading: a change while hashing shows in :meth:`changed`
            out[name] = _sha256(path)
        return out

    def changed(self, hashes: dict[str, str]) -> list[str]:
        """The labels of the CSV files that are no longer what ``hashes`` (from :meth:`hashes`) read: another
        sha256, or another size, time of change or inode (rewritten, even if back to the same bytes), or gone.
        Called after the last pass: the rows written are then the rows checked unless it names a file."""
        if self.book is not None:
            return []
        return [
            self.labels[name]
            for name, digest in hashes.items()
            if _stamp(Path(self.labels[name])) != self.stamps.get(name) or _sha256(Path(self.labels[name])) != digest
        ]

    def read(self, name: str, log: ErrorLog) -> Iterator[pl.DataFrame]:
        """The typed rows of file ``name`` in chunks (none when absent or unreadable), its problems to ``log``."""
        if self.book is not None:
            if name in self.book.headers:
                yield getattr(self.book, name)
            return
        if name not in self.present:
            return
        head = open_csv(Path(self.labels[name]), self.labels[name], WANTED[name])
        if isinstance(head, InputError):
            log.add(head)
            return
        yield from self._csv(name, head, log)

    def _csv(self, name: str, head: CsvHead, log: ErrorLog) -> Iterator[pl.DataFrame]:
        for at, table in enumerate(csv_chunks(head, self.rows)):
            if isinstance(table, InputError):
                log.add(table)
                return
            if at == 0:
                self.headers[name] = header_names(name, table)
            yield validate(name, table, log, header_checked=at > 0)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """What a rewrite of ``path`` changes even when it puts the same bytes back (None: no such file)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


def _sha256(path: Path) -> str:
    """The file's sha256, read a block at a time (bounded memory); "" when it is gone."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while block := handle.read(_HASH_BLOCK):
                digest.update(block)
    except FileNotFoundError:
        return ""
    return digest.hexdigest()


def _folder_files(folder: Path) -> tuple[dict[str, str], set[str]]:
    """Each file's label (its path) and which are there; a name differing only in case (``Scores.CSV``) is
    accepted too, as :func:`~kaoping.io.readers.read_facts` accepts it."""
    by_lower: dict[str, Path] = {}
    for entry in sorted(folder.iterdir()):
        by_lower.setdefault(entry.name.lower(), entry)
    labels: dict[str, str] = {}
    present: set[str] = set()
    for name in FILE_NAMES:
        path = folder / f"{name}.csv"
        if not path.exists():
            path = by_lower.get(f"{name}.csv", path)
        labels[name] = str(path)
        if path.exists():  # not a file (a folder so named): reading it says so
            present.add(name)
    return labels, present
