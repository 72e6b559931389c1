"""Facts snapshots (kaoping.facts.snapshot): the same facts give the same bytes, the bytes give the same
frames back, the scope keeps what a period's result needs (every example, every period it covers), and
changes name each row added, changed or removed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from examples_testing import EXAMPLES, FOLDERS, covered_periods
from kaoping.app.publish import document_bytes
from kaoping.app.scoring import score_facts
from kaoping.facts import FILE_NAMES, Facts, facts_from_frames
from kaoping.facts.snapshot import RowChange, SnapshotError, changes, pack, scope, scope_bounds, unpack, within
from kaoping.io.readers import read_facts
from kaoping.output.document import result_document
from kaoping.periods import parse_period
from kaoping.scheme import load_scheme


def deductions(*rows: tuple[str, str, float]) -> Facts:
    frame = pl.DataFrame(
        [{"date": date.fromisoformat(d), "unit_id": u, "part": "督查考评", "points": p} for d, u, p in rows]
    )
    units = pl.DataFrame(
        {"unit_id": ["a", "b"], "name": ["甲", "乙"], "group": ["g", "g"], "reward_eligible": [True, True]}
    )
    return facts_from_frames(units=units, deductions=frame)


def test_same_facts_same_bytes_and_back() -> None:
    facts = read_facts(EXAMPLES / "district-onsite")
    data = pack(facts)
    assert pack(read_facts(EXAMPLES / "district-onsite")) == data
    back = unpack(data)
    for name in FILE_NAMES:
        assert_frame_equal(getattr(back, name), getattr(facts, name))


def test_a_snapshot_from_before_the_notice_columns_still_reads() -> None:
    # issue #17 added notices.points and notices.failed_reinspections: a version published before has neither
    import io
    import zipfile

    facts = read_facts(EXAMPLES / "district-onsite")
    new = zipfile.ZipFile(io.BytesIO(pack(facts)))
    old = io.BytesIO()
    with zipfile.ZipFile(old, "w") as book:
        for item in new.namelist():
            data = new.read(item)
            if item == "notices.parquet":
                buffer = io.BytesIO()
                pl.read_parquet(io.BytesIO(data)).drop("points", "failed_reinspections").write_parquet(buffer)
                data = buffer.getvalue()
            book.writestr(item, data)
    back = unpack(old.getvalue())
    assert_frame_equal(back.notices, facts.notices)  # both columns absent in the example: None and 0


def test_other_bytes_are_refused() -> None:
    with pytest.raises(SnapshotError):
        unpack(b"PK-not-a-snapshot")


def test_scope_reaches_back_to_the_year_before_the_previous_period() -> None:
    assert scope_bounds(parse_period("2024-Q2")) == (date(2023, 1, 1), date(2024, 7, 1))
    assert scope_bounds(parse_period("2024-01")) == (date(2022, 1, 1), date(2024, 2, 1))
    facts = deductions(("2021-12-31", "a", 1), ("2022-01-01", "a", 2), ("2024-01-31", "b", 3), ("2024-02-01", "b", 4))
    kept = scope(facts, parse_period("2024-01")).deductions.get_column("points").to_list()
    assert kept == [2, 3]
    assert within(facts, parse_period("2024-01")).deductions.get_column("points").to_list() == [3]


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_the_scope_gives_the_same_result(folder: Path) -> None:
    """What publishing checks for each draft, over every example: scoped facts give the same document."""
    scheme = load_scheme(folder.name)
    facts = read_facts(folder)
    periods = covered_periods(facts, [k for k in scheme.periods])
    assert periods
    for period in periods:
        text = str(period)
        whole = result_document(scheme, score_facts(scheme, facts, text))
        assert document_bytes(result_document(scheme, score_facts(scheme, scope(facts, period), text))) == (
            document_bytes(whole)
        ), text


def test_changes_name_added_changed_and_removed_rows() -> None:
    before = deductions(("2024-01-05", "a", 1), ("2024-01-06", "b", 2))
    after_frame = before.deductions.with_columns(
        points=pl.when(pl.col("_row") == 2).then(5.0).otherwise(pl.col("points"))
    ).filter(pl.col("_row") != 3)
    # a new row with id 10: listed after 2 and 3 (ids in number order, not text order)
    extra = deductions(("2024-01-07", "b", 1)).deductions.with_columns(_row=pl.lit(10, pl.Int64))
    after = facts_from_frames(units=before.units, deductions=pl.concat([after_frame, extra]))
    found = [(c.kind, c.row_id, c.change, c.fields) for c in changes(before, after)]
    filled = [
        *("date", "unit_id", "part", "item", "points", "source", "problem", "location", "evidence"),
        *("problem_kind", "override_reason"),  # empty text; not time or quantity (none)
    ]
    assert found == [
        ("deductions", 2, RowChange.CHANGED, ["points"]),
        ("deductions", 3, RowChange.REMOVED, filled),
        ("deductions", 10, RowChange.ADDED, filled),
    ]
    assert changes(before, before) == []
