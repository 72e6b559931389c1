"""`kaoping check` (issue 19, point 5): a scheme, and a data folder against it, checked without scoring.

Exit 0 and a short Chinese confirmation when both are fine; exit 2 with every problem — the scheme's with
their fix, the data's with file, row and column — in Chinese, or in English with ``--lang en``; nothing on
stdout then.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.cli import app
from kaoping.scheme import builtin_names

CITY = EXAMPLES / "city-1000"
runner = CliRunner()

SCHEME = """scheme: t
title: 测试方案
periods: {month: {}}
groups: [{name: 第一组}]
parts:
  - {name: 日常检查, weight: 60, max: 100, source: scores}
  - {name: 定期暗查, weight: 40, max: 100, source: scores}
rewards: {tiers: {第一组: {top: [10万], bottom: [30万]}}}
"""


def check(*args: str, lang: str = "") -> tuple[int, str, str]:
    result = runner.invoke(app, ["check", *args], env={"KAOPING_LANG": lang})
    return result.exit_code, result.stdout, " ".join(result.stderr.split())


def test_a_builtin_scheme_and_its_example_data_are_fine() -> None:
    code, out, err = check("--scheme", "city-1000", "--data", str(CITY))
    assert (code, err) == (0, "")
    assert "方案 city-1000 无误：202*年度城市管理综合考评工作方案（2 个组，3 个部分）" in out
    assert f"数据 {CITY} 符合方案：units.csv 10 行、scores.csv 81 行、honors.csv 7 行" in " ".join(out.split())


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_scheme_checks(name: str) -> None:
    code, out, err = check("--scheme", name)
    assert code == 0, err
    assert f"方案 {name} 无误" in out


def test_a_scheme_with_traps_exits_2_with_each_fix(tmp_path: Path) -> None:
    path = tmp_path / "方案.yaml"
    path.write_text(SCHEME, encoding="utf-8")
    code, out, err = check("--scheme", str(path))
    assert (code, out) == (2, "")
    assert f"错误：方案 {path} 有误：" in err
    assert "日常检查、定期暗查 写了 weight，但文件顶层没有 combine: weighted（现为 sum）" in err
    assert "请在文件顶层写 combine: weighted，或删去 weight" in err
    assert "bottom 是处罚（倒数第 1 名），金额应为负数，现为 300000" in err and "请写作 -300000（也可写 -30万）" in err


def test_the_same_in_english(tmp_path: Path) -> None:
    path = tmp_path / "scheme.yaml"
    path.write_text(SCHEME, encoding="utf-8")
    code, out, err = check("--scheme", str(path), "--lang", "en")
    assert (code, out) == (2, "")
    assert f"error: invalid scheme {path}:" in err
    assert "Write combine: weighted at the top of the file, or remove weight" in err
    assert "Write -300000 (or -30万)" in err


def test_a_tab_is_said_by_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "tab.yaml"
    path.write_text(SCHEME.replace("  - {name: 定期暗查", "\t- {name: 定期暗查"), encoding="utf-8")
    code, _, err = check("--scheme", str(path))
    assert code == 2
    assert "第 7 行第 1 列是制表符（Tab）：YAML 只能用空格缩进和分隔，请把这个 Tab 换成空格" in err


def test_bad_data_is_said_by_file_row_and_column(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(CITY, data)
    scores = data / "scores.csv"
    lines = scores.read_text(encoding="utf-8").splitlines()
    lines[2] = "2024-Q2,zz9,部门考评,环境卫生管理,abc,市城管局,"
    scores.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = check("--scheme", "city-1000", "--data", str(data))
    assert code == 2 and "方案 city-1000 无误" in out  # the scheme is fine, the data is not
    assert f"错误：数据 {data} 有误（2 处问题）：" in err
    assert f"{scores}，第 3 行，列“score”：“abc”不是数字：应为数字" in err
    assert f"{scores}，第 3 行，列“unit_id”：没有考评对象“zz9”" in err
    code, _, err = check("--scheme", "city-1000", "--data", str(data), lang="en")
    assert code == 2 and f"{scores}, row 3, column 'score': 'abc' is not a number" in err


def test_data_that_only_the_scheme_refuses(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(CITY, data)
    scores = data / "scores.csv"
    scores.write_text(scores.read_text(encoding="utf-8") + "2024-Q2,d1,部门考评,不存在的项目,10,市城管局,\n")
    code, _, err = check("--scheme", "city-1000", "--data", str(data))
    assert code == 2 and f"{scores}，第 83 行，列“item”" in err


def test_a_missing_folder_or_scheme_exits_2(tmp_path: Path) -> None:
    code, _, err = check("--scheme", "city-1000", "--data", str(tmp_path / "无"))
    assert code == 2 and f"--data：找不到数据文件夹或工作簿 {tmp_path / '无'}" in err
    code, _, err = check("--scheme", str(tmp_path / "无.yaml"))
    assert code == 2 and "无.yaml" in err


def test_a_workbook_is_checked_and_its_sheets_named(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for csv_file in sorted(CITY.glob("*.csv")):
        sheet = book.create_sheet(csv_file.stem)
        for line in csv_file.read_text(encoding="utf-8").splitlines():
            sheet.append(line.split(","))
    path = tmp_path / "city.xlsx"
    book.save(path)
    code, out, err = check("--scheme", "city-1000", "--data", str(path))
    assert code == 0 and "符合方案" in out, err
    book["scores"]["E3"] = "abc"
    book.save(path)
    code, _, err = check("--scheme", "city-1000", "--data", str(path))
    assert code == 2 and f"{path}[scores]，第 3 行，列“score”：“abc”不是数字" in err  # [scores] is not markup


def test_score_says_a_scheme_trap_in_the_runs_language(tmp_path: Path) -> None:
    path = tmp_path / "scheme.yaml"
    path.write_text(SCHEME, encoding="utf-8")
    args = ["score", "--scheme", str(path), "--data", str(CITY), "--period", "2024-03"]
    zh = runner.invoke(app, args, env={"KAOPING_LANG": ""})
    assert zh.exit_code == 2 and zh.stdout == ""
    assert f"方案 {path} 有误：" in zh.stderr and "请写作 -300000（也可写 -30万）" in " ".join(zh.stderr.split())
    en = runner.invoke(app, ["--lang", "en", *args])
    assert en.exit_code == 2 and "Write -300000 (or -30万)" in " ".join(en.stderr.split())
