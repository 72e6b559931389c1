"""Reading the sheets of an .xlsx workbook as text cells: calamine (via fastexcel) where the sheet is
bounded, openpyxl (read-only, streaming) for a sheet calamine cannot be trusted with.

calamine reads a 100k-row sheet about ten times faster than openpyxl, but it builds each sheet as a dense
grid from the first to the last cell (see :mod:`kaoping.io.xlsx_bounds`).  A sheet whose extent is not
known (rows or cells without positions) or too large — typically one stray cell far right or far down —
is therefore streamed by openpyxl instead, reading only the header's columns and at most Excel's
1,048,576 rows, which costs time but bounded memory.

Workbook cells carry types (dates, numbers, booleans), so they are written the way the CSV contract
spells them (:func:`cell_text`); otherwise an Excel date cell would be rejected as "not a date".
"""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from itertools import islice, zip_longest
from pathlib import Path
from typing import Any

import fastexcel
import polars as pl

from kaoping.errors import InputError
from kaoping.facts.kinds import FILE_NAMES, spec_of
from kaoping.input_messages import Msg, say
from kaoping.io.raw import MAX_COLUMNS, MAX_XLSX_BYTES, RawTable, make_table, wanted_positions
from kaoping.io.xlsx_bounds import WorkbookTooBig, check_shared_strings, scan_sheet, sheet_members

EXCEL_ROWS = 1_048_576

Tables = tuple[dict[str, RawTable], dict[str, str], list[InputError]]


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


def _canonical(text: pl.Expr) -> pl.Expr:
    """calamine's text of a typed cell, spelled like :func:`cell_text`: a datetime at midnight is a date,
    and a time-of-day cell (a date on Excel's day zero, 1899-12-30/31) is just its time.

    calamine writes whole floats without ``.0``, other floats in shortest round-trip form and booleans as
    true/false already.  (A text cell typed as ``2024-03-05 00:00:00`` reads as that date too.)
    """
    return text.str.replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", "$1").str.replace(
        r"^1899-12-3[01] (\d{2}:\d{2}:\d{2})$", "$1"
    )


def workbook_label(path: Path, sheet: str) -> str:
    return f"{path}[{sheet}]"


def _header_error(label: str, width: int) -> InputError:
    return InputError.said(label, 1, None, say(Msg.SHEET_TOO_WIDE, width=width, limit=MAX_COLUMNS))


def _calamine_table(reader: fastexcel.ExcelReader, title: str, label: str, wanted: Collection[str] | None) -> RawTable:
    """The sheet via calamine: every cell as text, columns placed by their position in the sheet."""
    sheet = reader.load_sheet(title, header_row=None, skip_rows=0, dtypes="string")
    frame = sheet.to_polars()
    places = [c.absolute_index for c in sheet.available_columns()]
    frame = frame.select(_canonical(pl.col(c)) for c in frame.columns)
    width = max(places, default=-1) + 1
    if frame.height == 0:
        return make_table(label, [], [])
    by_place = dict(zip(places, frame.get_columns(), strict=True))
    first = frame.row(0)
    cells = dict(zip(places, first, strict=True))
    header = [cells.get(i) or "" for i in range(width)]
    while header and not header[-1]:
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise _TooWide(len(header))
    positions = wanted_positions(header, wanted)
    blank = pl.Series([None] * frame.height, dtype=pl.String)
    columns = [(i, by_place.get(i, blank).slice(1)) for i in positions]
    if not columns:
        return make_table(label, header, [(0, blank.slice(1))])
    return make_table(label, header, columns)


class _TooWide(Exception):
    def __init__(self, width: int) -> None:
        super().__init__(width)
        self.width = width


def _streamed_table(path: Path, title: str, label: str, wanted: Collection[str] | None) -> RawTable:
    """The sheet via openpyxl: only the header's columns, at most Excel's number of rows."""
    import openpyxl  # only for a sheet calamine is not trusted with: not loaded by every reading

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book[title]
        if not hasattr(sheet, "reset_dimensions"):
            raise _ChartSheet
        # Dimension tags written by some tools are wrong; forgetting them makes openpyxl read every real row.
        sheet.reset_dimensions()
        return _rows_table(label, sheet.iter_rows(values_only=True), wanted)
    finally:
        book.close()


def _rows_table(label: str, rows: Iterable[Sequence[Any]], wanted: Collection[str] | None) -> RawTable:
    """Sheet rows (``values_only`` tuples, blank rows included) as a RawTable, transposed and converted a
    column at a time with text cells (most of them) passed through untouched."""
    it = iter(rows)
    header = [cell_text(v) for v in next(it, ())]
    while header and not header[-1]:
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise _TooWide(len(header))
    positions = wanted_positions(header, wanted)
    body = [row[: len(header)] for row in islice(it, EXCEL_ROWS - 1)]
    transposed = list(zip_longest(*body)) if body else []
    blank: tuple[Any, ...] = (None,) * len(body)
    columns = []
    for i in positions:
        values = transposed[i] if i < len(transposed) else blank
        columns.append((i, pl.Series([v if type(v) is str else cell_text(v) for v in values], dtype=pl.String)))
    if not columns:
        columns = [(0, pl.Series(blank, dtype=pl.String))]
    return make_table(label, header, columns)


class _ChartSheet(Exception):
    pass


def present_sheets(book: Path) -> set[str]:
    """The interchange names that have a sheet, matched as the reader matches them (case, spaces)."""
    import openpyxl

    workbook = openpyxl.load_workbook(book, read_only=True)
    try:
        titles = {t.strip().lower() for t in workbook.sheetnames} | set(workbook.sheetnames)
    finally:
        workbook.close()
    return {n for n in FILE_NAMES if any(t in titles for t in sheet_names(n))}


def sheet_names(name: str) -> tuple[str, ...]:
    """The sheet titles that hold file ``name``: its own (``deductions``) or its kind's Chinese name
    (``督查扣分``), as a clerk may rename the template's sheets."""
    return (name, spec_of(name).label) if name in FILE_NAMES else (name,)


def _titles(names: Sequence[str], members: Mapping[str, str]) -> dict[str, str]:
    """The sheet title for each wanted name: exact first, else ignoring case and surrounding spaces, else
    the kind's Chinese name."""
    by_lower: dict[str, str] = {}
    for title in members:
        by_lower.setdefault(title.strip().lower(), title)
    found = {
        name: name if name in members else next((by_lower[t] for t in sheet_names(name) if t in by_lower), None)
        for name in names
    }
    return {name: title for name, title in found.items() if title is not None}


def _open(path: Path) -> tuple[zipfile.ZipFile, dict[str, str], fastexcel.ExcelReader] | InputError:
    """The zip, its sheets' members and a calamine reader, after the size bounds; or the reason it fails."""
    try:
        size = path.stat().st_size
        if size > MAX_XLSX_BYTES:
            message = say(Msg.WORKBOOK_TOO_BIG, size=f"{size:,}", limit=f"{MAX_XLSX_BYTES:,}")
            return InputError.said(str(path), None, None, message)
        book = zipfile.ZipFile(path)
        members = sheet_members(book)
        check_shared_strings(book)
        reader = fastexcel.read_excel(str(path))
    except WorkbookTooBig as exc:
        return InputError.said(str(path), None, None, say(Msg.TOO_LARGE_TO_READ, reason=exc))
    except Exception as exc:  # a damaged or mislabelled file is the user's input, not a traceback
        # the library's own words stay in the English message; a reader of Chinese is told what to do
        reason = ("文件已损坏，或并非 .xlsx 格式（请在 Excel 中另存为 .xlsx）", str(exc) or type(exc).__name__)
        return InputError.said(str(path), None, None, say(Msg.NOT_A_WORKBOOK, reason=reason))
    return book, members, reader


def read_workbook(path: Path, names: Sequence[str], wanted: Mapping[str, Collection[str]] | None = None) -> Tables:
    """The sheets called ``names`` (exact name first, else ignoring case), a label for every name, and
    the errors of sheets (or of the whole workbook) that could not be read at all.

    ``wanted``: for a name, the column names to read (None or absent: all).  Any exception of the
    readers is caught: a damaged or mislabelled file is the user's input, and deserves an error naming
    it rather than a traceback.
    """
    labels = {name: workbook_label(path, name) for name in names}
    tables: dict[str, RawTable] = {}
    errors: list[InputError] = []
    opened = _open(path)
    if isinstance(opened, InputError):
        return tables, labels, [opened]
    book, members, reader = opened
    with book:
        for name, title in _titles(names, members).items():
            label = labels[name] = workbook_label(path, title)
            table = _read_sheet(path, book, (reader, members[title]), title, label, (wanted or {}).get(name))
            if isinstance(table, InputError):
                errors.append(table)
            else:
                tables[name] = table
    return tables, labels, errors


def _read_sheet(
    path: Path,
    book: zipfile.ZipFile,
    where: tuple[fastexcel.ExcelReader, str],
    title: str,
    label: str,
    wanted: Collection[str] | None,
) -> RawTable | InputError:
    reader, member = where
    if "chartsheets/" in member:
        return InputError.said(label, None, None, say(Msg.CHART_SHEET))
    try:
        extent = scan_sheet(book, member)
        if extent.fits:
            return _calamine_table(reader, title, label, wanted)
        return _streamed_table(path, title, label, wanted)
    except _TooWide as exc:
        return _header_error(label, exc.width)
    except _ChartSheet:
        return InputError.said(label, None, None, say(Msg.CHART_SHEET))
    except WorkbookTooBig as exc:
        return InputError.said(label, None, None, say(Msg.TOO_LARGE_TO_READ, reason=exc))
    except Exception as exc:
        reason = str(exc) or type(exc).__name__
        return InputError.said(label, None, None, say(Msg.FILE_UNREADABLE, reason=reason))
