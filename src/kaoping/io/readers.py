"""Reading the interchange data (a folder of CSV files or one .xlsx workbook) into typed Polars frames.

This is the boundary between hand-kept spreadsheets and the engine's pure functions: after
:func:`read_facts` every value has its final type, periods are normalised and enumerations checked,
so the engine never has to wonder whether a score is text.  All problems of all files are reported
together in one :class:`~kaoping.io.errors.InputErrors`.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from kaoping.io.columns import FILES, ROW, SCHEMAS, default_value, empty_frame
from kaoping.io.errors import ErrorLog, InputError, InputErrors
from kaoping.io.sources import RawTable, read_csv_table, read_workbook
from kaoping.io.validate import validate

__all__ = [
    "FILE_NAMES",
    "SCHEMAS",
    "Facts",
    "InputError",
    "InputErrors",
    "empty_facts",
    "facts_from_frames",
    "facts_of",
    "read_facts",
]

FILE_NAMES: tuple[str, ...] = ("units", "scores", "deductions", "honors", "notices", "cases", "ranks")

_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True, eq=False)
class Facts:
    """Everything the data says, one typed frame per file; each frame has ``_row`` for error messages.

    ``eq=False``: frames do not compare to a single bool, and two readings are not "equal" anyway.
    """

    units: pl.DataFrame
    scores: pl.DataFrame
    deductions: pl.DataFrame
    honors: pl.DataFrame
    notices: pl.DataFrame
    cases: pl.DataFrame
    ranks: pl.DataFrame
    labels: dict[str, str]
    """File name -> label used in errors; present even for absent files (the path it would have)."""

    def label(self, name: str) -> str:
        """How to name file ``name`` to the user, e.g. in the engine's "unknown unit" errors."""
        return self.labels.get(name, f"{name}.csv")


def facts_of(frames: Mapping[str, pl.DataFrame], labels: dict[str, str]) -> Facts:
    """Facts from one frame per file name (already in the interchange schema)."""
    return Facts(
        units=frames["units"],
        scores=frames["scores"],
        deductions=frames["deductions"],
        honors=frames["honors"],
        notices=frames["notices"],
        cases=frames["cases"],
        ranks=frames["ranks"],
        labels=labels,
    )


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
        table = read_csv_table(path, labels[name])
        if isinstance(table, InputError):
            log.add(table)
        else:
            tables[name] = table
    return tables, labels


def _workbook_tables(book: Path, log: ErrorLog) -> tuple[dict[str, RawTable], dict[str, str]]:
    tables, labels, errors = read_workbook(book, FILE_NAMES)
    for error in errors:
        log.add(error)
    return tables, labels


def read_facts(source: str | Path) -> Facts:
    """Folder of CSVs or one .xlsx.

    Raises InputErrors (all problems found, across all files) or FileNotFoundError.
    """
    path = Path(source)
    log = ErrorLog()
    if path.is_dir():
        tables, labels = _folder_tables(path, log)
    elif path.is_file():
        suffix = path.suffix.lower()
        if suffix in _WORKBOOK_SUFFIXES:
            tables, labels = _workbook_tables(path, log)
        else:
            hint = "; save it as .xlsx" if suffix == ".xls" else ""
            message = f"expected a folder of CSV files or an .xlsx workbook{hint}"
            raise InputErrors([InputError(str(path), None, None, message)])
    else:
        raise FileNotFoundError(errno.ENOENT, "no such data folder or workbook", str(path))

    frames: dict[str, pl.DataFrame] = {}
    for name in FILE_NAMES:
        table = tables.get(name)
        frames[name] = empty_frame(name) if table is None else validate(name, table, log)
    log.raise_if_any()
    return facts_of(frames, labels)


def empty_facts() -> Facts:
    """All frames empty with their schemas (handy for tests)."""
    return facts_of({name: empty_frame(name) for name in FILE_NAMES}, _default_labels())


def _default_labels() -> dict[str, str]:
    return {name: f"{name}.csv" for name in FILE_NAMES}


def _conform(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with exactly the schema of file ``name``: columns cast, order fixed, extras dropped.

    Columns whose cells may be empty in a file (optional columns, ``item``, the later case times...)
    may be left out and get the same default an empty cell would; leaving out any other column is a
    mistake in the test and raises ``ValueError``.
    """
    out: list[pl.Expr] = []
    for column in FILES[name]:
        if column.name in frame.columns:
            out.append(pl.col(column.name).cast(column.dtype))
        elif not column.required:
            out.append(default_value(column).alias(column.name))
        else:
            raise ValueError(f"{name} frame lacks column '{column.name}'; it has: {', '.join(frame.columns)}")
    if ROW in frame.columns:
        out.append(pl.col(ROW).cast(pl.Int64))
    else:
        out.append(pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias(ROW))
    result = frame.select(out)
    assert result.schema == SCHEMAS[name], (result.schema, SCHEMAS[name])
    return result


def facts_from_frames(**frames: pl.DataFrame) -> Facts:
    """Build from already-typed frames (tests); missing ones empty; adds ``_row`` if absent (2, 3, ...)."""
    unknown = sorted(set(frames) - set(FILE_NAMES))
    if unknown:
        raise TypeError(f"unknown frame name(s) {', '.join(unknown)}; expected some of {', '.join(FILE_NAMES)}")
    built = {name: _conform(name, frames[name]) if name in frames else empty_frame(name) for name in FILE_NAMES}
    return facts_of(built, _default_labels())
