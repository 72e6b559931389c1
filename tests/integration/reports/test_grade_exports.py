"""Grades in the bulletins and the grade exports (评优评先名单, 绩效考核对接表), from the appearance-management
example folder (2024-Q2: b1 92.25 好, b2 91.45 好, b3 82.85 较好 — tests/unit/engine/test_grades.py).  A unit
named like a formula stays text in the exports."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
import typer
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.app.bulletins import bulletin_data
from kaoping.commands import report_cmds
from kaoping.reports.grade_exports import GradeExport, honor_rows, performance_rows, write_grade_export
from kaoping.reports.pdf_bulletin import render_html

SCHEME, PERIOD = "appearance-management", "2024-Q2"


def test_honor_list_is_the_top_grade_and_the_table_has_every_unit() -> None:
    data = bulletin_data(SCHEME, PERIOD, data=EXAMPLES / SCHEME)
    assert honor_rows(data) == [
        [1, "各区", "b1", "城北区", 92.25, 1, "好"],
        [2, "各区", "b2", "城南区", 91.45, 2, "好"],
    ]
    assert performance_rows(data)[-1] == ["b3", "开发区", "各区", PERIOD, 82.85, 3, "较好"]


def test_pdf_bulletin_lists_the_grades() -> None:
    html = render_html(bulletin_data(SCHEME, PERIOD, data=EXAMPLES / SCHEME))
    assert '<th class="grade">等次</th>' in html
    assert "按考评等次：好2个，较好1个。" in html
    assert '<td class="flagname">好</td><td>城北区、城南区</td>' in html


def test_an_ungraded_scheme_s_pdf_has_no_grades() -> None:
    html = render_html(bulletin_data("city-1000", PERIOD, data=EXAMPLES / "city-1000"))
    assert "等次" not in html


def test_formula_like_names_stay_text(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(EXAMPLES / SCHEME, data)
    units = (data / "units.csv").read_text(encoding="utf-8").replace("城北区", "=1+2")
    (data / "units.csv").write_text(units, encoding="utf-8")
    out = tmp_path / "honors.xlsx"
    write_grade_export(GradeExport.HONORS, bulletin_data(SCHEME, PERIOD, data=data), out)
    book = openpyxl.load_workbook(out)
    cell = book["评优评先名单"]["D2"]
    assert cell.value == "=1+2" and cell.data_type == "s" and cell.quotePrefix


def _app() -> typer.Typer:
    app = typer.Typer()
    report_cmds.register(app)
    return app


EXPORTS = [("honors", "评优评先名单", 3), ("performance", "绩效考核对接表", 4)]


@pytest.mark.parametrize(("kind", "sheet", "rows"), EXPORTS)
def test_cli_writes_the_exports(tmp_path: Path, kind: str, sheet: str, rows: int) -> None:
    out = tmp_path / f"{kind}.xlsx"
    args = ["grades", "--scheme", SCHEME, "--data", str(EXAMPLES / SCHEME), "--period", PERIOD, "--kind", kind]
    result = CliRunner().invoke(_app(), [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out)[sheet].max_row == rows


def test_cli_refuses_an_ungraded_scheme(tmp_path: Path) -> None:
    args = ["grades", "--scheme", "city-1000", "--data", str(EXAMPLES / "city-1000"), "--period", PERIOD]
    result = CliRunner().invoke(_app(), [*args, "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "未设等次" in result.output
    assert not (tmp_path / "x.xlsx").exists()
