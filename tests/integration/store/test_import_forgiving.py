"""Entry that forgives Excel habits (issue 15, point 3), through `kaoping import` on SQLite and PostgreSQL:
a file with Chinese headers, unit names and 2024/12/5 dates imports; a file with five different mistakes
(a date, a unit, a number, a part, a year) is refused with all five in one answer, in Chinese."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from typer.testing import CliRunner

from entry_checks_testing import APPEARANCE, SCHEME
from kaoping.cli import app
from kaoping.store.db import open_store
from kaoping.store.tables import DeductionRow

runner = CliRunner()

FORGIVEN = (
    "日期,单位,考评项目,考评细项,分值,问题描述,地点\n"
    "2024/12/5,综合执法一大队,市容环境,市容秩序,2,店外堆放杂物,胜利东路\n"
    "2024年12月6日,zf2,市容环境,市容秩序,１.５,餐馆越门占道经营,站江路\n"
    "２０２４．１２．７,客运整治组,市容环境,市容秩序,３,出租车乱停,火车站\n"
)
"""Chinese headers (分值 for points), unit names and ids, three date spellings, full-width digits."""

FIVE_MISTAKES = (
    "日期,单位,考评项目,考评细项,分值\n"
    "2024/13/45,zf1,市容环境,市容秩序,2\n"  # row 2: no such date
    "2024-12-05,东湖区,市容环境,市容秩序,2\n"  # row 3: no such unit
    "2024-12-05,zf1,市容环境,市容秩序,两分\n"  # row 4: not a number
    "2024-12-05,zf1,市容环镜,市容秩序,2\n"  # row 5: no such part (a typo)
    "2031-01-01,zf1,市容环境,市容秩序,2\n"  # row 6: a year outside the scheme's
)
"""One mistake of each kind the checks know: reading, units, reading, the scheme, the entry checks."""


def _folder(tmp_path: Path, deductions: str) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(APPEARANCE / "units.csv", folder / "units.csv")
    (folder / "deductions.csv").write_text(deductions, encoding="utf-8")
    return folder


def _import(folder: Path, url: str) -> Any:
    return runner.invoke(app, ["import", str(folder), "--db", url, "--scheme", SCHEME, "--actor", "tester"])


def test_chinese_headers_unit_names_and_slashed_dates_import(db_url: str, tmp_path: Path) -> None:
    result = _import(_folder(tmp_path, FORGIVEN), db_url)
    assert result.exit_code == 0, result.stderr
    with open_store(db_url)() as s:
        rows = s.execute(select(DeductionRow.date, DeductionRow.unit_id, DeductionRow.points, DeductionRow.location))
        got = sorted(tuple(r) for r in rows)
    assert got == [
        (date(2024, 12, 5), "zf1", 2.0, "胜利东路"),
        (date(2024, 12, 6), "zf2", 1.5, "站江路"),
        (date(2024, 12, 7), "kyz", 3.0, "火车站"),
    ]


def test_five_different_mistakes_are_reported_at_once_in_chinese(db_url: str, tmp_path: Path) -> None:
    result = _import(_folder(tmp_path, FIVE_MISTAKES), db_url)
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if "deductions.csv，第" in line]
    expected = [
        ("第 2 行，列“日期”", "“2024/13/45”不是日期"),
        ("第 3 行，列“单位”", "没有考评对象“东湖区”"),
        ("第 4 行，列“分值”", "“两分”不是数字"),
        ("第 5 行，列“考评项目”", "“市容环镜”不是方案 city-appearance 的扣分项目：应为 市容环境"),
        ("第 6 行，列“日期”", "不在考评方案的考评年度内"),
    ]
    assert len(lines) == 5, result.stderr
    for line, (where, what) in zip(lines, expected, strict=True):
        assert where in line and what in line, line
    with open_store(db_url)() as s:
        assert s.scalars(select(DeductionRow)).first() is None


def test_an_ambiguous_unit_name_lists_the_candidates_and_a_typo_the_closest(db_url: str, tmp_path: Path) -> None:
    folder = _folder(
        tmp_path, "日期,单位,考评项目,考评细项,分值\n2024-12-05,一大队,市容环境,,2\n2024-12-05,同名单位,市容环境,,2\n"
    )
    units = (folder / "units.csv").read_text(encoding="utf-8")
    (folder / "units.csv").write_text(
        units.rstrip("\n") + "\nt1,同名单位,第一系列\nt2,同名单位,第二系列\n", encoding="utf-8"
    )
    result = _import(folder, db_url)
    assert result.exit_code == 2
    flat = " ".join(result.stderr.split())
    assert "没有考评对象“一大队”" in flat and "相近的有：zf1 综合执法一大队（第一系列）" in flat, flat
    assert "考评对象名称“同名单位”对应多个考评对象：t1 同名单位（第一系列）、t2 同名单位（第二系列）" in flat, flat
