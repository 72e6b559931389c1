"""Deduction rows with point locations (issue #16.5) read from a file: a file with lat/lon/accuracy_m (经度/纬度
headers too) scores as without them — a point changes no number — while a half point, a coordinate out of
range or an absurd accuracy is an input error naming file, row and column; files without the columns (every
example) read as before."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from examples_testing import EXAMPLES
from kaoping.errors import InputErrors
from scheme_testing import score_example, unit

HEADER = "date,unit_id,part,item,points,source,problem,纬度,经度,accuracy_m\n"


def _folder(tmp_path: Path, rows: str) -> Path:
    shutil.copy(EXAMPLES / "district-onsite" / "units.csv", tmp_path / "units.csv")
    (tmp_path / "deductions.csv").write_text(HEADER + rows, encoding="utf-8")
    return tmp_path


def test_points_change_no_number(tmp_path: Path) -> None:
    rows = "2024-06-03,u1,日常考评,道路保洁,2,组,渣土,30.01,120.01,8\n2024-06-10,u1,日常考评,道路保洁,1,组,不洁,,,\n"
    june = score_example("district-onsite", "2024-06", _folder(tmp_path, rows))
    assert unit(june, "u1").parts["日常考评"] == 17  # 20 − 2 − 1, as without points


def test_bad_points_are_input_errors(tmp_path: Path) -> None:
    rows = (
        "2024-06-03,u1,日常考评,道路保洁,1,组,只有纬度,30.01,,\n"
        "2024-06-03,u1,日常考评,道路保洁,1,组,纬度超界,91,120,\n"
        "2024-06-03,u1,日常考评,道路保洁,1,组,精度过大,30,120,200000\n"
    )
    folder = _folder(tmp_path, rows)
    with pytest.raises(InputErrors) as err:
        score_example("district-onsite", "2024-06", folder)
    label = str(folder / "deductions.csv")
    assert [e.describe() for e in err.value.errors] == [
        f"{label}，第 2 行，列“lon”：只有纬度没有经度：位置须同时填写纬度和经度（或都不填）",
        f"{label}，第 3 行，列“lat”：纬度“91.0”超出范围：应在 -90 到 90 之间（WGS-84 度）",
        f"{label}，第 4 行，列“accuracy_m”：定位精度 200000.0 米过大：应不超过 100000 米",
    ]
