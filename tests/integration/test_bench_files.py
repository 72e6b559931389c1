"""`kaoping bench --files` runs end to end on a small synthetic city and reports every figure and ratio."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.io import read_facts


def test_bench_files_writes_a_valid_city_and_prints_the_ratios(tmp_path: Path) -> None:
    folder = tmp_path / "city"
    result = CliRunner().invoke(app, ["bench", "--files", "--cases", "2000", "--repeat", "1", "--out", str(folder)])
    assert result.exit_code == 0, result.output
    for step in ("read", "score", "csv", "duckdb", "xlsx", "openpyxl"):
        assert f"│ {step:>8} │" in result.stdout.replace("┃", "│")
    for ratio in ("score end to end / DuckDB", "read / Python csv loop", "calamine reader / openpyxl reader"):
        assert ratio in result.stdout
    facts = read_facts(folder)  # the synthetic city is valid interchange data
    assert (facts.units.height, facts.cases.height, facts.deductions.height) == (200, 2000, 400)
    assert facts.scores.height == 49_200
    assert read_facts(folder / "cases-100k.xlsx").cases.height == 2000
