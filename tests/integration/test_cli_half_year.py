"""`kaoping score --period 2024-H1` as a user runs it: a half-yearly scheme (半年考评) from CSV files written
with Chinese period spellings, the JSON and the table; a scheme without half-years refuses one by name."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.cli import app

runner = CliRunner()

SCHEME = """scheme: half-test
title: 半年考评测试
periods: {quarter: {}, half: {from: quarter, combine: mean}}
groups: [{name: 甲组}]
parts: [{name: 测评, max: 100, source: scores, items: none}]
"""


def _files(tmp_path: Path) -> tuple[Path, Path]:
    scheme = tmp_path / "half.yaml"
    scheme.write_text(SCHEME, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "units.csv").write_text("unit_id,name,group,reward_eligible\na,甲街道,甲组,是\nb,乙街道,甲组,是\n")
    # a: Q1 80, Q2 90 → H1 (80 + 90) / 2 = 85;  b: Q1 95 only (Q2 not rated) → H1 95.  b 1st, a 2nd.
    (data / "scores.csv").write_text(
        "period,unit_id,part,item,score\n2024年第一季度,a,测评,,80\n2024-Q2,a,测评,,90\n2024Q1,b,测评,,95\n",
        encoding="utf-8",
    )
    return scheme, data


def test_score_a_half_year_prints_its_ranking_as_json_and_table(tmp_path: Path) -> None:
    scheme, data = _files(tmp_path)
    got = runner.invoke(app, ["score", "--scheme", str(scheme), "--data", str(data), "--period", "2024年上半年"])
    assert got.exit_code == 0, got.stderr
    doc = json.loads(got.stdout)
    assert doc["period"] == "2024-H1"
    assert [(u["unit_id"], u["rank"], u["total"]) for u in doc["groups"][0]["ranking"]] == [("b", 1, 95), ("a", 2, 85)]
    table = runner.invoke(
        app, ["score", "--scheme", str(scheme), "--data", str(data), "--period", "2024-H1", "--format", "table"]
    )
    assert table.exit_code == 0, table.stderr
    assert "乙街道" in table.stdout and "85" in table.stdout


def test_a_half_year_asked_of_a_quarterly_scheme_exits_2_naming_the_kinds(tmp_path: Path) -> None:
    city = str(EXAMPLES / "city-1000")
    got = runner.invoke(app, ["score", "--scheme", "city-1000", "--data", city, "--period", "2024-H1"])
    assert got.exit_code == 2
    assert "方案 city-1000 只评季度、年度考评期，2024-H1 是半年度考评期" in got.stderr
    english = runner.invoke(
        app, ["score", "--scheme", "city-1000", "--data", city, "--period", "2024-H1"], env={"KAOPING_LANG": "en"}
    )
    assert english.exit_code == 2
    assert "evaluates quarter, year periods; 2024-H1 is a half" in english.stderr
    bad = runner.invoke(app, ["score", "--scheme", "city-1000", "--data", city, "--period", "2024-H3"])
    assert bad.exit_code == 2 and "YYYY-Hn" in bad.stderr
