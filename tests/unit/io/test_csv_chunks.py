"""A CSV file read in chunks holds the cells, and numbers the rows, as the file read whole (issue 13)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from kaoping.errors import ErrorLog, InputError
from kaoping.io.sources import RawTable, csv_chunks, open_csv, read_csv_table
from kaoping.io.validate import validate

TEXT = (
    "\ufeffperiod,unit_id,part,item,score,extra\n"
    "2024-Q2,d1,部门考评,,140,x\n"
    "\n"
    '2024-Q2,d2,"部门\n考评",,abc\n'
    "2024-Q2,d3,部门考评,,,1,2,3\n"
    "2024-13,d4,部门考评,,5,\n"
    ",,,,,\n"
    "2024-Q2,,部门考评,,7,\n"
)


def _tables(path: Path, rows: int) -> list[RawTable]:
    head = open_csv(path, "scores.csv", None)
    assert not isinstance(head, InputError)
    out = list(csv_chunks(head, rows))
    assert all(isinstance(t, RawTable) for t in out)
    return [t for t in out if isinstance(t, RawTable)]


@pytest.mark.parametrize("rows", [1, 2, 3, 7, 100])
def test_chunks_hold_the_cells_and_rows_of_the_whole_file(tmp_path: Path, rows: int) -> None:
    path = tmp_path / "scores.csv"
    path.write_text(TEXT, encoding="utf-8")
    whole = read_csv_table(path, "scores.csv")
    assert isinstance(whole, RawTable)
    tables = _tables(path, rows)
    assert all(t.body.height <= rows for t in tables) and all(t.header == whole.header for t in tables)
    assert pl.concat([t.body for t in tables]).equals(whole.body)
    # validated chunk by chunk (the header's problems with the first): the same rows and the same errors
    whole_log, chunk_log = ErrorLog(), ErrorLog()
    typed = validate("scores", whole, whole_log)
    parts = [validate("scores", t, chunk_log, header_checked=i > 0) for i, t in enumerate(tables)]
    assert pl.concat(parts).equals(typed)
    assert sorted(map(str, chunk_log.kept)) == sorted(map(str, whole_log.kept)) and chunk_log.total == whole_log.total


@pytest.mark.parametrize("text", ["", "period,unit_id,part,item,score\n", "a,b\n1,2\n"])
def test_a_file_without_rows_is_one_empty_table(tmp_path: Path, text: str) -> None:
    path = tmp_path / "scores.csv"
    path.write_text(text, encoding="utf-8")
    whole = read_csv_table(path, "scores.csv", ["period", "unit_id", "part", "item", "score"])
    head = open_csv(path, "scores.csv", ["period", "unit_id", "part", "item", "score"])
    assert not isinstance(head, InputError) and isinstance(whole, RawTable)
    [table] = list(csv_chunks(head, 2))
    assert isinstance(table, RawTable) and table.header == whole.header and table.body.equals(whole.body)
