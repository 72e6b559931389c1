"""`kaoping rollup`: the provincial ranking as JSON (the `score` document under ``result``, the metrics
beside it), city names from --cities, and bad input refused with exit 2 before Spark starts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.scheme import builtin_text

runner = CliRunner()


def test_rollup_prints_the_ranking_and_the_metrics(province: tuple[Path, Any], spark: Any, tmp_path: Path) -> None:
    root, cases = province
    names = tmp_path / "cities.csv"
    names.write_text("unit_id,name,group\n" + "".join(f"{c},{c}市,地市\n" for c in sorted(cases)), encoding="utf-8")
    args = ["rollup", "--parquet", str(root), "--period", "2024-Q1", "--master", "local[2]", "--cities", str(names)]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["scheme"] == "province-cases" and doc["period"] == "2024-Q1"
    assert {m["city"] for m in doc["metrics"]} == set(cases)
    ranking = doc["result"]["groups"][0]["ranking"]
    assert [r["rank"] for r in ranking] == sorted(r["rank"] for r in ranking)
    assert {r["unit"] for r in ranking} == {f"{c}市" for c in cases}
    assert "Spark 指标计算" in result.stderr


def test_a_scheme_with_other_parts_is_refused(province: tuple[Path, Any]) -> None:
    root, _ = province
    result = runner.invoke(app, ["rollup", "--parquet", str(root), "--period", "2024-Q2", "--scheme", "city-1000"])
    assert result.exit_code == 2
    assert "省级汇总只能计算 source: cases" in result.stderr


def test_a_tree_without_cities_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["rollup", "--parquet", str(tmp_path), "--period", "2024-Q1"])
    assert result.exit_code == 2 and "没有城市数据" in result.stderr


def test_a_period_the_scheme_does_not_rank_or_an_unknown_group_is_refused(
    province: tuple[Path, Any], tmp_path: Path
) -> None:
    """Both before Spark starts: the checks cost nothing."""
    root, _ = province
    names = tmp_path / "cities.csv"
    names.write_text("unit_id,name,group\nxa,西安市,副省级\n", encoding="utf-8")
    result = runner.invoke(app, ["rollup", "--parquet", str(root), "--period", "2024-Q1", "--cities", str(names)])
    assert result.exit_code == 2 and "副省级" in result.stderr
    quarterly = tmp_path / "quarterly.yaml"
    text = builtin_text("province-cases") or ""
    quarterly.write_text(text.replace("  month: {}\n", "").replace("scheme: province-cases", "scheme: q"), "utf-8")
    result = runner.invoke(app, ["rollup", "--parquet", str(root), "--period", "2024-03", "--scheme", str(quarterly)])
    assert result.exit_code == 2 and "只评 quarter、year" in result.stderr
