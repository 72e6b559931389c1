"""Entry that forgives Excel habits (issue 15, point 3), through `kaoping import` on SQLite and PostgreSQL:
a file with Chinese headers, unit names and 2024/12/5 dates imports; a file with five different mistakes
(a date, a unit, a number, a part, a year) is refused with all five in one answer, in Chinese."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import select
from typer.testing import CliRunner

from entry_checks_testing import APPEARANCE, SCHEME
from forgiving_testing import FIVE_FOUND, FIVE_MISTAKES, FORGIVEN, FORGIVEN_ROWS
from kaoping.cli import app
from kaoping.facts.columns import FILES
from kaoping.store.db import open_store
from kaoping.store.tables import DeductionRow

runner = CliRunner()


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
    assert got == FORGIVEN_ROWS


def test_five_different_mistakes_are_reported_at_once_in_chinese(db_url: str, tmp_path: Path) -> None:
    result = _import(_folder(tmp_path, FIVE_MISTAKES), db_url)
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if "deductions.csv，第" in line]
    assert len(lines) == 5, result.stderr
    for line, (row, column, what) in zip(lines, FIVE_FOUND, strict=True):
        where = f"第 {row} 行，列“{column}”"
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


def test_a_row_with_four_mistakes_reports_all_four(db_url: str, tmp_path: Path) -> None:
    """A cell that cannot be read does not hide the rest of its row: the unit, the part and the number."""
    folder = _folder(tmp_path, "日期,单位,考评项目,考评细项,分值\n2024/13/45,东湖区,市容环镜,,两分\n")
    result = _import(folder, db_url)
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if "deductions.csv，第 2 行" in line]
    columns = sorted(line.split("列“")[1].split("”")[0] for line in lines)
    assert columns == ["分值", "单位", "日期", "考评项目"], result.stderr


def test_score_from_a_folder_with_chinese_headers_and_unit_names_equals_the_contract_folder(tmp_path: Path) -> None:
    """`kaoping score --data` reads a folder as an import does: the same numbers from the clerk's spelling."""
    plain = tmp_path / "plain"
    shutil.copytree(APPEARANCE, plain)
    names = {u["unit_id"]: u["name"] for u in csv.DictReader((APPEARANCE / "units.csv").open(encoding="utf-8"))}
    rows = list(csv.DictReader((APPEARANCE / "deductions.csv").open(encoding="utf-8")))
    chinese = {c.name: c.zh for c in FILES["deductions"]}
    spelled = tmp_path / "spelled"
    shutil.copytree(APPEARANCE, spelled)
    with (spelled / "deductions.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([chinese[c] for c in rows[0]])
        for row in rows:
            row["unit_id"] = names[row["unit_id"]]  # the unit's name
            row["date"] = row["date"].replace("-0", "-").replace("-", "/")  # 2024/7/3
            writer.writerow(row.values())

    def score(folder: Path) -> Any:
        args = ["score", "--scheme", SCHEME, "--period", "2024-07", "--data", str(folder), "--format", "json"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout.replace(str(folder), "DATA"))  # the excluded rows name their file

    assert score(spelled) == score(plain)
