"""`--format xlsx`: the ranking as an Excel workbook (XlsxWriter), one sheet per group.

Text (unit names, part names in the header, flags) goes through :class:`~kaoping.output.cells.TextCells`:
a unit named ``=HYPERLINK(...)`` stays text in Excel.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from kaoping.engine.numbers import rounded
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
    for g in result.groups:
        sheet = book.add_worksheet(g.group[:31])
        parts = g.ranking[0].top_parts if g.ranking else []
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
            cells.write(sheet, r, c + 3, " ".join(u.flags), text)
        sheet.freeze_panes(1, 3)
        widths = [6, 10, 16, *[max(10, 2 * len(p) + 2) for p in parts], 8, 10, 14, 20]
        for c, w in enumerate(widths):
            sheet.set_column(c, c, w)
    book.close()
    tmp.replace(path)
