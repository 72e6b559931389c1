"""`kaoping score` as a user runs it: the pinned JSON, xlsx in and out, --explain, and exit 2 on bad input.

Bad input must give exit status 2, a message naming file, row and column, and no result on stdout —
checked here for a malformed row in each of the seven interchange files and for rows that only the
scheme can reject (unknown unit, part, item, out-of-range score, wrong period kind).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.cli import app

CITY = EXAMPLES / "city-1000"
runner = CliRunner()


def score(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["score", *args])
    return result.exit_code, result.stdout, result.stderr


def city_q2(data: Path = CITY, *extra: str) -> tuple[int, str, str]:
    return score("--scheme", "city-1000", "--data", str(data), "--period", "2024-Q2", *extra)


def test_console_script_prints_pinned_json() -> None:
    exe = Path(sys.executable).parent / "kaoping"
    run = subprocess.run(
        [str(exe), "score", "--scheme", "city-1000", "--data", str(CITY), "--period", "2024-Q2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert [g["group"] for g in doc["groups"]] == ["第一组", "第二组"]
    top = doc["groups"][0]["ranking"][0]
    assert (top["rank"], top["unit_id"], top["total"], top["bonus"], top["reward"]) == (1, "d1", 913.0, 3.0, 1000000)
    assert [u["rank"] for u in doc["groups"][0]["ranking"]] == [1, 2, 2, 4, 5]


def test_xlsx_workbook_input_gives_the_same_json(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for csv_file in sorted(CITY.glob("*.csv")):
        sheet = book.create_sheet(csv_file.stem)
        for line in csv_file.read_text(encoding="utf-8").splitlines():
            sheet.append(line.split(","))
    path = tmp_path / "city.xlsx"
    book.save(path)
    code, out, err = city_q2(path)
    assert code == 0, err
    assert json.loads(out) == json.loads(city_q2()[1])


def test_xlsx_output(tmp_path: Path) -> None:
    out = tmp_path / "排名.xlsx"
    code, stdout, err = city_q2(CITY, "--format", "xlsx", "--out", str(out))
    assert code == 0, err
    assert stdout == ""
    book = openpyxl.load_workbook(out, read_only=True)
    rows = list(book["第一组"].iter_rows(values_only=True))
    assert rows[0][:3] == ("名次", "单位编号", "单位")
    assert rows[1][0:3] == (1, "d1", "甲区")
    header = list(rows[0])
    assert rows[5][header.index("总分")] == pytest.approx(850.33)
    assert rows[5][header.index("标记")] == "末位表态发言、公开说明原因"  # names; the codes are in the JSON


def test_explain_json_cites_rows() -> None:
    code, out, err = city_q2(CITY, "--explain", "d1", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["unit_id"] == "d1" and doc["total"] == 913.0
    cited = {(ln["file"].rsplit("/", 1)[-1], r) for ln in doc["lines"] for r in ln["rows"]}
    assert ("scores.csv", 2) in cited and ("honors.csv", 4) in cited


def test_unsupported_period_exits_2() -> None:
    code, out, err = score("--scheme", "city-1000", "--data", str(CITY), "--period", "2024-05")
    assert code == 2 and out == ""
    assert "是月度考评期" in err


GOOD_ROWS = {
    "notices.csv": ("problem_id,unit_id,notified_on,rectified_on", "p1,d1,2024-04-02,"),
    "cases.csv": (
        "case_id,unit_id,kind,category,reported_at,dispatched_at,deadline,disposed_at,closed_at,rework_count",
        "k1,d1,event,暴露垃圾,2024-04-01 09:00,2024-04-01 09:30,2024-04-01 13:30,,,0",
    ),
    "ranks.csv": ("period,unit_id,task,rank", "2024-04,d1,环卫一体化,2"),
    "deductions.csv": ("date,unit_id,part,item,points", ""),
}

# file, a bad row to append (it becomes the file's last row), the column the message must name
BAD_ROWS = [
    ("units.csv", "d9,新区,第一组,maybe", "reward_eligible"),
    ("scores.csv", "2024-13,d1,第三方测评,,480,第三方机构,", "period"),
    ("scores.csv", "2024-04,d1,第三方测评,,abc,第三方机构,", "score"),
    ("deductions.csv", "2024-02-30,d1,第三方测评,x,1", "date"),
    ("honors.csv", "2024-04-01,d1,award,city,市级表彰", "level"),
    ("notices.csv", "p2,d1,2024/04/31,", "notified_on"),
    ("cases.csv", "k2,d1,thing,暴露垃圾,2024-04-01 09:00,,,,,0", "kind"),
    ("ranks.csv", "2024-04,d1,环卫一体化,first", "rank"),
    # a second row with the natural key of one before it (issue 14: counted twice, a case raised a score)
    ("notices.csv", "p1,d1,2024-04-02,2024-04-03", "problem_id"),
    ("cases.csv", GOOD_ROWS["cases.csv"][1], "case_id"),
    # rows only the scheme can reject
    ("scores.csv", "2024-04,d404,第三方测评,,480,第三方机构,", "unit_id"),
    ("scores.csv", "2024-Q2,d1,领导评价,,10,,", "part"),
    ("scores.csv", "2024-Q2,d1,部门考评,杆线治理X,10,,", "item"),
    ("scores.csv", "2024-Q2,c1,部门考评,杆线治理,10,,", "item"),  # a 第一组 item for a 第二组 unit
    ("scores.csv", "2024-04,d1,第三方测评,,501,第三方机构,", "score"),
    ("scores.csv", "2024-Q2,d1,第三方测评,,480,第三方机构,", "period"),  # monthly part given a quarter
    ("units.csv", "d9,新区,第三组,是", "group"),
    ("honors.csv", "2024-04-01,x1,award,national,全国表彰", "unit_id"),
]


@pytest.mark.parametrize(
    ("file", "bad", "column"), BAD_ROWS, ids=[f"{f}:{c}:{i}" for i, (f, _, c) in enumerate(BAD_ROWS)]
)
def test_bad_row_exits_2_naming_file_row_and_column(tmp_path: Path, file: str, bad: str, column: str) -> None:
    data = tmp_path / "data"
    shutil.copytree(CITY, data)
    target = data / file
    if not target.exists():
        header, good = GOOD_ROWS[file]
        target.write_text(header + "\n" + (good + "\n" if good else ""), encoding="utf-8")
    text = target.read_text(encoding="utf-8")
    target.write_text(text.rstrip("\n") + "\n" + bad + "\n", encoding="utf-8")
    row = len(target.read_text(encoding="utf-8").splitlines())  # header is row 1, so the last line's number
    code, out, err = city_q2(data)
    assert code == 2, err
    assert out == ""
    flat = " ".join(err.split())
    assert f"{file}，第 {row} 行，列“{column}”" in flat, err


def _scheme_with_formula(tmp_path: Path, formula: str) -> Path:
    from kaoping.scheme.loader import builtin_text

    text = (builtin_text("appearance-management") or "").replace(
        "min(100, 建成区绿化覆盖率 * 100 / 40)", json.dumps(formula, ensure_ascii=False)
    )
    path = tmp_path / "green.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_formula_failing_on_a_units_numbers_exits_2_naming_part_formula_and_unit(tmp_path: Path) -> None:
    """Loads (fine for 0, 1 and 100), but b1's 42 gives 10^13: bad input, not a crash or an infinite score."""
    scheme = _scheme_with_formula(tmp_path, "10 ** (13 * (建成区绿化覆盖率 == 42))")
    data = EXAMPLES / "appearance-management"
    code, out, err = score("--scheme", str(scheme), "--data", str(data), "--period", "2024-Q1")
    assert code == 2, err
    assert out == ""
    flat = " ".join(err.split())
    assert "部分 绿化覆盖率 的公式无法计算（单位 b1）" in flat and "结果超出范围" in flat, err


@pytest.mark.parametrize(
    "formula", ["建成区绿化覆盖率 ** 建成区绿化覆盖率 ** 建成区绿化覆盖率", "[建成区绿化覆盖率]", "min", "x" * 600]
)
def test_formula_crashers_exit_2_at_load(tmp_path: Path, formula: str) -> None:
    scheme = _scheme_with_formula(tmp_path, formula)
    data = EXAMPLES / "appearance-management"
    code, out, err = score("--scheme", str(scheme), "--data", str(data), "--period", "2024-Q1")
    assert (code, out) == (2, ""), err
    assert "parts[1] (绿化覆盖率).formula" in " ".join(err.split()), err
    assert "Traceback" not in err


def test_xlsx_sheet_names_are_made_fit_for_excel(tmp_path: Path) -> None:
    """Group names Excel refuses as sheet names (/, [, more than 31 characters, equal but for case) are fine in
    a scheme: the workbook makes them fit (a crash in XlsxWriter before, after the ranking was computed)."""
    from kaoping.scheme.loader import builtin_text

    first, second = "城区/街道[一]", "Group " + "X" * 40
    text = (builtin_text("appearance-management") or "").replace(
        "  - name: 各区",
        f"  - name: {json.dumps(first, ensure_ascii=False)}\n  - name: {second}\n  - name: {second.lower()}",
    )
    scheme = tmp_path / "groups.yaml"
    scheme.write_text(text, encoding="utf-8")
    data = tmp_path / "data"
    shutil.copytree(EXAMPLES / "appearance-management", data)
    units = (data / "units.csv").read_text(encoding="utf-8").splitlines()
    groups = [first, second, second.lower()]
    units[1:] = [line.replace("各区", groups[min(i, 2)]) for i, line in enumerate(units[1:])]
    (data / "units.csv").write_text("\n".join(units) + "\n", encoding="utf-8")
    out = tmp_path / "book.xlsx"
    code, _, err = score(
        "--scheme", str(scheme), "--data", str(data), "--period", "2024-Q1", "--format", "xlsx", "--out", str(out)
    )
    assert code == 0, err
    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert names == ["城区_街道_一_", "Group " + "X" * 25, "group " + "x" * 21 + " (2)"]


LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (LAUGHS.encode(), "别名展开过多"),
        (b"notes: " + b"[" * 5000 + b"]" * 5000 + b"\n", "嵌套层数过多"),
        (b"#" * 300_000, "方案文件过大"),
        ("scheme: 测试".encode("gb18030"), "UTF-8"),
        (b"total_max: " + b"9" * 5000, "4300 digits"),
    ],
    ids=["billion-laughs", "deep-nesting", "too-big", "not-utf8", "5000-digits"],
)
def test_scheme_files_beyond_bounds_exit_2_with_a_message(tmp_path: Path, content: bytes, why: str) -> None:
    scheme = tmp_path / "bad.yaml"
    scheme.write_bytes(content)
    code, out, err = score("--scheme", str(scheme), "--data", str(CITY), "--period", "2024-Q2")
    assert (code, out) == (2, ""), err
    assert why in " ".join(err.split()) and "Traceback" not in err, err
