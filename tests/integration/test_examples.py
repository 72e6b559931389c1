"""Every example folder scores without error under its scheme, for every period its data covers.

Each folder in examples/ is named after a built-in scheme.  The periods to score are found from the data
itself (the periods in scores.csv and ranks.csv, the months of the dates in the other files), for every
period kind the scheme evaluates — so a new example is checked as soon as it is added.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from examples_testing import FOLDERS, covered_periods
from kaoping.cli import app
from kaoping.io.readers import read_facts
from kaoping.scheme import builtin_names, load_scheme


def test_every_example_folder_is_a_builtin_scheme() -> None:
    assert FOLDERS, "no example folders"
    assert {p.name for p in FOLDERS} <= set(builtin_names())


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_example_scores_for_every_period_it_covers(folder: Path) -> None:
    scheme = load_scheme(folder.name)
    periods = covered_periods(read_facts(folder), list(scheme.periods))
    assert periods, f"{folder.name}: no data"
    runner = CliRunner()
    for period in periods:
        result = runner.invoke(app, ["score", "--scheme", folder.name, "--data", str(folder), "--period", str(period)])
        assert result.exit_code == 0, f"{folder.name} {period}: {result.stderr}"
        doc = json.loads(result.stdout)
        assert doc["period"] == str(period)
        for group in doc["groups"]:
            ranks = [u["rank"] for u in group["ranking"]]
            assert ranks == sorted(ranks) and (not ranks or ranks[0] == 1)


def test_schemes_command_lists_every_builtin() -> None:
    result = CliRunner().invoke(app, ["schemes"])
    assert result.exit_code == 0
    lines = [ln for ln in result.stdout.splitlines() if ln.strip()]
    assert len(lines) == len(builtin_names())
    for name in builtin_names():
        assert any(ln.startswith(name) for ln in lines), name


def test_demo_prints_both_groups(tmp_path: Path) -> None:
    """`kaoping demo --no-serve` builds the demo city's database and prints a quarter's ranking."""
    demo_db = tmp_path / "demo.db"
    result = CliRunner().invoke(app, ["demo", "--no-serve", "--db", str(demo_db), "--cases", "500"])
    assert result.exit_code == 0, result.stderr
    assert "城区组" in result.stdout and "县市组" in result.stdout
    assert "金川新区" in result.stdout
