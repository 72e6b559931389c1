"""A table as an Excel workbook in memory: what a page's 导出 button sends.

A page's table is exported as the office sees it (its filters, its order), to be sorted again, filtered and
pasted in Excel; so numbers are written as numbers with a number format, times as Excel times, and every text
through :class:`~kaoping.output.cells.TextCells` — a case category or unit name typed as ``=HYPERLINK(...)``
stays text.  The header row is frozen and filterable; column widths fit Chinese text.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import xlsxwriter

from kaoping.output.cells import TextCells
from kaoping.output.workbook import sheet_name

Value = str | int | float | Decimal | datetime | None


class ColumnKind(StrEnum):
    """How a column's cells are written."""

    TEXT = "text"
    COUNT = "count"  # whole number, thousands separated
    PERCENT = "percent"  # a rate in percent, two decimals
    TIME = "time"  # date and time to the minute


_FORMATS: dict[ColumnKind, dict[str, Any]] = {
    ColumnKind.TEXT: {},
    ColumnKind.COUNT: {"num_format": "#,##0"},
    ColumnKind.PERCENT: {"num_format": "0.00"},
    ColumnKind.TIME: {"num_format": "yyyy-mm-dd hh:mm"},
}
_WIDTHS = {ColumnKind.TIME: 17}


@dataclass(frozen=True)
class Sheet:
    """One sheet: its name, the column titles with how each is written, the rows (one value per column)."""

    name: str
    columns: Sequence[tuple[str, ColumnKind]]
    rows: Sequence[Sequence[Value]] = field(default_factory=list)


def text_width(value: object) -> int:
    """Display width in Excel columns: CJK (wide) characters take two, others one."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(sheet: Any, cells: TextCells, at: tuple[int, int], value: Value, fmt: Any) -> None:
    row, col = at
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, datetime):
        sheet.write_datetime(row, col, value, fmt)
    elif isinstance(value, bool):
        cells.write(sheet, row, col, str(value), fmt)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, col, float(value), fmt)
    else:
        cells.write(sheet, row, col, str(value), fmt)


def _write_sheet(book: Any, cells: TextCells, sheet: Sheet, taken: set[str]) -> None:
    out = book.add_worksheet(sheet_name(sheet.name, taken))
    head = cells.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    formats = {kind: cells.add_format({"border": 1, **props}) for kind, props in _FORMATS.items()}
    cells.write_row(out, 0, 0, [title for title, _ in sheet.columns], head)
    for r, values in enumerate(sheet.rows, start=1):
        for c, ((_, kind), value) in enumerate(zip(sheet.columns, values, strict=True)):
            _cell(out, cells, (r, c), value, formats[kind])
    out.freeze_panes(1, 0)
    if sheet.rows:
        out.autofilter(0, 0, len(sheet.rows), len(sheet.columns) - 1)
    for c, (title, kind) in enumerate(sheet.columns):
        widest = max([text_width(title), *(text_width(row[c]) for row in sheet.rows[:1000])])
        out.set_column(c, c, max(_WIDTHS.get(kind, 6), min(widest + 2, 60)))


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as one .xlsx file, made in memory (a page's download: nothing is left on disk)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    cells = TextCells(book)
    taken: set[str] = set()
    for sheet in sheets:
        _write_sheet(book, cells, sheet, taken)
    book.close()
    return buffer.getvalue()
