"""Migration 0013_evidence_integrity: the schema it makes is the models' (both backends), and it goes up
over a store with photos already in it (their new columns empty: not checked) and down again (SQLite)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from kaoping.store.db import alembic_config
from kaoping.store.integrity_tables import EvidenceFlag
from kaoping.store.tables import Base


def _ours(diff: object) -> bool:
    return "evidence" in repr(diff)


def test_the_migrated_schema_is_the_models(db_url: str) -> None:
    assert EvidenceFlag.__tablename__ in Base.metadata.tables
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert [d for d in diffs if _ours(d)] == []


def test_up_over_stored_photos_and_down_again(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config(engine)
    command.upgrade(config, "0012_inspection_plans")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO units (unit_id, name, group_name, reward_eligible, src_file, src_row)"
                " VALUES ('d1', '甲区', '一组', 1, '', 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO evidence (unit_id, target, filename, content_type, data, created_at, created_by)"
                " VALUES ('d1', 'notices:P1', 'a.png', 'image/png', x'89', '2024-05-01 09:00:00', 'jiaqu')"
            )
        )
    command.upgrade(config, "head")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT sha256, dhash, taken_at FROM evidence")).one() == (None, None, None)
        assert conn.execute(text("SELECT count(*) FROM evidence_flags")).scalar() == 0
    command.downgrade(config, "0012_inspection_plans")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM evidence")).scalar() == 1
    command.upgrade(config, "head")
    engine.dispose()
