"""Migration 0015_deduction_points: the schema it makes is the models' (both backends: deductions' lat, lon,
accuracy_m and the field sync ledger with its unique key), and it goes up over a store with deductions already
in it (no point: None) and down again (SQLite)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kaoping.store.db import alembic_config
from kaoping.store.field_tables import FieldEntryRow
from store_testing import insert_unit, schema_diffs


def _ours(diff: object) -> bool:
    return "field_entries" in repr(diff) or any(c in repr(diff) for c in ("'lat'", "'lon'", "accuracy_m"))


def test_the_migrated_schema_is_the_models(db_url: str) -> None:
    diffs = schema_diffs(db_url)
    assert [d for d in diffs if _ours(d)] == []


def _ledger(key: str) -> FieldEntryRow:
    at = datetime(2024, 6, 3, 9, 0)
    return FieldEntryRow(
        key=key, actor="insp", status="written", unit_id="u1", day=date(2024, 6, 3), problem_kind="SJ0104",
        place="建设路", values={}, detail={}, created_at=at,
    )  # fmt: skip


def test_the_key_is_unique_in_the_store(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        with Session(engine) as s:
            s.add(_ledger("k-00000001"))
            s.commit()
            s.add(_ledger("k-00000001"))
            with pytest.raises(IntegrityError):
                s.commit()
    finally:
        engine.dispose()


def test_up_over_stored_deductions_and_down_again(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config(engine)
    command.upgrade(config, "0014_orders_media")
    with engine.begin() as conn:
        insert_unit(conn, "u1", "城东")
        conn.execute(
            text(
                "INSERT INTO deductions (nkey, unit_id, date, part, item, points, source, problem, location,"
                " evidence, src_file, src_row) VALUES ('k1', 'u1', '2024-06-03', '日常考评', '', 1, '', '', '', '',"
                " '', 2)"
            )
        )
    command.upgrade(config, "head")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT lat, lon, accuracy_m FROM deductions")).one() == (None, None, None)
    command.downgrade(config, "0014_orders_media")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM deductions")).scalar() == 1
    command.upgrade(config, "head")
    engine.dispose()
