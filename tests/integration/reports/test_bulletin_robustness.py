"""排名稳健性 in the bulletin: a rank resting on a margin below the rounding unit gets a Chinese note in the
PDF and its own sheet in the workbook; a bulletin without a fragile rank has neither."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from examples_testing import EXAMPLES
from kaoping.app.bulletins import bulletin_data
from kaoping.reports.pdf_bulletin import render_html
from kaoping.reports.xlsx_bulletin import write_xlsx

CITY = EXAMPLES / "city-1000"


def nudged(tmp_path: Path) -> Path:
    """city-1000 with 丙区's June 第三方测评 480 → 480.012: its quarter mean 480.004, total 910.004 — shown 910.00,
    sharing 2nd with 乙区's 910 on a margin of 0.004, below the rounding unit 0.01."""
    folder = tmp_path / "city"
    shutil.copytree(CITY, folder)
    scores = folder / "scores.csv"
    text = scores.read_text(encoding="utf-8")
    assert text.count("2024-06,d3,第三方测评,,480,") == 1
    scores.write_text(text.replace("2024-06,d3,第三方测评,,480,", "2024-06,d3,第三方测评,,480.012,"), encoding="utf-8")
    return folder


def test_a_fragile_rank_is_noted_in_both_bulletins(tmp_path: Path) -> None:
    data = bulletin_data("city-1000", "2024-Q2", data=nudged(tmp_path))
    assert data.robustness is not None
    (pair,) = data.robustness.fragile()
    assert (pair.upper.unit_id, pair.lower.unit_id, pair.upper.rank, pair.lower.rank) == ("d2", "d3", 2, 2)
    html = render_html(data)
    assert "排名稳健性提示" in html
    assert "第一组：乙区（第2名）与丙区（第2名）总分精确差 0.004 分，差距小于总分的舍入单位" in html
    out = tmp_path / "b.xlsx"
    write_xlsx(data, out)
    sheet = openpyxl.load_workbook(out)["排名稳健性"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["第一组", "乙区", 2, "丙区", 2, "0.004", "差距小于总分的舍入单位"] in rows


def test_no_fragile_rank_no_note(tmp_path: Path) -> None:
    data = bulletin_data("city-1000", "2024-Q2", data=CITY)
    assert data.robustness is not None and data.robustness.fragile() == []  # 乙区 and 丙区 tie exactly: shared
    assert "排名稳健性提示" not in render_html(data)
    out = tmp_path / "b.xlsx"
    write_xlsx(data, out)
    assert "排名稳健性" not in openpyxl.load_workbook(out).sheetnames
