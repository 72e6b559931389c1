"""Writing facts back out as the interchange files (a folder of CSV files, or one .xlsx workbook).

The export is the reader's inverse: every column of the contract in contract order, every value spelt
the way the contract spells it (dates ``YYYY-MM-DD``, times ``YYYY-MM-DD HH:MM:SS``, ``140`` rather than
``140.0``), so that what the store exports can be read back — by kaoping, or by an office's own Excel —
and gives the same scores.  The text form is also what an imported workbook sheet is hashed as
(:func:`csv_text`): a workbook's bytes change on every save, its data does not.

Everything here is pure file writing (frames in, files out); each file is written to a temporary name
and renamed into place, so a reader never sees half a file and a failed export leaves the old one intact.
"""

from __future__ import annotations

import csv
import io
import math
import os
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter

from kaoping.facts import FILE_NAMES
from kaoping.facts.columns import FILES, Column, Kind
from kaoping.output.cells import TextCells

__all__ = [
    "atomic_path",
    "csv_text",
    "display_width",
    "number_text",
    "text_frame",
    "write_csv_folder",
    "write_workbook",
]

DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
CLOCK_FORMAT = "hh:mm:ss"
MAX_WIDTH = 60


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path next to ``target``, renamed onto it when the block succeeds, removed if it fails.

    Next to the target (not in /tmp) so the rename stays on one file system and is atomic.
    """
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def number_text(value: float | None) -> str:
    """A number as the contract writes it: whole numbers without ``.0``, others in their shortest exact
    form without an exponent (``912.5555``, ``0.0000001``), so the reader gets back the very same float."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if math.isfinite(value) and float(value).is_integer() and abs(value) < 2**53:
        return str(int(value))
    return format(Decimal(repr(float(value))), "f")


def _column_text(column: Column, series: pl.Series) -> pl.Series:
    """One typed column as contract text; an empty cell (null) is ``""``."""
    match column.kind:
        case Kind.DATE:
            text = series.dt.strftime("%Y-%m-%d")
        case Kind.TIME:
            text = series.dt.strftime("%Y-%m-%d %H:%M:%S")
        case Kind.CLOCK:
            text = series.dt.strftime("%H:%M:%S")
        case Kind.NUMBER | Kind.POINTS:
            text = pl.Series([number_text(v) for v in series.to_list()], dtype=pl.String)
        case Kind.FLAG:
            text = series.replace_strict({True: "true", False: "false"}, default=None, return_dtype=pl.String)
        case _:
            text = series.cast(pl.String)
    return text.fill_null("").rename(column.name)


def text_frame(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Every contract column of file ``name`` (optional additions included), in contract order, as text.

    ``frame`` has the typed schema of :data:`~kaoping.facts.columns.SCHEMAS`; ``_row`` and extra columns
    are left out: they are not part of the file.
    """
    return pl.DataFrame([_column_text(c, frame.get_column(c.name)) for c in FILES[name]])


def csv_text(name: str, frame: pl.DataFrame) -> str:
    """File ``name`` as CSV text: header row, ``\\n`` line ends, quotes only where a value needs them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.name for c in FILES[name]])
    writer.writerows(text_frame(name, frame).iter_rows())
    return buffer.getvalue()


def write_csv_folder(folder: Path, frames: Mapping[str, pl.DataFrame]) -> list[Path]:
    """Write ``frames`` (file name -> typed frame) as ``folder/<name>.csv`` in UTF-8; returns the paths.

    Every file is written even when it has no rows (a header only): the folder then says everything the
    store holds, and a stale file from an earlier export cannot survive to be imported by mistake.

    Values are written exactly, also a text starting with ``=`` (no OWASP ``'`` prefix, issue 14): CSV is
    the pinned interchange contract (shared/spec/interchange.md), read by scripts and by our importer,
    and a ``'`` would be data to both; stripping it again on import would change hand-made files that
    start with ``'`` and the hashes imports are recognised by (:func:`csv_text`).  For Excel, export
    ``.xlsx``: its text cells are quote-prefixed (:mod:`kaoping.output.cells`) and never run.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in FILE_NAMES:
        if name not in frames:
            continue
        target = folder / f"{name}.csv"
        with atomic_path(target) as tmp:
            tmp.write_text(csv_text(name, frames[name]), encoding="utf-8", newline="")
        written.append(target)
    return written


def display_width(text: str) -> int:
    """Width of ``text`` in a spreadsheet column, counting a Chinese (wide) character as two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_width(header: str, values: list[str], minimum: int = 8) -> int:
    """A column width that fits the header and the widest value (of the first thousand), capped."""
    widest = max((display_width(v) for v in values[:1000]), default=0)
    return min(max(minimum, display_width(header), widest) + 2, MAX_WIDTH)


class CellFormats:
    """The XlsxWriter formats a sheet of interchange data needs, made once per workbook."""

    def __init__(self, book: Any) -> None:
        self.cells = TextCells(book)
        self.header = self.cells.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.date = book.add_format({"num_format": DATE_FORMAT})
        self.time = book.add_format({"num_format": TIME_FORMAT})
        self.clock = book.add_format({"num_format": CLOCK_FORMAT})
        self.text = self.cells.add_format({"num_format": "@"})

    def for_kind(self, kind: Kind) -> Any:
        """The column format: dates shown as dates, and text kept as text (``2024-03`` is not a date,
        ``001`` keeps its zeros) when a user types into the sheet later."""
        match kind:
            case Kind.DATE:
                return self.date
            case Kind.TIME:
                return self.time
            case Kind.CLOCK:
                return self.clock
            case Kind.TEXT | Kind.CHOICE | Kind.PERIOD:
                return self.text
            case _:
                return None


def _write_cell(sheet: Any, row: int, col: int, column: Column, value: Any, formats: CellFormats) -> None:
    """A typed cell: numbers as numbers and dates as dates, so the sheet is usable in Excel, and text
    always as text (:class:`~kaoping.output.cells.TextCells`: a note starting with ``=`` must not become a
    formula, also not when someone edits the cell; the value is kept, so the workbook imports back as is)."""
    if value is None or value == "":
        return
    match column.kind:
        case Kind.DATE:
            sheet.write_datetime(row, col, value, formats.date)
        case Kind.TIME:
            sheet.write_datetime(row, col, value, formats.time)
        case Kind.CLOCK:
            sheet.write_datetime(row, col, value, formats.clock)
        case Kind.NUMBER | Kind.POINTS | Kind.RANK | Kind.COUNT | Kind.TIMES:
            sheet.write_number(row, col, value)
        case Kind.FLAG:
            sheet.write_boolean(row, col, bool(value))
        case Kind.TEXT | Kind.CHOICE | Kind.PERIOD:
            formats.cells.write(sheet, row, col, str(value), formats.text)
        case _:
            formats.cells.write(sheet, row, col, str(value))


def write_workbook(path: Path, frames: Mapping[str, pl.DataFrame]) -> None:
    """Write ``frames`` as one .xlsx, one sheet per file named as the file without ``.csv``."""
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp))
        try:
            formats = CellFormats(book)
            for name in FILE_NAMES:
                if name in frames:
                    _write_sheet(book.add_worksheet(name), name, frames[name], formats)
        finally:
            book.close()


def _write_sheet(sheet: Any, name: str, frame: pl.DataFrame, formats: CellFormats) -> None:
    columns = FILES[name]
    texts = text_frame(name, frame.head(1000))
    for col, column in enumerate(columns):
        width = column_width(column.name, texts.get_column(column.name).to_list())
        sheet.set_column(col, col, width, formats.for_kind(column.kind))
        formats.cells.write(sheet, 0, col, column.name, formats.header)
    sheet.freeze_panes(1, 0)
    names = [c.name for c in columns]
    for row, values in enumerate(frame.select(names).iter_rows(), start=1):
        for col, (column, value) in enumerate(zip(columns, values, strict=True)):
            _write_cell(sheet, row, col, column, value, formats)
