"""`--format xlsx`: the ranking as an Excel workbook (XlsxWriter), one sheet per group.

Everything a person reads is Chinese (headers, the flags by their names: the scheme's label, else the
built-in name); the codes are in the JSON.  Text (unit names, part names in the header, flags) goes
through :class:`~kaoping.output.cells.TextCells`:
a unit named ``=HYPERLINK(...)`` stays text in Excel.
"""

from __future__ import annotations

import re
from pathlib import Path

import xlsxwriter

from kaoping.engine.numbers import rounded
from kaoping.engine.phrases import flag_label
from kaoping.engine.result import PeriodResult
from kaoping.output.cells import TextCells
from kaoping.scheme.model import Scheme


def write_workbook(scheme: Scheme, result: PeriodResult, path: Path) -> None:
    """Write to a temporary file first, then move it into place: never a half-written workbook."""
    d = scheme.display
    tmp = path.with_name(f".{path.name}.tmp")
    book = xlsxwriter.Workbook(str(tmp))
    cells = TextCells(book)
    head = cells.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    number = book.add_format({"num_format": "0." + "0" * d.decimals if d.decimals else "0", "border": 1})
    money = book.add_format({"num_format": "#,##0;[Red]-#,##0", "border": 1})
    text = cells.add_format({"border": 1})
    taken: set[str] = set()
    for g in result.groups:
        sheet = book.add_worksheet(sheet_name(g.group, taken))
        parts = g.ranking[0].top_parts if g.ranking else []
        if scheme.report_only:  # 通报型: each unit's parts, no rank, total or reward (see output/document.py)
            cells.write_row(sheet, 0, 0, ["单位编号", "单位", *parts, "标记"], head)
            for r, u in enumerate(g.ranking, start=1):
                values = [float(rounded(u.parts[p], d.decimals, d.rounding)) for p in parts]
                cells.write(sheet, r, 0, u.unit_id, text)
                cells.write(sheet, r, 1, u.name, text)
                for c, v in enumerate(values, start=2):
                    sheet.write_number(r, c, v, number)
                cells.write(sheet, r, 2 + len(parts), "、".join(flag_label(f, scheme.flags) for f in u.flags), text)
            sheet.freeze_panes(1, 2)
            continue
        header = ["名次", "单位编号", "单位", *parts, "加分", "总分", "奖惩(元)", "标记"]
        cells.write_row(sheet, 0, 0, header, head)
        for r, u in enumerate(g.ranking, start=1):
            sheet.write_number(r, 0, u.rank, text)
            cells.write(sheet, r, 1, u.unit_id, text)
            cells.write(sheet, r, 2, u.name, text)
            for c, p in enumerate(parts, start=3):
                sheet.write_number(r, c, float(rounded(u.parts[p], d.decimals, d.rounding)), number)
            c = 3 + len(parts)
            sheet.write_number(r, c, float(rounded(u.bonus, d.decimals, d.rounding)), number)
            sheet.write_number(r, c + 1, float(u.shown_total), number)
            sheet.write_number(r, c + 2, u.reward, money)
            cells.write(sheet, r, c + 3, "、".join(flag_label(f, scheme.flags) for f in u.flags), text)
        sheet.freeze_panes(1, 3)
        widths = [6, 10, 16, *[max(10, 2 * len(p) + 2) for p in parts], 8, 10, 14, 20]
        for c, w in enumerate(widths):
            sheet.set_column(c, c, w)
    book.close()
    tmp.replace(path)


_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def sheet_name(group: str, taken: set[str]) -> str:
    """An Excel sheet name for a group, added to ``taken``.

    Group names are the scheme's to choose (城区/街道 is a fine name on a page and in JSON), but Excel refuses
    ``[]:*?/\\``, more than 31 UTF-16 units, a leading or trailing apostrophe, and two names equal but for
    case, and History; so the name is made fit here rather than refused at load: each such character becomes ``_``,
    the name is cut, and a clash gets a number.
    """
    base = _NOT_IN_SHEET_NAMES.sub("_", group).strip("'") or "组"
    for n in range(1, len(taken) + 3):
        suffix = f" ({n})" if n > 1 else ""
        name = _cut(base, 31 - len(suffix)).rstrip("'") + suffix
        if name.lower() not in taken and name.lower() != "history":  # Excel keeps History for itself
            taken.add(name.lower())
            return name
    raise AssertionError("unreachable: History and the names taken leave one of these numbers free")


def _cut(text: str, units: int) -> str:
    """The longest start of ``text`` of at most ``units`` UTF-16 code units (how Excel counts length)."""
    out = ""
    for ch in text:
        if len((out + ch).encode("utf-16-le")) // 2 > units:
            break
        out += ch
    return out
