"""Issue 14, point 5: a text a spreadsheet could take for a formula (a unit named ``=HYPERLINK(...)``, a
problem starting with ``@`` or ``-``) stays text in every workbook kaoping writes: the bulletin
(``report --format xlsx``, the web's bulletin.xlsx), ``score --format xlsx``, ``export`` and the import
template.  The value is kept (quote-prefixed text cell, no ``'`` added), so exported data imports back the
same, and numbers stay numbers."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from openpyxl.cell.cell import Cell

from examples_testing import EXAMPLES
from kaoping.app.scoring import score_folder
from kaoping.facts import FILE_NAMES, Facts
from kaoping.io.export import write_csv_folder, write_workbook
from kaoping.io.readers import read_facts
from kaoping.io.templates import TemplateLists, write_template
from kaoping.output.cells import formula_like
from kaoping.output.workbook import write_workbook as write_ranking
from kaoping.reports.xlsx_bulletin import write_xlsx
from kaoping.scheme import load_scheme

NAME = '=HYPERLINK("http://x","y")'
PROBLEMS = ["@SUM(1+1)", "-3分 道路积存垃圾", "+1", "\t=1+1"]
SCHEME, PERIOD = "district-onsite", "2024-05"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """district-onsite with unit u1 renamed to a formula and the first problems starting like formulas."""
    out = tmp_path / "data"
    shutil.copytree(EXAMPLES / SCHEME, out)
    units = pl.read_csv(out / "units.csv", infer_schema=False)
    units.with_columns(pl.when(pl.col("unit_id") == "u1").then(pl.lit(NAME)).otherwise("name").alias("name")).write_csv(
        out / "units.csv"
    )
    ded = pl.read_csv(out / "deductions.csv", infer_schema=False)
    problems = PROBLEMS + ded.get_column("problem").to_list()[len(PROBLEMS) :]
    ded.with_columns(pl.Series("problem", problems)).write_csv(out / "deductions.csv")
    return out


def _cells(path: Path) -> list[Cell]:
    book = openpyxl.load_workbook(path)
    return [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def _assert_inert(path: Path, must_hold: list[str]) -> None:
    cells = _cells(path)
    assert not [c.coordinate for c in cells if c.data_type == "f"], "no cell is a formula"
    risky = [c for c in cells if isinstance(c.value, str) and formula_like(c.value)]
    assert all(c.quotePrefix for c in risky), [(c.coordinate, c.value) for c in risky if not c.quotePrefix]
    texts = {c.value for c in risky}
    for text in must_hold:
        assert text in texts, f"{text!r} is kept as typed"


def test_formula_like_starts() -> None:
    assert all(formula_like(t) for t in [NAME, *PROBLEMS, "\r=1"])
    assert not any(formula_like(t) for t in ["甲区", "a=b", "", "2024-05"])


def test_text_cells_quote_what_a_spreadsheet_would_run(tmp_path: Path) -> None:
    import xlsxwriter

    from kaoping.output.cells import TextCells

    book = xlsxwriter.Workbook(str(tmp_path / "c.xlsx"))
    cells, sheet = TextCells(book), book.add_worksheet()
    bold = cells.add_format({"bold": True})
    cells.write_row(sheet, 0, 0, [NAME, "甲区", "\t=1", "\r@x"], bold)
    cells.write(sheet, 1, 0, "-1")
    sheet.write_number(1, 1, -1)
    book.close()
    ws = openpyxl.load_workbook(tmp_path / "c.xlsx").active
    assert ws is not None
    assert [c.value for c in ws[1]][:3] == [NAME, "甲区", "\t=1"]  # (openpyxl reads \r back as _x000D_)
    assert [c.quotePrefix for c in ws[1]] == [True, False, True, True]
    assert all(c.font.b for c in ws[1]), "the quoted twin keeps the format"
    assert (ws["A2"].value, ws["A2"].data_type, ws["A2"].quotePrefix) == ("-1", "s", True)
    assert (ws["B2"].value, ws["B2"].data_type) == (-1, "n")


def test_bulletin_workbook_keeps_a_formula_name_as_text(folder: Path, tmp_path: Path) -> None:
    from kaoping.app.bulletins import bulletin_data

    out = tmp_path / "bulletin.xlsx"
    write_xlsx(bulletin_data(SCHEME, PERIOD, data=folder), out)
    _assert_inert(out, [NAME, PROBLEMS[0]])
    numbers = [c for c in _cells(out) if c.data_type == "n"]
    assert numbers, "totals and points stay numbers"


def test_score_workbook_keeps_a_formula_name_as_text(folder: Path, tmp_path: Path) -> None:
    _, result = score_folder(SCHEME, folder, PERIOD)
    out = tmp_path / "ranking.xlsx"
    write_ranking(load_scheme(SCHEME), result, out)
    _assert_inert(out, [NAME])


def _same(a: Facts, b: Facts) -> None:
    for name in FILE_NAMES:
        assert getattr(a, name).drop("_row").to_dicts() == getattr(b, name).drop("_row").to_dicts(), name


def test_export_keeps_formula_text_inert_and_imports_back_the_same(folder: Path, tmp_path: Path) -> None:
    facts = read_facts(folder)
    frames = {name: getattr(facts, name) for name in FILE_NAMES}
    write_workbook(tmp_path / "book.xlsx", frames)
    _assert_inert(tmp_path / "book.xlsx", [NAME, *PROBLEMS[:3], "=1+1"])  # the reader trims the tab
    points = [c for c in _cells(tmp_path / "book.xlsx") if c.column_letter == "E" and c.row > 1]
    assert points and all(c.data_type == "n" for c in points if c.parent.title == "deductions")
    _same(read_facts(tmp_path / "book.xlsx"), facts)
    # CSV is the interchange contract: values are written as they are (no ' added) and read back the same
    write_csv_folder(tmp_path / "csv", frames)
    assert f'"{NAME.replace(chr(34), chr(34) * 2)}"' in (tmp_path / "csv" / "units.csv").read_text(encoding="utf-8")
    _same(read_facts(tmp_path / "csv"), facts)


def test_template_lists_keep_formula_names_as_text(tmp_path: Path) -> None:
    names = [NAME, *[f"单位{i}" for i in range(60)]]  # long enough for the hidden lists sheet
    write_template(tmp_path / "t.xlsx", TemplateLists(units=names, groups=names))
    _assert_inert(tmp_path / "t.xlsx", [NAME])
