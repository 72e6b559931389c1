"""Excel templates for the interchange files: the sheets people fill in, with Excel checking as they type.

Most bad input starts as a typo in a spreadsheet (a unit id that does not exist, 部门考评 spelt another
way, ``award`` as ``Award.``), and the importer can only reject it later.  A template carries the
contract into Excel itself, in the clerks' Chinese (the import reads the kinds' Chinese names as sheets,
the columns' Chinese headers and the enumerations' Chinese names as the contract's): one sheet per file
with its header, columns wide enough for Chinese, a prompt on every column
saying what it expects, and drop-down lists (data validation) for the unit ids
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
from kaoping.facts.kinds import spec_of
from kaoping.io.export import CellFormats, atomic_path, display_width
from kaoping.output.cells import TextCells

__all__ = ["LISTS_SHEET", "TemplateLists", "header", "sheet_title", "write_template"]

LISTS_SHEET = "_lists"
"""Hidden sheet holding lists too long (or too odd) for Excel's inline list of at most 255 characters."""
LAST_ROW = 1_048_575
"""Validations cover the whole column (0-based last row of a sheet), so appended rows are checked too."""
INLINE_LIMIT = 255


EXPECT: dict[str, str] = {
    "unit_id": "考评对象表中的单位编号（本工作簿的考评对象表或数据库中已有的单位）",
    "part": "考评方案中的考评项目（从列表中选择）",
    "item": "该单位所在组别的考评细项；留空表示整个考评项目",
    "group": "考评方案中的组别",
    "source": "评分单位或发现问题的单位",
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
    """What the column expects, in Chinese (the template is filled in by the office's clerks)."""
    return column.expected()[0]


def sheet_title(name: str) -> str:
    """A file's sheet: its kind's Chinese name (考评对象, 督查扣分), which the import reads as the file."""
    return spec_of(name).label


def header(column: Column) -> str:
    """A column's header: its Chinese name (日期, 单位编号), which the import reads as the column."""
    return column.zh or column.name


def choice_list(column: Column) -> list[str]:
    """The drop-down of a closed column: each code by its official Chinese name (表彰, 国家部委)."""
    names: dict[str, str] = {}
    for code, name in column.choice_names:
        names.setdefault(code, name)
    return [names.get(code, code) for code in column.choices]


def _prompt(column: Column) -> dict[str, Any]:
    title = header(column)[:32]
    need = "必填" if column.required else "可空"
    expected = EXPECT.get(column.name, _expected(column))
    return {"input_title": title, "input_message": f"{expected}；{need}"[:255]}


def _validation(name: str, column: Column, lists: TemplateLists, pool: _Lists) -> dict[str, Any]:
    """The data validation of one column: a list where the values are known, a range check for numbers
    and dates, otherwise a prompt only ("any")."""
    rule: dict[str, Any] = {"validate": "any"}
    if column.name == "unit_id" and name != "units":
        # A warning, not a stop: units.csv of the same import may bring a new unit.
        own = f"='{sheet_title('units')}'!$A$2:$A${LAST_ROW + 1}"
        source = pool.source("unit_id", lists.units) if lists.units else own
        rule = {"validate": "list", "source": source, "error_type": "warning"}
        rule["error_message"] = "单位编号不在考评对象中（请先在考评对象表中添加该单位）"
    elif column.name == "part" and lists.parts.get(name):
        rule = {"validate": "list", "source": pool.source(f"{name}.part", lists.parts[name])}
        rule["error_message"] = "不是考评方案中本表可填的考评项目"
    elif column.name == "group" and name == "units" and lists.groups:
        rule = {"validate": "list", "source": pool.source("group", lists.groups)}
        rule["error_message"] = "不是考评方案中的组别"
    elif column.kind is Kind.CHOICE:
        rule = {"validate": "list", "source": choice_list(column), "error_message": _expected(column)}
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
            sheets = [(name, book.add_worksheet(sheet_title(name))) for name in FILE_NAMES]
            for name, sheet in sheets:
                for col, column in enumerate(FILES[name]):
                    sheet.set_column(col, col, _width(name, column, lists), formats.for_kind(column.kind))
                    formats.cells.write(sheet, 0, col, header(column), formats.header)
                    if sheet.data_validation(1, col, LAST_ROW, col, _validation(name, column, lists, pool)):
                        raise ValueError(f"XlsxWriter refused the validation of {name}.{column.name}")
                sheet.freeze_panes(1, 0)
            sheets[0][1].activate()
        finally:
            book.close()
