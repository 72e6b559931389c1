"""The Parquet tree of `kaoping export --parquet`: hive folders per kind, city and month, the contract's
columns and dtypes in every file, a city replaced as a whole on re-export, other cities left alone."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.cli import app
from kaoping.facts.columns import FILES, ROW, SCHEMAS
from kaoping.rollup.parquet_tree import TreeError, check_city, cities, scan_kind, write_city

runner = CliRunner()


def _store(tmp_path: Path, name: str, example: str) -> str:
    url = f"sqlite:///{tmp_path / name}.db"
    result = runner.invoke(app, ["import", str(EXAMPLES / example), "--db", url])
    assert result.exit_code == 0, result.stderr
    return url


def test_export_writes_one_typed_file_per_kind_city_and_month(tmp_path: Path) -> None:
    url = _store(tmp_path, "xa", "district-performance")
    tree = tmp_path / "tree"
    result = runner.invoke(app, ["export", "--parquet", str(tree), "--db", url])
    assert result.exit_code == 0, result.stderr
    assert "城市 xa" in result.stderr  # the code defaults to the database's name
    assert (tree / "units" / "city=xa" / "part-0.parquet").is_file()
    case_months = sorted(p.name for p in (tree / "cases" / "city=xa").iterdir())
    assert case_months and all(m.startswith("month=20") for m in case_months)
    for kind in ("cases", "scores", "ranks"):
        for file in (tree / kind / "city=xa").glob("month=*/part-0.parquet"):
            assert pl.read_parquet(file).schema == pl.Schema({c.name: SCHEMAS[kind][c.name] for c in FILES[kind]})
    cases = scan_kind(tree, "cases").collect()
    raw = pl.read_csv(EXAMPLES / "district-performance" / "cases.csv", infer_schema=False)
    assert cases.height == raw.height and set(cases.get_column("city")) == {"xa"}
    assert cases.columns == ["city", *[c for c in SCHEMAS["cases"] if c != ROW], ROW]


def test_cases_are_placed_by_their_dispatch_month(tmp_path: Path) -> None:
    url = _store(tmp_path, "xa", "district-performance")
    tree = tmp_path / "tree"
    assert runner.invoke(app, ["export", "--parquet", str(tree), "--db", url]).exit_code == 0
    for file in (tree / "cases" / "city=xa").glob("month=*/part-0.parquet"):
        month = file.parent.name.removeprefix("month=")
        when = pl.read_parquet(file).select(pl.coalesce("dispatched_at", "reported_at").dt.strftime("%Y-%m"))
        assert set(when.to_series()) == {month}


def test_many_cities_share_a_tree_and_a_city_is_replaced_whole(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    for city in ("xa", "bj"):
        url = _store(tmp_path, city, "district-performance")
        assert runner.invoke(app, ["export", "--parquet", str(tree), "--db", url, "--city", city]).exit_code == 0
    assert cities(tree) == ["bj", "xa"]
    write_city(tree, "bj", {"cases": pl.DataFrame(schema=SCHEMAS["cases"])})  # bj's cases all deleted
    assert not (tree / "cases" / "city=bj").exists()
    assert (tree / "cases" / "city=xa").is_dir() and (tree / "units" / "city=bj").is_dir()
    assert not [p for p in (tree / "cases").iterdir() if p.name.startswith(".")]


def test_a_city_code_must_be_a_folder_name(tmp_path: Path) -> None:
    with pytest.raises(TreeError, match="城市代码"):
        check_city("../x")
    url = _store(tmp_path, "xa", "district-performance")
    result = runner.invoke(app, ["export", "--parquet", str(tmp_path / "t"), "--db", url, "--city", "西 安"])
    assert result.exit_code == 2 and "--city" in result.stderr
