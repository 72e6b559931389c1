"""An import read in chunks (issue 13) answers and writes exactly as one read whole: same errors, same rows.

Every test runs the same import twice, with chunks of 3 rows and with the default (one chunk for these
small files), and compares: keys and source rows stored, the batch's audit digest, and the errors listed.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from examples_testing import EXAMPLES
from kaoping.app import import_cells
from kaoping.app.imports import import_data
from kaoping.bench_import import write_folder
from kaoping.errors import InputErrors
from kaoping.io import chunks
from kaoping.io.readers import read_facts
from kaoping.scheme import load_scheme
from kaoping.store.cell_tables import DeductionCell
from kaoping.store.db import close_store, open_store
from kaoping.store.facts import TABLES, natural_keys
from kaoping.store.tables import AuditEntry, CaseCell

CITY = EXAMPLES / "city-1000"
SMALL = 3


def _folder(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    shutil.copytree(CITY, folder)
    return folder


def _stored(url: str) -> dict[str, list[tuple[object, ...]]]:
    factory = open_store(url)
    try:
        with factory() as s:
            out = {
                kind: sorted(tuple(r) for r in s.execute(select(TABLES[kind].nkey, TABLES[kind].src_row)))  # type: ignore[attr-defined]
                for kind in ("scores", "honors")
            }
            out["digests"] = [
                (e.table_name, (e.after or {}).get("digest"))
                for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "import").order_by(AuditEntry.id))
            ]
    finally:
        close_store(factory)
    return out


def _reference_store(tmp_path: Path) -> str:
    """Where the file is imported whole, to compare with: a fresh SQLite file (the chunked import goes to the
    test's own store, so on PostgreSQL the chunks are written with COPY)."""
    return f"sqlite:///{tmp_path / 'whole.db'}"


def _same(value: object) -> object:
    """A stored value as both backends give it back (SQLite keeps decimals as floats)."""
    return Decimal(str(value)).normalize() if isinstance(value, float | Decimal) else value


def test_chunks_write_the_rows_and_keys_a_whole_file_writes(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _folder(tmp_path, "data")
    scores = data / "scores.csv"
    lines = scores.read_text(encoding="utf-8").splitlines()
    # the same row again, far apart: its second occurrence must get the same key in whichever chunk it lands
    scores.write_text("\n".join([*lines, lines[1], lines[5], lines[1]]) + "\n", encoding="utf-8")
    other = _reference_store(tmp_path)
    whole = import_data(open_store(other), data, actor="a")
    monkeypatch.setattr(chunks, "CHUNK_ROWS", SMALL)
    chunked = import_data(open_store(db_url), data, actor="a")
    assert chunked == whole
    assert _stored(db_url) == _stored(other)
    # and the keys are those of the whole file keyed at once (the repeated row: occurrences 0, 1, 2)
    frame = read_facts(data).scores
    assert sorted(zip(natural_keys("scores", frame), frame.get_column("_row"), strict=True)) == _stored(other)["scores"]


def test_chunks_report_the_errors_a_whole_file_reports(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scheme = load_scheme("city-1000")
    import_data(open_store(db_url), CITY, actor="a")
    data = _folder(tmp_path, "bad")
    (data / "ranks.csv").write_text(
        "period,unit_id,task,rank\n"
        + "".join(f"2024-04,d{i},市级任务,{i}\n" for i in range(1, 9))
        + "2024-04,d2,市级任务,9\n2024-04,x9,市级任务,2\n2024-04,d1,市级任务,1\n",
        encoding="utf-8",
    )
    with (data / "scores.csv").open("a", encoding="utf-8") as f:
        f.write("2024-Q2,d1,不存在的项目,,5,,\n2024-13,d1,部门考评,,5,,\n")

    def errors() -> list[str]:
        with pytest.raises(InputErrors) as caught:
            import_data(open_store(db_url), data, actor="a", scheme=scheme)
        return [e.describe("en") for e in caught.value.errors] + [str(caught.value.total)]

    whole = errors()
    monkeypatch.setattr(chunks, "CHUNK_ROWS", SMALL)
    assert errors() == whole
    assert any("row 10" in e and "row 3" in e for e in whole)  # the repeat names the row of the first
    assert any("row 12" in e and "row 2" in e for e in whole)


def _cells(url: str) -> dict[str, list[tuple[object, ...]]]:
    factory = open_store(url)
    try:
        with factory() as s:
            return {
                table.__tablename__: sorted(tuple(map(_same, r)) for r in s.execute(select(table.__table__)))
                for table in (CaseCell, DeductionCell)
            }
    finally:
        close_store(factory)


def test_cells_counted_in_slices_are_the_cells_counted_at_once(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    write_folder(data, 3000)
    other = _reference_store(tmp_path)
    import_data(open_store(other), data, actor="a")
    monkeypatch.setattr(import_cells, "SLICE_ROWS", 1)  # one (unit, month) pair at a time
    import_data(open_store(db_url), data, actor="a")
    once, sliced = _cells(other), _cells(db_url)
    assert once == sliced and all(once.values())


def test_the_progress_advances_chunk_by_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunks, "CHUNK_ROWS", SMALL)
    calls: list[tuple[str, int, int]] = []
    import_data(open_store(f"sqlite:///{tmp_path / 'p.db'}"), CITY, actor="a", progress=lambda *c: calls.append(c))
    checking = [done for label, done, total in calls if total == 0 and label.endswith("scores.csv")]
    assert len(checking) == -(-81 // SMALL) and checking == sorted(checking)  # 81 rows: one call a chunk
    writing = [(done, total) for _, done, total in calls if total]
    assert writing[-1][0] == writing[-1][1] == 10 + 81 + 7
