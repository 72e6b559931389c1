"""A case written through the application is counted into the cells by its own difference (issue 13, point
4), on SQLite and PostgreSQL: no mark is left for it, yet after every write — new, moved to another unit and
month, closed with failures, deleted, and mixed with plain SQL whose marks are still counted again — the kept
cells equal a recount of every case."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from kaoping.app.facts import delete_row, one_row, write_row
from kaoping.store.case_cell_deltas import count_changes, counting_own_changes
from kaoping.store.case_cells import bring_up_to_date, cells_version, read_cells, recount, stale_pairs
from kaoping.store.cell_tables import CaseCellWriter
from kaoping.store.db import transaction
from kaoping.store.tables import CaseRow
from store_testing import example_store

KEY = ["unit_id", "month", "measure", "settle"]


@pytest.fixture
def store(db_url: str) -> sessionmaker[Session]:
    factory = example_store(db_url, "demo-city")
    with transaction(factory) as s:
        bring_up_to_date(s)
    return factory


def _same(s: Session) -> None:
    assert read_cells(s).sort(KEY).equals(recount(s).sort(KEY))


def _case(key: str, unit: str, at: datetime, **more: Any) -> dict[str, Any]:
    row = {"case_id": key, "unit_id": unit, "kind": "event", "category": "暴露垃圾", "reported_at": at}
    row |= {"dispatched_at": at, "deadline": at + timedelta(days=1), "disposed_at": at + timedelta(hours=5)}
    row |= {"closed_at": None, "rework_count": 0, "verify_failed": 0, "postponed": 0}
    return row | {"channel": "", "satisfaction": "", "repeat_of": ""} | more


def _write(s: Session, values: dict[str, Any]) -> None:
    write_row(s, "cases", one_row("cases", values), actor="test", reason="增量")
    assert stale_pairs(s) == 0


def test_every_write_through_the_application_keeps_the_cells_equal_to_a_recount(
    store: sessionmaker[Session],
) -> None:
    march = datetime(2024, 3, 31, 23, 30)
    writes = [
        _case("d-1", "dh", march),
        _case("d-2", "dh", march, closed_at=march + timedelta(days=2), rework_count=2),
        # moved: another unit, another month, closed in the next, failed twice
        _case("d-1", "xl", datetime(2024, 5, 2, 9), closed_at=datetime(2024, 6, 1), verify_failed=2),
        _case("d-2", "dh", march, closed_at=None, rework_count=0),  # reopened
        _case("d-3", "dh", datetime(2024, 7, 1), channel="12345", satisfaction="satisfied"),
    ]
    for values in writes:
        with transaction(store) as s:
            _write(s, values)
        with transaction(store) as s:
            assert stale_pairs(s) == 0
            _same(s)
    july = (datetime(2024, 7, 1).date(), datetime(2024, 8, 1).date())
    with transaction(store) as s:
        kept = cells_version(s, july)
        same = {"channel": "12345", "satisfaction": "satisfied", "category": "井盖"}
        _write(s, _case("d-3", "dh", datetime(2024, 7, 1), **same))  # another category: no cell changes
    with transaction(store) as s:
        assert cells_version(s, july) > kept  # the month's results are made again, as after a mark
        row = s.scalar(select(CaseRow.id).where(CaseRow.case_id == "d-1"))
        assert row is not None
        delete_row(s, "cases", row, actor="test", reason="删除")
        assert stale_pairs(s) == 0
    with transaction(store) as s:
        _same(s)


def test_marks_other_writers_left_are_still_counted_and_theirs_still_marked(store: sessionmaker[Session]) -> None:
    with transaction(store) as s:  # plain SQL: a mark, left for whoever comes next
        first = "(SELECT MIN(case_id) FROM cases)"
        s.execute(text(f"UPDATE cases SET rework_count = rework_count + 1 WHERE case_id = {first}"))
        assert stale_pairs(s) > 0
    with transaction(store) as s:
        _write(s, _case("d-9", "dh", datetime(2024, 2, 3, 9)))
    with transaction(store) as s:
        _same(s)
        assert s.scalar(select(func.count()).select_from(CaseCellWriter)) == 0  # never committed
        # the writer's row silences the triggers only inside its block
        with counting_own_changes(s):
            s.execute(text("UPDATE cases SET verify_failed = 3 WHERE case_id = 'd-9'"))
            assert stale_pairs(s) == 0
        assert count_changes(s, []) == 0
        # after the block the triggers mark again (and the recount of the mark takes in the silent change)
        s.execute(text("UPDATE cases SET postponed = 1 WHERE case_id = 'd-9'"))
        assert stale_pairs(s) > 0
    with transaction(store) as s:
        _same(s)


def test_concurrent_writers_and_a_refresh_leave_the_cells_equal_to_a_recount(store: sessionmaker[Session]) -> None:
    """Four writers at once on one unit's month (new cases, then each moved on), while plain SQL leaves marks
    and a reader refreshes: the writers' differences and the refreshes' recounts add up to a recount."""
    from concurrent.futures import ThreadPoolExecutor

    march = datetime(2024, 3, 10, 9)

    def write(values: dict[str, Any]) -> None:  # (marks the meddler leaves meanwhile may stand after it)
        with transaction(store) as s:
            write_row(s, "cases", one_row("cases", values), actor="test", reason="并发")

    def writer(n: int) -> None:
        for i in range(3):
            key = f"w{n}-{i}"
            write(_case(key, "dh", march + timedelta(hours=n)))
            write(_case(key, "dh", march + timedelta(hours=n), closed_at=march + timedelta(days=25 + i)))

    def meddler() -> None:
        for _ in range(3):
            with transaction(store) as s:
                s.execute(text("UPDATE cases SET rework_count = rework_count + 1 WHERE case_id LIKE 'w1-%'"))
            with transaction(store) as s:
                read_cells(s)

    with ThreadPoolExecutor(max_workers=5) as pool:
        done = [pool.submit(writer, n) for n in range(4)] + [pool.submit(meddler)]
        for future in done:
            future.result()
    with transaction(store) as s:
        _same(s)
        assert s.scalar(select(func.count()).select_from(CaseRow).where(CaseRow.case_id.like("w%"))) == 12
