"""A standards catalogue (扣分标准) as an Excel workbook: offices keep their standard in Excel, so it is exported
to one (XlsxWriter) and read back from one (openpyxl, read-only) into the YAML file a scheme refers to.

Two sheets: ``说明`` (key and value rows: 标准编号, 名称, 版本, 检查表, 依据, 说明) and ``扣分标准`` (one row per
kind of problem: 考评内容, 内容封顶, 问题类型编号, 问题类型, 标准分值, 计分单位, 单次封顶, 检查表, 备注; the item's
cap and checklists written on its first row).  Reading is bounded (file size, rows) and every problem names
the sheet, the row and the column in Chinese; the result is validated like a YAML file
(:func:`kaoping.scheme.standard.parse_standard`).
"""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import xlsxwriter
import yaml

from kaoping.scheme.standard import PER_NAMES, Per, Standard, StandardError, parse_standard

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_INFLATED = 64 * 1024 * 1024
ABOUT, TABLE = "说明", "扣分标准"
HEADERS = ("考评内容", "内容封顶", "问题类型编号", "问题类型", "标准分值", "计分单位", "单次封顶", "检查表", "备注")
ABOUT_KEYS = {
    "标准编号": "standard",
    "名称": "title",
    "版本": "version",
    "检查表": "checklists",
    "依据": "source_document",
}
PER_BY_NAME = {zh: per for per, (zh, _) in PER_NAMES.items()} | {per.value: per for per in Per}
SEP = "、"


def _num(x: Decimal | None) -> float | int | None:
    if x is None:
        return None
    return int(x) if x == x.to_integral_value() else float(x)


def write_standard_book(standard: Standard, path: Path) -> None:
    """The standard as a workbook an office edits (then reads back with :func:`read_standard_book`)."""
    book = xlsxwriter.Workbook(str(path))
    bold = book.add_format({"bold": True})
    about = book.add_worksheet(ABOUT)
    rows: list[tuple[str, object]] = [
        ("标准编号", standard.standard),
        ("名称", standard.title),
        ("版本", standard.version),
        ("检查表", SEP.join(standard.checklists)),
        ("依据", standard.source_document or ""),
        *(("说明", note) for note in standard.notes),
    ]
    for r, (key, value) in enumerate(rows):
        about.write(r, 0, key, bold)
        about.write(r, 1, value)
    about.set_column(1, 1, 80)
    sheet = book.add_worksheet(TABLE)
    sheet.write_row(0, 0, HEADERS, bold)
    r = 1
    for item in standard.items:
        for j, kind in enumerate(item.problems):
            first = j == 0
            resolved = kind.checklists or item.checklists  # written per kind, only where it narrows the standard's
            own = SEP.join(resolved) if resolved and resolved != standard.checklists else ""
            values = [
                item.name,
                _num(item.cap) if first else None,
                kind.code,
                kind.name,
                _num(kind.points),
                PER_NAMES[kind.per][0],
                _num(kind.cap),
                own,
                kind.note or "",
            ]
            for c, v in enumerate(values):
                if v is not None:
                    sheet.write(r, c, v)
            r += 1
    sheet.set_column(0, 8, 14)
    book.close()


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _where(sheet: str, row: int, column: str) -> str:
    return f"工作表“{sheet}”第 {row} 行，列“{column}”"


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise StandardError(str(path), [f"文件有 {size} 字节，超过上限 {MAX_BYTES} 字节"])
    try:
        with zipfile.ZipFile(path) as z:
            if sum(i.file_size for i in z.infolist()) > MAX_INFLATED:
                raise StandardError(str(path), ["工作簿解压后过大"])
    except zipfile.BadZipFile:
        raise StandardError(str(path), ["无法作为 .xlsx 工作簿打开"]) from None


def read_standard_book(path: Path) -> tuple[Standard, str]:
    """The standard in the workbook at ``path`` and its YAML text; StandardError naming sheet, row, column."""
    _check_size(path)
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        missing = [s for s in (ABOUT, TABLE) if s not in book.sheetnames]
        if missing:
            raise StandardError(str(path), [f"缺少工作表“{s}”" for s in missing])
        about = [tuple(_cell(v) for v in row[:2]) for row in book[ABOUT].iter_rows(max_row=200, values_only=True)]
        table = [
            tuple(_cell(v) for v in row[:9]) for row in book[TABLE].iter_rows(max_row=MAX_ROWS + 1, values_only=True)
        ]
    finally:
        book.close()
    problems: list[str] = []
    data = _about(about, problems)
    data["items"] = _items(table, problems)
    if problems:
        raise StandardError(str(path), problems)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return parse_standard(text, str(path)), text


def _about(rows: list[tuple[str, ...]], problems: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {"notes": []}
    for r, row in enumerate(rows, start=1):
        key, value = (*row, "", "")[:2]
        if key == "说明":
            data["notes"].append(value)
        elif key in ABOUT_KEYS:
            data[ABOUT_KEYS[key]] = value
        elif key:
            problems.append(f"{_where(ABOUT, r, 'A')}：“{key}”不是说明项；应为 {SEP.join([*ABOUT_KEYS, '说明'])}")
    data["checklists"] = [x for x in str(data.get("checklists", "")).split(SEP) if x]
    version = str(data.get("version", "1"))
    if not version.isdigit():
        problems.append(f"{_where(ABOUT, 3, 'B')}：版本应为正整数，实为“{version}”")
    data["version"] = int(version) if version.isdigit() else 1
    return data


def _items(rows: list[tuple[str, ...]], problems: list[str]) -> list[dict[str, Any]]:
    if not rows or tuple(rows[0][: len(HEADERS)]) != HEADERS:
        problems.append(f"工作表“{TABLE}”第 1 行：表头应为 {SEP.join(HEADERS)}")
        return []
    if len(rows) > MAX_ROWS:
        problems.append(f"工作表“{TABLE}”超过 {MAX_ROWS} 行")
        return []
    items: dict[str, dict[str, Any]] = {}
    for r, raw in enumerate(rows[1:], start=2):
        row = (raw + ("",) * 9)[:9]
        if not any(row):
            continue
        item, item_cap, code, name, points, per, cap, sheets, note = row
        if not item:
            problems.append(f"{_where(TABLE, r, '考评内容')}：不能为空")
            continue
        entry = items.setdefault(item, {"name": item, "problems": []})
        if item_cap:
            entry["cap"] = _number(item_cap, TABLE, r, "内容封顶", problems)
        if per and per not in PER_BY_NAME:
            problems.append(
                f"{_where(TABLE, r, '计分单位')}：“{per}”应为 {SEP.join(zh for zh, _ in PER_NAMES.values())}"
            )
        kind: dict[str, Any] = {"code": code, "name": name, "points": _number(points, TABLE, r, "标准分值", problems)}
        kind["per"] = PER_BY_NAME.get(per, Per.OCCURRENCE).value
        if cap:
            kind["cap"] = _number(cap, TABLE, r, "单次封顶", problems)
        if sheets:
            kind["checklists"] = sheets.split(SEP)
        if note:
            kind["note"] = note
        entry["problems"].append(kind)
    return list(items.values())


def _number(text: str, sheet: str, row: int, column: str, problems: list[str]) -> float | int | None:
    try:
        value = Decimal(text)
    except ArithmeticError:
        problems.append(f"{_where(sheet, row, column)}：应为数字，实为“{text}”")
        return None
    if not value.is_finite():
        problems.append(f"{_where(sheet, row, column)}：应为数字，实为“{text}”")
        return None
    return _num(value)
