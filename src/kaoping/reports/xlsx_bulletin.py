"""`kaoping report --format xlsx`: the bulletin workbook (考评通报) offices pass around and print.

Offices keep working in Excel after the result is out — they sort, filter, paste into their own
bulletins — so the workbook is laid out the way their own sheets are: one ranking sheet per group (名次,
单位, the parts, 加分, 扣分, 总分, 奖惩, 标记), then the deductions as a pivot of item × unit, the top reasons
per unit, repeated problems, overdue rectifications and case metrics.  Every sheet has a frozen header,
real numbers with number formats (never text) and column widths that fit Chinese text.  Nothing is
computed here: all values come from :class:`~kaoping.reports.data.BulletinData`.  Its stamp (the published
version and audit chain head, or the draft marking) goes into the file's properties, under each ranking
and into every sheet's print footer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from kaoping.engine.numbers import fmt, rounded
from kaoping.engine.phrases import flag_label
from kaoping.engine.result import GroupResult
from kaoping.engine.robustness import FRAGILITY_NAMES, Robustness
from kaoping.output.cells import TextCells
from kaoping.output.sheet import text_width
from kaoping.reports.data import BulletinData, BulletinStamp, period_label

__all__ = ["TOP_REASONS", "write_xlsx"]

TOP_REASONS = 5
"""Reasons listed per unit on 扣分原因: a bulletin names the few that matter, the pivot has the rest."""

Cell = str | int | float | date | None


@dataclass
class _Formats:
    cells: TextCells
    head: Format
    text: Format
    number: Format
    money: Format
    count: Format
    percent: Format
    day: Format
    stamp: Format
    draft: Format


def _formats(book: Workbook, decimals: int) -> _Formats:
    cells = TextCells(book)

    def fmt(**props: object) -> Format:
        made: Format = cells.add_format({"border": 1, "valign": "vcenter", **props})
        return made

    return _Formats(
        cells=cells,
        head=fmt(bold=True, bg_color="#DDEBF7", text_wrap=True, align="center"),
        text=fmt(),
        number=fmt(num_format="0." + "0" * decimals if decimals else "0"),
        money=fmt(num_format="#,##0;[Red]-#,##0"),
        count=fmt(num_format="0"),
        percent=fmt(num_format="0.00"),
        day=fmt(num_format="yyyy-mm-dd"),
        stamp=cells.add_format({"font_color": "#555555", "italic": True}),
        draft=cells.add_format({"font_color": "#B4141E", "bold": True}),
    )


def _table(
    sheet: Worksheet,
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    formats: Sequence[Format],
    f: _Formats,
    *,
    freeze_cols: int = 0,
) -> None:
    """Header row, data rows with one format per column, frozen header and widths fitted to the text."""
    f.cells.write_row(sheet, 0, 0, list(header), f.head)  # unit names head the pivot's columns
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                sheet.write_blank(r, c, None, formats[c])
            elif isinstance(value, date):
                sheet.write_datetime(r, c, value, formats[c])
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value, formats[c])
            else:
                f.cells.write(sheet, r, c, value, formats[c])
    sheet.freeze_panes(1, freeze_cols)
    if rows:
        sheet.autofilter(0, 0, len(rows), len(header) - 1)
    for c, title in enumerate(header):
        widest = max([text_width(title), *(text_width(row[c]) for row in rows)])
        sheet.set_column(c, c, min(max(widest + 2, 6), 60))


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique (case-insensitive)."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate.lower() in used:
        candidate = f"{clean[: 31 - len(str(n)) - 1]}~{n}"
        n += 1
    used.add(candidate.lower())
    return candidate


_HEAD_NOTE = "审计链头是发布时审计日志哈希链的链头，可用 kaoping verify --audit 与考评办的审计日志核对"


def _stamp_properties(book: Workbook, data: BulletinData) -> None:
    """The version stamp in the file's properties (文件 → 属性), where it survives copying sheets around.

    ``created`` is the publication (the fixed draft date otherwise): XlsxWriter would write "now", and then
    no two downloads of the same published version would be the same bytes.
    """
    stamp, period = data.stamp, data.result.period
    book.set_properties(
        {
            "title": f"{period_label(period)}考评排名通报",
            "subject": f"{data.scheme.title}（{period}）",
            "comments": f"{stamp.line()}。{_HEAD_NOTE}" if stamp.audit_head else stamp.line(),
            "keywords": ", ".join(["考评通报", data.scheme.scheme, period, stamp.line()]),
            "created": stamp.created,
        }
    )
    book.set_custom_property("status", stamp.status)
    if stamp.version is not None:
        book.set_custom_property("version", stamp.version)
    if stamp.published_at is not None:
        book.set_custom_property("published_at", stamp.published_at)
    if stamp.audit_head:
        book.set_custom_property("audit_head", stamp.audit_head)


def _stamp_footer(sheet: Worksheet, stamp: BulletinStamp) -> None:
    """Every printed page names the version (or says draft), as the PDF's footer does."""
    sheet.set_footer(f"&L{stamp.line().replace('&', '&&')}&R&P / &N")


def _group_sheet(book: Workbook, name: str, g: GroupResult, data: BulletinData, f: _Formats) -> None:
    d = data.scheme.display
    sheet = book.add_worksheet(name)
    parts = g.ranking[0].top_parts if g.ranking else []
    changes, moves = data.analysis.changes, data.analysis.rank_changes
    header = [
        "名次",
        "单位编号",
        "单位",
        *parts,
        "加分",
        "扣分",
        "总分",
        "较上期",
        "名次升降",
        "奖惩(元)",
        "标记",
        "问责标记",
        *(["等次"] if data.scheme.graded else []),
    ]

    def num(x: Decimal) -> float:
        return float(rounded(x, d.decimals, d.rounding))

    rows: list[list[Cell]] = []
    for u in g.ranking:
        change = changes.get(u.unit_id)
        rows.append(
            [
                u.rank,
                u.unit_id,
                u.name,
                *[num(u.parts[p]) for p in parts],
                num(u.bonus),
                num(u.penalty),
                float(u.shown_total),
                None if change is None else float(change),
                moves.get(u.unit_id),
                u.reward,
                " ".join(u.flags),
                _flag_names(u.flags, data),
                *([u.grade or "未定等次"] if data.scheme.graded else []),
            ]
        )
    graded = ["未考评"] if data.scheme.graded else []
    for u in g.unrated:
        blank = [None] * (len(header) - 5 - len(graded))
        rows.append(["未考评", u.unit_id, u.name, *blank, " ".join(u.flags), _flag_names(u.flags, data), *graded])
    n = len(parts)
    formats = [f.count, f.text, f.text, *[f.number] * (n + 4), f.count, f.money, f.text, f.text]
    formats += [f.text] * len(graded)
    _table(sheet, header, rows, formats, f, freeze_cols=3)
    f.cells.write(sheet, len(rows) + 2, 0, data.stamp.line(), f.stamp if data.stamp.published else f.draft)
    if g.ranking:
        chart = book.add_chart({"type": "column"})
        total_col = 3 + n + 2
        chart.add_series(
            {
                "name": "总分",
                "categories": [name, 1, 2, len(g.ranking), 2],
                "values": [name, 1, total_col, len(g.ranking), total_col],
                "data_labels": {"value": True},
            }
        )
        chart.set_title({"name": f"{g.group} 总分 · {data.result.period}"})
        chart.set_legend({"none": True})
        chart.set_size({"width": max(480, 60 * len(g.ranking)), "height": 320})
        sheet.insert_chart(len(rows) + 4, 1, chart)


def _flag_names(flags: list[str], data: BulletinData) -> str:
    """The flags in Chinese (the scheme's labels, else the built-in names), next to their codes."""
    return "、".join(flag_label(code, data.scheme.flags) for code in flags)


def _pivot_sheet(book: Workbook, name: str, data: BulletinData, f: _Formats) -> None:
    """扣分汇总: one row per (part, item), one column per unit that lost points, totals both ways."""
    sheet = book.add_worksheet(name)
    units = [u for g in data.result.groups for u in (*g.ranking, *g.unrated) if u.unit_id in data.analysis.by_unit]
    cells: dict[tuple[str, str], dict[str, Decimal]] = {}
    for unit_id, reasons in data.analysis.by_unit.items():
        for r in reasons:
            row = cells.setdefault((r.part, r.item), {})
            row[unit_id] = row.get(unit_id, Decimal(0)) + r.points
    order = [(r.part, r.item) for r in data.analysis.by_item]
    header = ["考评部分", "考评项目", *[u.name for u in units], "合计", "次数"]
    counts = {(r.part, r.item): r.count for r in data.analysis.by_item}
    rows: list[list[Cell]] = []
    for key in order:
        values = cells.get(key, {})
        rows.append(
            [
                key[0],
                key[1],
                *[float(values[u.unit_id]) if u.unit_id in values else None for u in units],
                float(sum(values.values(), Decimal(0))),
                counts[key],
            ]
        )
    if rows:
        total: list[Cell] = ["合计", ""]
        for c in range(2, 2 + len(units) + 1):
            total.append(float(sum((Decimal(str(r[c])) for r in rows if r[c] is not None), Decimal(0))))
        total.append(sum(counts.values()))
        rows.append(total)
    formats = [f.text, f.text, *[f.number] * (len(units) + 1), f.count]
    _table(sheet, header, rows, formats, f, freeze_cols=2)


def _reasons_sheet(book: Workbook, name: str, data: BulletinData, f: _Formats) -> None:
    sheet = book.add_worksheet(name)
    repeated = {(r.unit_id, r.part, r.item, r.problem) for r in data.analysis.repeated}
    header = ["名次", "单位编号", "单位", "序号", "考评部分", "考评项目", "问题", "次数", "扣分", "重复发现"]
    rows: list[list[Cell]] = []
    for u in (u for g in data.result.groups for u in (*g.ranking, *g.unrated)):
        for i, r in enumerate(data.analysis.by_unit.get(u.unit_id, [])[:TOP_REASONS], start=1):
            again = "是" if (r.unit_id, r.part, r.item, r.problem) in repeated else ""
            rank: Cell = u.rank if u.rated else "未考评"
            rows.append([rank, u.unit_id, u.name, i, r.part, r.item, r.problem, r.count, float(r.points), again])
    formats = [f.count, f.text, f.text, f.count, f.text, f.text, f.text, f.count, f.number, f.text]
    _table(sheet, header, rows, formats, f, freeze_cols=3)


def _repeated_sheet(book: Workbook, name: str, data: BulletinData, f: _Formats) -> None:
    sheet = book.add_worksheet(name)
    header = ["单位编号", "单位", "考评部分", "考评项目", "问题", "次数", "扣分"]
    rows: list[list[Cell]] = [
        [r.unit_id, r.unit, r.part, r.item, r.problem, r.count, float(r.points)] for r in data.analysis.repeated
    ]
    formats = [f.text, f.text, f.text, f.text, f.text, f.count, f.number]
    _table(sheet, header, rows, formats, f, freeze_cols=2)


def _overdue_sheet(book: Workbook, name: str, data: BulletinData, f: _Formats) -> None:
    sheet = book.add_worksheet(name)
    header = ["问题编号", "单位编号", "单位", "首次通报", "最近通报", "通报次数", "整改期限", "整改日期", "未整改天数"]
    keys = ["problem_id", "unit_id", "unit", "notified_on", "last_notified_on", "notices", "due", "rectified_on"]
    keys.append("days_open")
    rows: list[list[Cell]] = []
    for item in data.analysis.overdue:
        row: list[Cell] = []
        for k in keys:
            v = item.get(k)
            row.append(v if isinstance(v, str | int | float | date) else None)
        rows.append(row)
    formats = [f.text, f.text, f.text, f.day, f.day, f.count, f.day, f.day, f.count]
    _table(sheet, header, rows, formats, f, freeze_cols=3)


def _metrics_sheet(book: Workbook, name: str, metrics: pl.DataFrame, f: _Formats) -> None:
    from kaoping.cases.metrics import COUNTS

    sheet = book.add_worksheet(name)
    header = ["单位编号", "单位", *metrics.columns[2:]]
    rows: list[list[Cell]] = [list(r) for r in metrics.iter_rows()]
    formats = [f.text, f.text, *[f.count if c in COUNTS else f.percent for c in metrics.columns[2:]]]
    _table(sheet, header, rows, formats, f, freeze_cols=2)


def _robustness_sheet(book: Workbook, name: str, robustness: Robustness, f: _Formats) -> None:
    """排名稳健性提示: only when a rank rests on a tie-break or on a margin below the rounding unit."""
    sheet = book.add_worksheet(name)
    header = ["组", "单位", "名次", "相邻单位", "名次", "总分精确差", "说明"]
    rows: list[list[Cell]] = []
    for p in robustness.fragile():
        why = "；".join(FRAGILITY_NAMES[x] for x in p.fragility)
        rows.append([p.group, p.upper.name, p.upper.rank, p.lower.name, p.lower.rank, fmt(abs(p.margin)), why])
    formats = [f.text, f.text, f.count, f.text, f.count, f.text, f.text]
    _table(sheet, header, rows, formats, f, freeze_cols=2)


def _owed_sheet(book: Workbook, name: str, data: BulletinData, f: _Formats) -> None:
    """应报分数: the scores missing, late or not yet due at the time of the bulletin (the ones in on time: not)."""
    sheet = book.add_worksheet(name)
    header = ["报送单位", "单位编号", "单位", "考评项目", "考评内容", "期间", "截止日期", "状态", "报送时间"]
    rows: list[list[Cell]] = []
    for s in data.owed_out():
        c = s.cell
        at = f"{s.written_at:%Y-%m-%d %H:%M}" if s.written_at else ""
        rows.append([c.scorer, c.unit_id, c.unit, c.part, c.item, c.period, c.due, s.status.label, at])
    formats = [f.text, f.text, f.text, f.text, f.text, f.text, f.day, f.text, f.text]
    _table(sheet, header, rows, formats, f, freeze_cols=3)


def _surveys_sheet(book: Workbook, name: str, data: BulletinData, f: _Formats) -> None:
    """问卷调查: each unit's score from a questionnaire with its sample size and 95 % margin of error."""
    sheet = book.add_worksheet(name)
    header = ["单位编号", "单位", "考评项目", "得分", "样本量", "配额", "误差范围（95%）", "样本情况"]
    rows: list[list[Cell]] = []
    for r in data.surveys:
        margin = "无法估计" if r.get("margin") is None else f"±{r['margin']}"
        rows.append([r["unit_id"], r["unit"], r["part"], r["score"], r.get("n"), r.get("quota"), margin, r.get("flag")])  # type: ignore[list-item]
    formats = [f.text, f.text, f.text, f.text, f.count, f.count, f.text, f.text]
    _table(sheet, header, rows, formats, f, freeze_cols=2)


def write_xlsx(bulletin: BulletinData, out: Path) -> None:
    """Write the bulletin workbook to ``out`` via a temporary file, so a failure never leaves half a file."""
    tmp = out.with_name(f".{out.name}.tmp")
    book = xlsxwriter.Workbook(str(tmp))
    try:
        _stamp_properties(book, bulletin)
        f = _formats(book, bulletin.scheme.display.decimals)
        used: set[str] = set()
        for g in bulletin.result.groups:
            _group_sheet(book, _sheet_name(g.group, used), g, bulletin, f)
        _pivot_sheet(book, _sheet_name("扣分汇总", used), bulletin, f)
        _reasons_sheet(book, _sheet_name("扣分原因", used), bulletin, f)
        _repeated_sheet(book, _sheet_name("重复问题", used), bulletin, f)
        _overdue_sheet(book, _sheet_name("整改超期", used), bulletin, f)
        if bulletin.metrics is not None:
            _metrics_sheet(book, _sheet_name("案卷指标", used), bulletin.metrics, f)
        if bulletin.robustness is not None and bulletin.robustness.fragile():
            _robustness_sheet(book, _sheet_name("排名稳健性", used), bulletin.robustness, f)
        if bulletin.owed is not None:
            _owed_sheet(book, _sheet_name("应报分数", used), bulletin, f)
        if bulletin.surveys:
            _surveys_sheet(book, _sheet_name("问卷调查", used), bulletin, f)
        for sheet in book.worksheets():
            _stamp_footer(sheet, bulletin.stamp)
        book.close()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)
