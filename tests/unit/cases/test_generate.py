"""The synthetic case generator: deterministic, realistic shares, handbook deadlines, readable output; CLI."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from kaoping.cases.calendar import WorkCalendar
from kaoping.cases.generate import CASE_COLUMNS, CaseDraw, build_city, generate_cases, summary, uniforms, write_dataset
from kaoping.cases.handbook import deadline_for, load_handbook
from kaoping.cases.levels import REGION_TIERS, metrics_by_level
from kaoping.commands import cases_cmds
from kaoping.errors import InputErrors
from kaoping.io.case_levels import read_level_cases
from kaoping.io.readers import read_facts
from kaoping.periods import parse_period

BOOK = load_handbook()
CITY = build_city(30, BOOK)
CAL = WorkCalendar.china(range(2024, 2027))
CASES = generate_cases(CaseDraw(20_000, 2024, seed=7, calendar=CAL), CITY, BOOK)


def test_same_seed_same_cases_other_seed_other_cases() -> None:
    again = generate_cases(CaseDraw(20_000, 2024, seed=7, calendar=CAL), CITY, BOOK)
    assert CASES.equals(again)
    assert not CASES.equals(generate_cases(CaseDraw(20_000, 2024, seed=8, calendar=CAL), CITY, BOOK))
    assert CASES.columns == list(CASE_COLUMNS)


def splitmix(seed: int, stream: int, row: int) -> int:
    """Reference SplitMix64 in plain Python integers (what uniforms computes column-wise)."""
    mask = (1 << 64) - 1
    z = (row * 0x9E3779B97F4A7C15 + ((seed * 0xD1B54A32D192ED03 + (stream + 1) * 0x2545F4914F6CDD1D) & mask)) & mask
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    return z ^ (z >> 31)


def test_uniforms_are_splitmix64_in_integer_arithmetic() -> None:
    # integers only (no Polars hash, no float maths before the last step): the same on every machine and version
    u = uniforms(5, 42, ["a", "b", "c"])
    for row in range(5):
        first, second = splitmix(42, 0, row + 1), splitmix(42, 1, row + 1)
        assert u["a"][row] == ((first >> 32) + 0.5) / 2**32
        assert u["b"][row] == ((first & 0xFFFFFFFF) + 0.5) / 2**32
        assert u["c"][row] == ((second >> 32) + 0.5) / 2**32


def test_realistic_shares() -> None:
    s = summary(CASES)
    assert 0.94 < s["registered"] < 0.98
    assert 0.90 < s["closed"] < 0.95
    assert 0.71 < s["closed_on_time"] < 0.79
    assert 0.04 < s["rework"] < 0.09 and 0.015 < s["postponed"] < 0.045
    top = CASES.group_by("category").len().sort("len", descending=True)["category"].head(3).to_list()
    assert "暴露垃圾" in top and "非法小广告" in top
    assert (CASES["reported_at"].dt.year() == 2024).all()


def test_units_and_deadlines_come_from_the_handbook() -> None:
    units = set(CITY.units["unit_id"])
    dispatched = CASES.filter(pl.col("dispatched_at").is_not_null())
    assert set(dispatched["unit_id"]) <= units
    sample = dispatched.filter(pl.col("postponed") == 0).head(300)
    for row in sample.iter_rows(named=True):
        rule = BOOK.rule_for(row["category"], (row["street"], row["district"]), row["kind"])
        assert row["unit_id"] == rule.unit_for(row["street"], row["district"])
        expected = deadline_for(BOOK, CAL, row["category"], (row["street"], row["district"]), row["dispatched_at"],
                                row["kind"])  # fmt: skip
        assert row["deadline"] == expected, row


def test_lifecycle_order_holds() -> None:
    c = CASES
    assert (c["registered_at"] >= c["reported_at"]).all()
    assert (c["dispatched_at"] >= c["registered_at"]).all()
    assert (c["closed_at"] > c["disposed_at"]).all()
    assert c.filter(pl.col("registered_at").is_null())["dispatched_at"].is_null().all()
    assert (c["verify_failed"] == c["rework_count"]).all()
    assert c.filter(pl.col("source") == "public")["reporter"].is_null().all()


def test_too_few_units() -> None:
    with pytest.raises(ValueError, match="--units must be at least 12"):
        build_city(11, BOOK)


def test_output_reads_with_read_facts_and_the_level_columns(tmp_path: Path) -> None:
    _, frame = write_dataset(tmp_path, CaseDraw(3_000, 2024, seed=3), units=20)
    facts = read_facts(tmp_path)  # no InputErrors: the interchange columns are valid
    assert facts.cases.height == 3_000 and facts.units.height == 20
    back = read_level_cases(tmp_path).drop("_row")
    assert back.select(CASE_COLUMNS).equals(frame.select(CASE_COLUMNS))


def test_bad_level_column_values_are_reported_by_row(tmp_path: Path) -> None:
    write_dataset(tmp_path, CaseDraw(50, 2024), units=15)
    path = tmp_path / "cases.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[3].split(",")
    cells[header.index("source")] = "radio"
    cells[header.index("registered_at")] = "yesterday"
    lines[3] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputErrors) as info:
        read_level_cases(tmp_path)
    text = str(info.value)
    assert "cases.csv，第 4 行，列“registered_at”：'yesterday' is not a time" in text
    assert "第 4 行，列“source”：'radio' is not a source" in text


def test_counts_add_up_across_levels_on_generated_cases() -> None:
    tables = metrics_by_level(CASES, parse_period("2024-Q2"), calendar=CAL)
    totals = {level: t.select(pl.exclude("level", "key", *REGION_TIERS).sum()).row(0, named=True)
              for level, t in tables.items()}  # fmt: skip
    for count in ("上报数", "立案数", "应结案数", "结案数"):
        seen = {totals[lv][count] for lv in totals if count in totals[lv]}
        assert len(seen) == 1, (count, seen)
    assert totals["registrar"]["受理数"] == totals["grid"]["上报数"]


# --- CLI ---------------------------------------------------------------------------------------------


def cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """test root"""

    cases_cmds.register(app)
    return app


def test_cli_generate_metrics_check_bench(tmp_path: Path) -> None:
    runner = CliRunner()
    app = cli()
    out = tmp_path / "demo"
    done = runner.invoke(app, ["cases", "generate", "--units", "20", "--cases", "2000", "--year", "2024",
                               "--out", str(out), "--seed", "5"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert (out / "cases.csv").is_file() and (out / "units.csv").is_file()
    shown = runner.invoke(app, ["cases", "metrics", "--data", str(out), "--period", "2024-Q1", "--level", "department",
                                "--format", "json"])  # fmt: skip
    assert shown.exit_code == 0, shown.output
    doc = json.loads(shown.stdout)
    rows = doc["levels"]["department"]
    assert doc["period"] == "2024-Q1" and rows and {"结案率", "综合指标值", "等级"} <= set(rows[0])
    table = runner.invoke(app, ["cases", "metrics", "--data", str(out), "--period", "2024", "--level", "region"])
    assert table.exit_code == 0 and "区 (district)" in table.stdout and "网格 (grid)" in table.stdout
    assert runner.invoke(app, ["cases", "check"]).exit_code == 0
    bench = runner.invoke(app, ["cases", "bench", "--cases", "3000", "--units", "20", "--repeat", "1"])
    assert bench.exit_code == 0 and "× 基准" in bench.stdout


def test_cli_refuses_bad_weights_and_levels(tmp_path: Path) -> None:
    runner = CliRunner()
    app = cli()
    out = tmp_path / "d"
    write_dataset(out, CaseDraw(200, 2024), units=15)
    bad = tmp_path / "seventy.yaml"
    bad.write_text("levels:\n  department: {按期处置率: 40, 结案率: 30}\n", encoding="utf-8")
    result = runner.invoke(app, ["cases", "metrics", "--data", str(out), "--period", "2024", "--level", "department",
                                 "--indicators", str(bad)])  # fmt: skip
    assert result.exit_code == 2 and "weights add up to 70%, expected 100%" in result.output
    result = runner.invoke(app, ["cases", "metrics", "--data", str(out), "--period", "2024", "--level", "ward"])
    assert result.exit_code == 2 and "“ward”不是 region、department、post" in result.output
    result = runner.invoke(app, ["cases", "check", "--indicators", str(bad)])
    assert result.exit_code == 2
