"""Excel templates for the interchange files: the sheets people fill in, with Excel checking as they type.

Most bad input starts as a typo in a spreadsheet (a unit id that does not exist, 部门考评 spelt another
way, ``award`` as ``Award.``), and the importer can only reject it later.  A template carries the
contract into Excel itself: one sheet per file with its header, columns wide enough for Chinese, a
prompt on every column saying what it expects, and drop-down lists (data validation) for the unit ids
the store knows, the parts a scheme takes and the kind/level enumerations.  Text columns are formatted
as text so that Excel does not turn the period ``2024-03`` into a date or drop the zeros of ``001``.

Pure: lists in, one .xlsx out (written to a temporary file, then renamed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter

from kaoping.facts import FILE_NAMES
from kaoping.facts.columns import FALSE_WORDS, FILES, TRUE_WORDS, Column, Kind
from kaoping.io.export import CellFormats, atomic_path, display_width
from kaoping.output.cells import TextCells

__all__ = ["LISTS_SHEET", "TemplateLists", "write_template"]

LISTS_SHEET = "_lists"
"""Hidden sheet holding lists too long (or too odd) for Excel's inline list of at most 255 characters."""
LAST_ROW = 1_048_575
"""Validations cover the whole column (0-based last row of a sheet), so appended rows are checked too."""
INLINE_LIMIT = 255


EXPECT: dict[str, str] = {
    "unit_id": "a unit_id listed in units (this workbook's units sheet or the store)",
    "part": "a part of the evaluation scheme (pick from the list)",
    "item": "an item of the part for the unit's group; empty = the whole part",
    "group": "a group of the evaluation scheme",
    "source": "who gave the score or found the problem",
}
"""What a text column expects, where the contract's generic "a value" would not help anyone."""

_EARLIEST = dt.date(1990, 1, 1)
_LATEST = dt.date(2100, 12, 31)


@dataclass(frozen=True)
class TemplateLists:
    """The values Excel should offer in drop-downs; an empty list means "no list, prompt only"."""

    units: Sequence[str] = ()
    """unit_id values (the store's units).  Empty: the list points at the template's own units sheet."""
    groups: Sequence[str] = ()
    """Group names for units.csv (the scheme's groups)."""
    parts: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """File name -> parts it may name (scores: leaf score parts and bonus parts; deductions: ...)."""


class _Lists:
    """Turns a list into a validation ``source``: inline when Excel allows, else a hidden-sheet range."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.cells = TextCells(book)  # unit names and groups: a name starting with = stays text
        self.sheet: Any = None
        self.used: dict[tuple[str, ...], str] = {}

    def source(self, title: str, values: Sequence[str]) -> list[str] | str:
        items = tuple(dict.fromkeys(v for v in values if v))
        inline = ",".join(items)
        if len(inline) <= INLINE_LIMIT and not any("," in v or '"' in v for v in items):
            return list(items)
        if items not in self.used:
            if self.sheet is None:
                self.sheet = self.book.add_worksheet(LISTS_SHEET)
                self.sheet.hide()
            col = len(self.used)
            self.cells.write(self.sheet, 0, col, title)
            for row, value in enumerate(items, start=1):
                self.cells.write(self.sheet, row, col, value)
            letter = xlsxwriter.utility.xl_col_to_name(col)
            self.used[items] = f"='{LISTS_SHEET}'!${letter}$2:${letter}${len(items) + 1}"
        return self.used[items]


def _expected(column: Column) -> str:
    """What the column expects, Chinese first with the English after it (Excel shows one text)."""
    zh, en = column.expected()
    return f"{zh}（{en}）"


def _prompt(column: Column) -> dict[str, Any]:
    title = f"{column.name} {column.zh}".strip()[:32]
    need = "必填 required" if column.required else "可空 may be empty"
    expected = EXPECT.get(column.name, _expected(column))
    return {"input_title": title, "input_message": f"{expected}; {need}"[:255]}


def _validation(name: str, column: Column, lists: TemplateLists, pool: _Lists) -> dict[str, Any]:
    """The data validation of one column: a list where the values are known, a range check for numbers
    and dates, otherwise a prompt only ("any")."""
    rule: dict[str, Any] = {"validate": "any"}
    if column.name == "unit_id" and name != "units":
        # A warning, not a stop: units.csv of the same import may bring a new unit.
        source = pool.source("unit_id", lists.units) if lists.units else f"=units!$A$2:$A${LAST_ROW + 1}"
        rule = {"validate": "list", "source": source, "error_type": "warning"}
        rule["error_message"] = "unknown unit_id: not among the units (add it to units first)"
    elif column.name == "part" and lists.parts.get(name):
        rule = {"validate": "list", "source": pool.source(f"{name}.part", lists.parts[name])}
        rule["error_message"] = "not a part of the scheme for this file"
    elif column.name == "group" and name == "units" and lists.groups:
        rule = {"validate": "list", "source": pool.source("group", lists.groups)}
        rule["error_message"] = "not a group of the scheme"
    elif column.kind is Kind.CHOICE:
        rule = {"validate": "list", "source": list(column.choices), "error_message": _expected(column)}
    elif column.kind is Kind.FLAG:
        rule = {"validate": "list", "source": [TRUE_WORDS[1], FALSE_WORDS[1], TRUE_WORDS[0], FALSE_WORDS[0]]}
    elif column.kind in (Kind.NUMBER, Kind.POINTS):
        low = 0 if column.kind is Kind.POINTS else -1e12
        rule = {"validate": "decimal", "criteria": "between", "minimum": low, "maximum": 1e12}
        rule["error_message"] = _expected(column)
    elif column.kind in (Kind.RANK, Kind.COUNT):  # not TIMES: it also takes true/false
        low = 1 if column.kind is Kind.RANK else 0
        rule = {"validate": "integer", "criteria": ">=", "value": low, "error_message": _expected(column)}
    elif column.kind in (Kind.DATE, Kind.TIME):
        rule = {"validate": "date", "criteria": "between", "minimum": _EARLIEST, "maximum": _LATEST}
        rule["error_message"] = _expected(column)
    rule.update(_prompt(column))
    rule["ignore_blank"] = True
    return rule


_KIND_WIDTH = {Kind.DATE: 12, Kind.TIME: 20, Kind.CLOCK: 10, Kind.PERIOD: 10}


def _width(name: str, column: Column, lists: TemplateLists) -> int:
    """Wide enough for the header, its Chinese name in the prompt, and the longest listed value."""
    values: Sequence[str] = ()
    if column.name == "unit_id":
        values = lists.units
    elif column.name == "part":
        values = lists.parts.get(name, ())
    elif column.name == "group":
        values = lists.groups
    widest = max((display_width(v) for v in values), default=0)
    base = max(display_width(column.name), display_width(column.zh), _KIND_WIDTH.get(column.kind, 8))
    return min(max(base, widest) + 3, 60)


def write_template(path: Path, lists: TemplateLists | None = None) -> None:
    """Write an empty workbook to fill in: a sheet per interchange file, with prompts and drop-downs."""
    lists = lists or TemplateLists()
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp))
        try:
            formats = CellFormats(book)
            pool = _Lists(book)
            sheets = [(name, book.add_worksheet(name)) for name in FILE_NAMES]
            for name, sheet in sheets:
                for col, column in enumerate(FILES[name]):
                    sheet.set_column(col, col, _width(name, column, lists), formats.for_kind(column.kind))
                    formats.cells.write(sheet, 0, col, column.name, formats.header)
                    if sheet.data_validation(1, col, LAST_ROW, col, _validation(name, column, lists, pool)):
                        raise ValueError(f"XlsxWriter refused the validation of {name}.{column.name}")
                sheet.freeze_panes(1, 0)
            sheets[0][1].activate()
        finally:
            book.close()
