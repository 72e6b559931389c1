"""An import's cases counted into the case cells as they are written (issue 13): no case leaves a mark to
recount afterwards, and the kept cells equal a recount of every case — after a first import, and after a
corrected file that moves cases between units, empties times and adds new cases (both backends)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from sqlalchemy.orm import Session

from kaoping.app.imports import import_data
from kaoping.bench_import import write_folder
from kaoping.io import chunks
from kaoping.store import batch_write, case_cells
from kaoping.store.db import close_store, open_store


def _recounted_pairs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pairs each recount of the case cells counted again, recorded."""
    counted: list[int] = []
    recount = case_cells.bring_up_to_date

    def spy(session: Session, *, held: bool = False) -> int:
        counted.append(recount(session, held=held))
        return counted[-1]

    monkeypatch.setattr(case_cells, "bring_up_to_date", spy)
    return counted


def _cells_hold(url: str) -> None:
    factory = open_store(url)
    try:
        with factory() as s:
            assert case_cells.stale_pairs(s) == 0
            assert case_cells.differing_cells(s).is_empty()
            assert not case_cells.read_cells(s).is_empty()
    finally:
        close_store(factory)


def _corrected(cases: Path) -> int:
    """The same cases file, corrected: 40 cases moved to another unit, 40 with their disposal and closing
    emptied (open again), and 25 new cases copied from others under new ids; how many rows changed (a case
    already in that unit, or already open, is not)."""
    original = frame = pl.read_csv(cases, infer_schema=False)
    units = frame.get_column("unit_id").unique().sort().to_list()
    moved = pl.when(pl.int_range(pl.len()) < 40).then(pl.lit(units[0])).otherwise(pl.col("unit_id"))
    opened = (pl.int_range(pl.len()) >= 40) & (pl.int_range(pl.len()) < 80)
    frame = frame.with_columns(
        unit_id=moved,
        disposed_at=pl.when(opened).then(None).otherwise(pl.col("disposed_at")),
        closed_at=pl.when(opened).then(None).otherwise(pl.col("closed_at")),
    )
    added = frame.slice(100, 25).with_columns(case_id=pl.format("new-{}", pl.int_range(pl.len())))
    pl.concat([frame, added]).write_csv(cases)
    same = pl.all_horizontal(pl.col(c).eq_missing(pl.col(f"{c}_was")) for c in original.columns)
    both = pl.concat([frame, original.rename(lambda c: f"{c}_was")], how="horizontal")
    return both.filter(~same).height


def test_imported_cases_are_counted_as_written_not_recounted(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunks, "CHUNK_ROWS", 700)  # several chunks a file, and several writes a chunk
    monkeypatch.setattr(batch_write, "CHUNK", 300)
    data = tmp_path / "data"
    write_folder(data, 3000)
    counted = _recounted_pairs(monkeypatch)
    import_data(open_store(db_url), data, actor="a")
    assert not any(counted)  # the cases left no mark: nothing was read back to be counted
    _cells_hold(db_url)
    changed = _corrected(data / "cases.csv")
    report = import_data(open_store(db_url), data, actor="a")
    cases = next(f for f in report.files if f.name == "cases")
    assert (cases.inserted, cases.updated) == (25, changed) and changed > 60
    assert not any(counted)
    _cells_hold(db_url)
