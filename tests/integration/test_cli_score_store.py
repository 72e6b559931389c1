"""`kaoping score` as a newcomer meets it: the store named by KAOPING_DATABASE_URL, a store that is not
there (refused, never created), and a ranking table read in an 80-column terminal.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.cli import app

CITY = EXAMPLES / "city-1000"
Q2 = ("--scheme", "city-1000", "--period", "2024-Q2")


def score(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["score", *args], env=env)
    assert result.exit_code == 0 or isinstance(result.exception, SystemExit), result.exception  # no traceback
    return result.exit_code, result.stdout, result.stderr


def rankings(doc: str) -> list[list[tuple[str, float, int]]]:
    return [[(u["unit_id"], u["total"], u["reward"]) for u in g["ranking"]] for g in json.loads(doc)["groups"]]


@pytest.fixture
def city_store(tmp_path: Path) -> str:
    """A store holding the city-1000 example, imported as an office would."""
    url = f"sqlite:///{tmp_path / 'office.db'}"
    result = CliRunner().invoke(app, ["import", str(CITY), "--db", url, "--actor", "test"])
    assert result.exit_code == 0, result.output
    return url


def test_score_reads_the_store_named_by_the_environment(city_store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAOPING_DATABASE_URL", city_store)
    code, out, err = score(*Q2)
    assert code == 0, err
    assert rankings(out) == rankings(score(*Q2, "--data", str(CITY))[1])
    assert rankings(out)[0][0] == ("d1", 913.0, 1_000_000)


@pytest.mark.parametrize("how", ["--db", "environment", "default"])
def test_a_store_that_is_not_there_is_named_and_not_created(
    how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KAOPING_DATABASE_URL", raising=False)
    missing = tmp_path / ("kaoping.db" if how == "default" else "no-such.db")
    if how == "--db":
        code, out, err = score(*Q2, "--db", f"sqlite:///{missing}")
    else:
        if how == "environment":
            monkeypatch.setenv("KAOPING_DATABASE_URL", f"sqlite:///{missing}")
        code, out, err = score(*Q2)
    assert code == 2 and out == ""
    assert str(missing) in err and "不存在" in err and "--data" in err
    assert list(tmp_path.iterdir()) == []  # no empty database left behind to be scored the next time


def test_a_file_without_the_stores_tables_is_refused_untouched(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    code, out, err = score(*Q2, "--db", f"sqlite:///{empty}")
    assert code == 2 and out == ""
    assert "不是考评数据库" in err
    assert empty.stat().st_size == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]


def test_data_and_db_together_are_refused(city_store: str) -> None:
    code, out, err = score(*Q2, "--data", str(CITY), "--db", city_store)
    assert code == 2 and out == "" and "--data" in err and "--db" in err


def test_money_is_whole_in_an_80_column_terminal() -> None:
    doc = json.loads(score(*Q2, "--data", str(CITY))[1])
    code, table, err = score(*Q2, "--data", str(CITY), "--format", "table", env={"COLUMNS": "80"})
    assert code == 0, err
    assert "…" not in table
    assert max(cell_len(line) for line in table.splitlines()) <= 80
    amounts = [u["reward"] for g in doc["groups"] for u in g["ranking"] if u["reward"]]
    assert len(amounts) >= 8 and 1_000_000 in amounts and -1_000_000 in amounts
    for amount in amounts:
        assert f"{amount:+,}" in table, amount
    for g in doc["groups"]:
        for u in g["ranking"]:
            assert f"{u['total']:.2f}" in table and u["unit"] in table, u
    assert "终端太窄" not in table  # 80 columns hold its three parts


def test_a_ranking_too_wide_for_80_columns_leaves_out_parts_and_says_which() -> None:
    args = ("--scheme", "general-performance", "--data", str(EXAMPLES / "general-performance"))
    doc = json.loads(score(*args, "--period", "2024-Q2")[1])
    code, table, err = score(*args, "--period", "2024-Q2", "--format", "table", env={"COLUMNS": "80"})
    assert code == 0, err
    assert "…" not in table and max(cell_len(line) for line in table.splitlines()) <= 80
    parts = list(doc["groups"][0]["ranking"][0]["parts"])
    note = next(line for line in table.splitlines() if line.startswith("终端太窄"))
    assert parts[-1] in note and parts[0] not in note
    for u in doc["groups"][0]["ranking"]:
        assert f"{u['total']:.2f}" in table
