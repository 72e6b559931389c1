"""The kept case cells equal a recount of the cases, whoever changes the cases table (issue 13, point 1), on
SQLite and PostgreSQL: single-row writes through the store, a deletion, a bulk insert without the ORM and
plain SQL all leave marks through the table's triggers, and reading the cells counts the marked months again."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from kaoping.store.case_cells import bring_up_to_date, cells_version, read_cells, recount, stale_pairs
from kaoping.store.db import transaction
from kaoping.store.tables import CaseRow
from store_testing import example_store


@pytest.fixture
def store(db_url: str) -> sessionmaker[Session]:
    return example_store(db_url, "demo-city")


def _same(s: Session) -> None:
    kept = read_cells(s).sort("unit_id", "month", "measure", "settle")
    assert stale_pairs(s) == 0
    assert kept.equals(recount(s).sort("unit_id", "month", "measure", "settle"))


def test_cells_follow_every_kind_of_write(store: sessionmaker[Session]) -> None:
    with transaction(store) as s:
        _same(s)
        assert read_cells(s).height > 0
        # plain SQL closing an open case a month later (no ORM, no audit): the trigger still marks it
        s.execute(text("UPDATE cases SET unit_id = 'xl' WHERE case_id = (SELECT MIN(case_id) FROM cases)"))
        assert stale_pairs(s) > 0
    with transaction(store) as s:
        _same(s)
        # a bulk insert through Core, like the demo's loader
        row = {
            "case_id": "bulk-1",
            "unit_id": "dh",
            "kind": "event",
            "category": "暴露垃圾",
            "reported_at": datetime(2024, 3, 30, 22),
            "dispatched_at": datetime(2024, 3, 31, 23),
            "deadline": datetime(2024, 4, 2),
            "disposed_at": datetime(2024, 4, 1, 9),
            "closed_at": datetime(2024, 4, 3),
            "rework_count": 2,
            "verify_failed": 0,
            "postponed": 0,
            "nkey": "bulk-1",
            "src_row": 0,
        }
        s.execute(insert(CaseRow), [row])
    with transaction(store) as s:
        _same(s)
        cells = read_cells(s).filter(pl.col("unit_id") == "dh")
        march = cells.filter((pl.col("month") == 2024 * 12 + 2) & (pl.col("measure") == "返工数"))
        assert march.get_column("value").sum() >= 1
        # the failures count where the case was closed: April
        april = cells.filter((pl.col("month") == 2024 * 12 + 3) & (pl.col("measure") == "核查不通过"))
        assert april.get_column("value").sum() >= 2
        # a deletion through the ORM
        s.delete(s.scalars(select(CaseRow).where(CaseRow.case_id == "bulk-1")).one())
    with transaction(store) as s:
        _same(s)


def test_a_refresh_touches_only_the_months_written(store: sessionmaker[Session]) -> None:
    with transaction(store) as s:
        bring_up_to_date(s)
    with transaction(store) as s:
        january = cells_version(s, (datetime(2024, 1, 1).date(), datetime(2024, 2, 1).date()))
        march = cells_version(s, (datetime(2024, 3, 1).date(), datetime(2024, 4, 1).date()))
        s.execute(
            text(
                "UPDATE cases SET rework_count = rework_count + 1 WHERE dispatched_at >= '2024-03-01' "
                "AND dispatched_at < '2024-04-01'"
            )
        )
    with transaction(store) as s:
        assert bring_up_to_date(s) > 0
        assert cells_version(s, (datetime(2024, 1, 1).date(), datetime(2024, 2, 1).date())) == january
        assert cells_version(s, (datetime(2024, 3, 1).date(), datetime(2024, 4, 1).date())) > march
        _same(s)


def test_verify_cells_recounts_and_catches_an_edited_cell(store: sessionmaker[Session], db_url: str) -> None:
    from typer.testing import CliRunner

    from kaoping.cli import app

    runner = CliRunner()
    with transaction(store) as s:
        bring_up_to_date(s)
    ok = runner.invoke(app, ["verify", "--cells", "--db", db_url])
    assert ok.exit_code == 0, ok.output
    assert "案卷汇总格与逐件重算一致" in ok.output
    with transaction(store) as s:  # a cell changed behind the application's back (no trigger guards cells)
        s.execute(text("UPDATE case_cells SET value = value + 5 WHERE measure = '结案数'"))
    bad = runner.invoke(app, ["verify", "--cells", "--db", db_url])
    assert bad.exit_code == 1
    assert "案卷汇总格与逐件重算不一致" in bad.output and "保存" in bad.output


def test_an_import_leaves_the_cells_counted(db_url: str) -> None:
    from kaoping.store.db import close_store
    from store_testing import imported_demo_city

    factory = imported_demo_city(db_url)
    try:
        with factory() as s:
            assert stale_pairs(s) == 0  # counted in the import's transaction, not left for the first reader
            _same(s)
    finally:
        close_store(factory)


def test_a_later_visit_of_a_12345_order_reaches_the_cells(store: sessionmaker[Session]) -> None:
    """回访 is often recorded after the order is closed: updating only ``satisfaction`` (plain SQL) must mark
    the order's months stale on both backends (0014_orders_media widened SQLite's trigger)."""

    def satisfied(s: Session) -> int:
        cells = read_cells(s).filter((pl.col("unit_id") == "dh") & (pl.col("measure") == "回访满意数"))
        return int(cells.get_column("value").sum())

    with transaction(store) as s:
        row = {
            "case_id": "h-1",
            "unit_id": "dh",
            "kind": "event",
            "category": "噪音",
            "reported_at": datetime(2024, 3, 5, 9),
            "dispatched_at": datetime(2024, 3, 5, 10),
            "deadline": datetime(2024, 3, 8),
            "closed_at": datetime(2024, 3, 7),
            "channel": "12345",
            "nkey": "h-1",
            "src_row": 0,
        }
        s.execute(insert(CaseRow), [row])
    with transaction(store) as s:
        _same(s)
        before = satisfied(s)
        s.execute(text("UPDATE cases SET satisfaction = 'basic' WHERE case_id = 'h-1'"))
        assert stale_pairs(s) > 0
    with transaction(store) as s:
        _same(s)
        assert satisfied(s) == before + 1
