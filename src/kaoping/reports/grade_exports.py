"""Grade exports for downstream use (等次运用): the 评优评先 list and the table for the government's performance
system (政府绩效考核对接表).

A plan's grades are used elsewhere: the top grade is the list the office sends for 评优评先, and the whole
ranking with grades goes into the government's performance assessment (绩效考核), which takes a flat table of
unit, score, rank and grade.  Both are plain workbooks laid out for those systems — one header row, one row
per unit, numbers as numbers — written with XlsxWriter through :class:`~kaoping.output.cells.TextCells`, so a
unit named ``=HYPERLINK(...)`` stays text.  Nothing is computed here: the values come from the bulletin's data
(the published version's result when there is one, its stamp in the file's properties).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

import xlsxwriter

from kaoping.output.cells import TextCells
from kaoping.output.sheet import text_width
from kaoping.reports.data import BulletinData, period_label

__all__ = ["GradeExport", "honor_rows", "performance_rows", "write_grade_export"]

Row = list[str | int | float | None]


class GradeExport(StrEnum):
    """The two grade exports, by the file name a download carries."""

    HONORS = "honors"
    PERFORMANCE = "performance"

    @property
    def label(self) -> str:
        """The export's Chinese name: its sheet's and its download's."""
        return {GradeExport.HONORS: "评优评先名单", GradeExport.PERFORMANCE: "绩效考核对接表"}[self]


HONOR_HEADER = ["序号", "分组", "单位编号", "单位", "总分", "名次", "等次"]
PERFORMANCE_HEADER = ["单位编号", "单位", "分组", "考评期", "总分", "名次", "等次"]


def honor_rows(data: BulletinData) -> list[Row]:
    """The units at the top grade of their group (评优评先), in rank order group by group; none when the scheme
    grades nobody."""
    rows: list[Row] = []
    for g in data.result.groups:
        bands = data.scheme.grades_of(g.group)
        if not bands:
            continue
        for u in g.ranking:
            if u.grade == bands[0].name:
                rows.append([len(rows) + 1, g.group, u.unit_id, u.name, float(u.shown_total), u.rank, u.grade])
    return rows


def performance_rows(data: BulletinData) -> list[Row]:
    """Every unit with its score, rank and grade (未考评 units: no score or rank, 等次 says 未考评)."""
    period = data.result.period
    rows: list[Row] = []
    for g in data.result.groups:
        for u in g.ranking:
            rows.append([u.unit_id, u.name, g.group, period, float(u.shown_total), u.rank, u.grade or ""])
        for u in g.unrated:
            rows.append([u.unit_id, u.name, g.group, period, None, None, "未考评"])
    return rows


def write_grade_export(kind: GradeExport, data: BulletinData, out: Path) -> None:
    """Write one grade export to ``out`` via a temporary file, so a failure never leaves half a file."""
    header, rows = (
        (HONOR_HEADER, honor_rows(data)) if kind == GradeExport.HONORS else (PERFORMANCE_HEADER, performance_rows(data))
    )
    tmp = out.with_name(f".{out.name}.tmp")
    book = xlsxwriter.Workbook(str(tmp))
    try:
        book.set_properties(
            {
                "title": f"{period_label(data.result.period)}{kind.label}",
                "subject": f"{data.scheme.title}（{data.result.period}）",
                "comments": data.stamp.line(),
                "created": data.stamp.created,
            }
        )
        _sheet(book, kind.label, header, rows, data.scheme.display.decimals)
        book.close()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)


def _sheet(book: xlsxwriter.Workbook, name: str, header: Sequence[str], rows: Sequence[Row], decimals: int) -> None:
    cells = TextCells(book)
    head = cells.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = cells.add_format({"border": 1})
    number = cells.add_format({"border": 1, "num_format": "0." + "0" * decimals if decimals else "0"})
    count = cells.add_format({"border": 1, "num_format": "0"})
    sheet = book.add_worksheet(name)
    cells.write_row(sheet, 0, 0, list(header), head)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                sheet.write_blank(r, c, None, text)
            elif isinstance(value, float):
                sheet.write_number(r, c, value, number)
            elif isinstance(value, int):
                sheet.write_number(r, c, value, count)
            else:
                cells.write(sheet, r, c, value, text)
    sheet.freeze_panes(1, 0)
    for c, title in enumerate(header):
        widest = max([text_width(title), *(text_width(row[c]) for row in rows)])
        sheet.set_column(c, c, min(max(widest + 2, 6), 60))
