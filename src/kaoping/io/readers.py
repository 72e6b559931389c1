"""Reading the interchange data (a folder of CSV files or one .xlsx workbook) into typed Polars frames.

This is the boundary between hand-kept spreadsheets and the engine's pure functions: after
:func:`read_facts` every value has its final type, periods are normalised and enumerations checked,
so the engine never has to wonder whether a score is text.  All problems of all files are reported
together in one :class:`~kaoping.errors.InputErrors`.
"""

from __future__ import annotations

import errno
from pathlib import Path

import polars as pl

from kaoping.errors import ErrorLog, InputError, InputErrors
from kaoping.facts.columns import FILES, empty_frame
from kaoping.facts.frames import Facts, facts_of
from kaoping.facts.kinds import FILE_NAMES
from kaoping.input_messages import Msg, say
from kaoping.io.sources import RawTable, read_csv_table, read_workbook
from kaoping.io.validate import header_names, validate

__all__ = ["WANTED", "read_facts", "read_facts_leniently"]

_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
WANTED = {name: [h for c in columns for h in c.headers] for name, columns in FILES.items()}
"""Only the contract's columns are read (under any of their headers, English or Chinese): other columns are
ignored by the contract, so parsing them is waste."""


def _folder_tables(folder: Path, log: ErrorLog) -> tuple[dict[str, RawTable], dict[str, str]]:
    """The CSV files of ``folder``; a name differing only in case (``Scores.CSV``) is accepted too,
    since Windows users do not see the difference and the file is plainly meant."""
    by_lower: dict[str, Path] = {}
    for entry in sorted(folder.iterdir()):
        by_lower.setdefault(entry.name.lower(), entry)
    tables: dict[str, RawTable] = {}
    labels: dict[str, str] = {}
    for name in FILE_NAMES:
        file_name = f"{name}.csv"
        path = folder / file_name
        if not path.exists():
            path = by_lower.get(file_name, path)
        labels[name] = str(path)
        if not path.exists():
            continue
        table = read_csv_table(path, labels[name], WANTED[name])
        if isinstance(table, InputError):
            log.add(table)
        else:
            tables[name] = table
    return tables, labels


def _workbook_tables(book: Path, log: ErrorLog) -> tuple[dict[str, RawTable], dict[str, str]]:
    tables, labels, errors = read_workbook(book, FILE_NAMES, WANTED)
    for error in errors:
        log.add(error)
    return tables, labels


def read_facts(source: str | Path) -> Facts:
    """Folder of CSVs or one .xlsx.

    Raises InputErrors (all problems found, across all files) or FileNotFoundError.
    """
    log = ErrorLog()
    facts = read_facts_leniently(source, log)
    log.raise_if_any()
    return facts


def read_facts_leniently(source: str | Path, log: ErrorLog) -> Facts:
    """Like :func:`read_facts`, but the reading errors go to ``log`` and the facts are returned anyway, every
    bad cell null: an import goes on to check units and the scheme on the rest, so that one answer lists
    every mistake of the file.  Such facts are for checking only, never for writing.  A file that cannot be
    read at all (not a workbook, a missing path) still raises.
    """
    path = Path(source)
    if path.is_dir():
        tables, labels = _folder_tables(path, log)
    elif path.is_file():
        suffix = path.suffix.lower()
        if suffix in _WORKBOOK_SUFFIXES:
            tables, labels = _workbook_tables(path, log)
        else:
            hint = say(Msg.SAVE_AS_XLSX) if suffix == ".xls" else ("", "")
            raise InputErrors([InputError.said(str(path), None, None, say(Msg.NOT_DATA, hint=hint))])
    else:
        raise FileNotFoundError(errno.ENOENT, "no such data folder or workbook", str(path))

    frames: dict[str, pl.DataFrame] = {}
    headers: dict[str, dict[str, str]] = {}
    for name in FILE_NAMES:
        table = tables.get(name)
        frames[name] = empty_frame(name) if table is None else validate(name, table, log)
        if table is not None:
            headers[name] = header_names(name, table)
    return facts_of(frames, labels, headers)
