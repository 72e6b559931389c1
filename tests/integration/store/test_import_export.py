"""`kaoping export` and `kaoping template` against a store, on SQLite and PostgreSQL alike.

An export imported into an empty store must score exactly as the store it came from; a template must
offer the store's units and the scheme's parts in its drop-down lists.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.app.imports import import_data
from kaoping.cli import app
from kaoping.facts import FILE_NAMES, Facts
from kaoping.io.readers import read_facts
from kaoping.io.templates import sheet_title
from kaoping.store.db import open_store
from kaoping.store.facts import load_facts

CITY = EXAMPLES / "city-1000"
runner = CliRunner()


def invoke(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result


def score(source: str, value: str, scheme: str = "city-1000", period: str = "2024-Q2") -> Any:
    return json.loads(invoke("score", "--scheme", scheme, "--period", period, source, value).stdout)


@pytest.mark.parametrize("target", ["out", "out.xlsx"])
def test_export_reimported_into_an_empty_store_scores_the_same(db_url: str, tmp_path: Path, target: str) -> None:
    source_db = f"sqlite:///{tmp_path / 'source.db'}"
    invoke("import", str(CITY), "--db", source_db)
    invoke("export", str(tmp_path / target), "--db", source_db)
    invoke("import", str(tmp_path / target), "--db", db_url, "--scheme", "city-1000")
    assert score("--db", db_url) == score("--db", source_db) == score("--data", str(CITY))


def rows(facts: Facts, name: str) -> list[dict[str, Any]]:
    """A frame's rows without ``_row``, in an order that does not depend on how they were stored."""
    frame = getattr(facts, name).drop("_row")
    return frame.sort(frame.columns, nulls_last=True).to_dicts()


@pytest.mark.parametrize("example", ["district-performance", "district-onsite", "city-appearance"])
def test_export_holds_every_column_of_the_store(db_url: str, tmp_path: Path, example: str) -> None:
    """Cases (times, postponed), notices (empty dates), ranks and deductions (time of day) come back whole."""
    folder = EXAMPLES / example
    import_data(open_store(db_url), folder, actor="t")
    invoke("export", str(tmp_path / "out"), "--db", db_url)
    exported, original = read_facts(tmp_path / "out"), read_facts(folder)
    for name in FILE_NAMES:
        assert rows(exported, name) == rows(original, name), name
    again = f"sqlite:///{tmp_path / 'again.db'}"
    invoke("import", str(tmp_path / "out"), "--db", again)
    with open_store(db_url)() as a, open_store(again)() as b:
        before, after = load_facts(a), load_facts(b)
    for name in FILE_NAMES:
        assert rows(before, name) == rows(after, name), name


def test_export_to_a_plain_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("keep me")
    result = runner.invoke(app, ["export", str(tmp_path / "x.txt"), "--db", f"sqlite:///{tmp_path / 'k.db'}"])
    assert result.exit_code == 2 and (tmp_path / "x.txt").read_text() == "keep me"


def test_template_lists_the_store_units_and_the_scheme_parts(db_url: str, tmp_path: Path) -> None:
    import_data(open_store(db_url), CITY, actor="t")
    invoke("template", str(tmp_path / "t.xlsx"), "--db", db_url, "--scheme", "city-1000")
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == [sheet_title(name) for name in FILE_NAMES]  # Chinese, as the import reads them
    rules = {
        (ws.title, str(dv.sqref)): dv.formula1 for ws in book.worksheets for dv in ws.data_validations.dataValidation
    }
    assert rules[("考评得分", "B2:B1048576")] == '"c1,c2,c3,c4,d1,d2,d3,d4,d5,s1"'  # unit_id
    assert rules[("表彰与通报批评", "B2:B1048576")] == rules[("考评得分", "B2:B1048576")]
    assert rules[("考评得分", "C2:C1048576")] == '"部门考评,社会评价,第三方测评"'  # part
    assert rules[("考评对象", "C2:C1048576")] == '"第一组,第二组"'  # group
    assert rules[("表彰与通报批评", "C2:C1048576")] == '"表彰,通报批评"'


def test_template_needs_an_xlsx_name_and_a_known_scheme(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'k.db'}"
    assert runner.invoke(app, ["template", str(tmp_path / "t.csv"), "--db", db]).exit_code == 2
    result = runner.invoke(app, ["template", str(tmp_path / "t.xlsx"), "--db", db, "--scheme", "no-such"])
    assert result.exit_code == 2 and not (tmp_path / "t.xlsx").exists()
