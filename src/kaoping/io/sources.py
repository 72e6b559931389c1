"""Getting the cells of a CSV file or a workbook sheet as text, with the row numbers Excel would show.

Both sources end up as the same :class:`RawTable` (every cell a string), so one validator checks CSV and
.xlsx data alike and a value is accepted or rejected the same way whichever format the user chose.
Workbook cells carry types (dates, numbers, booleans), so :func:`cell_text` writes them the way the CSV
contract spells them; otherwise an Excel date cell would be rejected as "not a date".
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl

from kaoping.errors import InputError
from kaoping.facts.columns import ROW


@dataclass(frozen=True)
class RawTable:
    """A file's cells as text, before any checks."""

    label: str
    header: list[str]
    """The header cells (row 1), stripped; position ``i`` names body column ``c{i}``."""
    body: pl.DataFrame
    """String columns ``c0``, ``c1``... (null or "" = empty cell) and ``_row`` (Int64, 2 = first data row)."""


def _table(label: str, header: Sequence[str], columns: Iterable[pl.Series]) -> RawTable:
    body = pl.DataFrame([s.cast(pl.String).rename(f"c{i}") for i, s in enumerate(columns)])
    body = body.with_columns(pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias(ROW))
    return RawTable(label, [h.strip() for h in header], body)


# --- CSV ---------------------------------------------------------------------------------------------


def _decode(data: bytes) -> str | None:
    """UTF-8 (with or without BOM) first, as most tools write; GB18030 for older Chinese Excel exports."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _polars_reason(exc: Exception) -> str:
    """The useful line of a Polars parse error, without its advice about schema inference."""
    text = str(exc)
    if "```" in text:
        text = text.split("```")[1]
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    reason = " ".join(lines[:3]) if lines else type(exc).__name__
    return reason if len(reason) <= 200 else reason[:200] + "…"


def read_csv_table(path: Path, label: str) -> RawTable | InputError:
    """Read one CSV file as text cells; a file that cannot be read or decoded at all is one error.

    The header is read as an ordinary row (``has_header=False``) so that duplicate or blank header cells
    are ours to report and row ``i`` of the frame is line ``i + 1`` of the sheet.  Polars keeps blank
    lines as all-null rows, which is what keeps the row numbers equal to Excel's.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        return InputError(label, None, None, f"cannot be read: {exc.strerror or exc}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return InputError(label, None, None, "is UTF-16 text (Excel 'Unicode Text'); save it as 'CSV UTF-8' instead")
    text = _decode(data)
    if text is None:
        return InputError(label, None, None, "cannot be decoded: expected UTF-8 or GB18030 text")
    try:
        frame = pl.read_csv(
            text.encode("utf-8"),
            has_header=False,
            infer_schema=False,
            truncate_ragged_lines=True,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as exc:
        return InputError(
            label,
            None,
            None,
            f"cannot be read as CSV ({_polars_reason(exc)}); check for unbalanced double quotes",
        )
    if frame.height == 0:
        return _table(label, [], [])
    header = [v or "" for v in frame.row(0)]
    body = frame.slice(1)
    return _table(label, header, body.get_columns())


# --- xlsx --------------------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A workbook cell as the CSV contract would write it.

    Dates become ``YYYY-MM-DD`` (a datetime at midnight is a date: that is what a date cell holds),
    other datetimes ``YYYY-MM-DD HH:MM:SS``; whole floats lose their ``.0`` (Excel stores every number
    as a float, and ``12.0`` is not a valid rank); other floats use the shortest round-trip form, so
    912.5555 stays 912.5555 and is parsed back to the very same float.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return str(value)
    if isinstance(value, dt.datetime):
        moment: dt.datetime = value
        if moment.microsecond:  # Excel times are binary fractions of a day: round off the noise
            moment = (moment + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        if moment.time() == dt.time(0, 0):
            return moment.date().isoformat()
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    return str(value)


def _sheet_table(label: str, rows: Iterable[Sequence[Any]]) -> RawTable:
    """Sheet rows (openpyxl ``values_only`` tuples, blank rows included) as a RawTable.

    The rows are transposed first and converted a column at a time, with text cells (most of them)
    passed through untouched: on a large sheet that halves the time spent after openpyxl.
    """
    it = iter(rows)
    header = [cell_text(v) for v in next(it, ())]
    body = list(it)
    transposed = list(zip_longest(*body)) if body else []
    blank: tuple[Any, ...] = (None,) * len(body)
    columns = []
    for i in range(len(header)):
        values = transposed[i] if i < len(transposed) else blank
        texts = [v if type(v) is str else cell_text(v) for v in values]
        columns.append(pl.Series(texts, dtype=pl.String))
    return _table(label, header, columns)


def workbook_label(path: Path, sheet: str) -> str:
    return f"{path}[{sheet}]"


def read_workbook(path: Path, names: Sequence[str]) -> tuple[dict[str, RawTable], dict[str, str], list[InputError]]:
    """The sheets called ``names`` (exact name first, else ignoring case), a label for every name, and
    the errors of sheets (or of the whole workbook) that could not be read at all.

    Any exception of openpyxl or zipfile is caught: a damaged or mislabelled file is the user's input,
    and deserves an error naming it rather than a traceback.
    """
    labels = {name: workbook_label(path, name) for name in names}
    tables: dict[str, RawTable] = {}
    errors: list[InputError] = []
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        reason = str(exc) or type(exc).__name__
        errors.append(InputError(str(path), None, None, f"cannot be opened as an .xlsx workbook: {reason}"))
        return tables, labels, errors
    try:
        titles: list[str] = list(book.sheetnames)
        by_lower: dict[str, str] = {}
        for sheet_name in titles:
            by_lower.setdefault(sheet_name.strip().lower(), sheet_name)
        for name in names:
            title = name if name in titles else by_lower.get(name)
            if title is None:
                continue
            label = labels[name] = workbook_label(path, title)
            sheet = book[title]
            if not hasattr(sheet, "reset_dimensions"):  # a chart sheet: it has no cells
                errors.append(InputError(label, None, None, "is a chart sheet, not a sheet of cells"))
                continue
            try:
                # Dimension tags written by some tools are wrong; forgetting them makes openpyxl read
                # every row that is really there.
                sheet.reset_dimensions()
                tables[name] = _sheet_table(label, sheet.iter_rows(values_only=True))
            except Exception as exc:
                reason = str(exc) or type(exc).__name__
                errors.append(InputError(label, None, None, f"cannot be read: {reason}"))
    finally:
        book.close()
    return tables, labels, errors
