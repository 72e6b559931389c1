"""Migration 0020_case_cell_writers: the schema it makes is the models' (both backends); on SQLite it goes up
and down again, the cells' triggers silent for a transaction holding a writer row only while at 0020, and
marking on every kind of change either way for a transaction without one."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import Connection, create_engine, text

from kaoping.store.cell_tables import CaseCellWriter
from kaoping.store.db import alembic_config
from kaoping.store.tables import Base
from store_testing import insert_unit, schema_diffs


def test_the_migrated_schema_is_the_models(db_url: str) -> None:
    assert CaseCellWriter.__tablename__ in Base.metadata.tables
    diffs = schema_diffs(db_url)
    assert [d for d in diffs if "case_cell" in repr(d)] == []


def _marks_after_each_change(conn: Connection, key: str) -> list[int]:
    """Insert, update and delete one case; how many marks stand after each (cleared before each)."""
    found: list[int] = []
    changes = [
        "INSERT INTO cases (case_id, unit_id, kind, category, reported_at, dispatched_at, rework_count, "
        "verify_failed, postponed, nkey, src_file, src_row) VALUES "
        f"('{key}', 'd1', 'event', 'x', '2024-05-01 08:00:00', '2024-05-01 09:00:00', 0, 0, 0, '{key}', '', 0)",
        f"UPDATE cases SET closed_at = '2024-06-02 09:00:00', rework_count = 1 WHERE case_id = '{key}'",
        f"DELETE FROM cases WHERE case_id = '{key}'",
    ]
    for change in changes:
        conn.execute(text("DELETE FROM case_cell_marks"))
        conn.execute(text(change))
        found.append(int(conn.execute(text("SELECT count(*) FROM case_cell_marks")).scalar_one()))
    return found


def test_up_and_down_again_the_triggers_skip_only_for_a_writer_row(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config(engine)
    command.upgrade(config, "head")
    with engine.begin() as conn:
        insert_unit(conn, "d1", "甲区")
        assert _marks_after_each_change(conn, "c1") == [1, 2, 2]
        conn.execute(text("INSERT INTO case_cell_writers DEFAULT VALUES"))
        assert _marks_after_each_change(conn, "c2") == [0, 0, 0]
        conn.execute(text("DELETE FROM case_cell_writers"))
    command.downgrade(config, "0019_lookup_indexes")
    with engine.begin() as conn:
        assert _marks_after_each_change(conn, "c3") == [1, 2, 2]
    engine.dispose()
