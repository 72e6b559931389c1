"""Migration 0013_evidence_integrity: the schema it makes is the models' (both backends), and it goes up
over a store with photos already in it (their new columns empty: not checked) and down again (SQLite)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kaoping.store.db import alembic_config
from kaoping.store.integrity_tables import EvidenceFlag
from kaoping.store.tables import Base, Evidence, Unit
from store_testing import insert_unit, schema_diffs


def _ours(diff: object) -> bool:
    return "evidence" in repr(diff)


def test_the_migrated_schema_is_the_models(db_url: str) -> None:
    assert EvidenceFlag.__tablename__ in Base.metadata.tables
    diffs = schema_diffs(db_url)
    assert [d for d in diffs if _ours(d)] == []


def test_up_over_stored_photos_and_down_again(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config(engine)
    command.upgrade(config, "0012_inspection_plans")
    with engine.begin() as conn:
        insert_unit(conn, "d1", "甲区")
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


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM evidence",
        "UPDATE evidence SET data = :other",
        "UPDATE evidence SET sha256 = 'f00d'",
        "DELETE FROM evidence_flags",
        "UPDATE evidence_flags SET kind = 'time'",
        "UPDATE evidence_flags SET detail = :detail",
    ],
)
def test_the_database_keeps_photos_and_flags(db_url: str, sql: str) -> None:
    """A photo's bytes and address, and a flag's finding, never change; neither is ever deleted."""
    engine = create_engine(db_url)
    try:
        flag = _stored(engine)
        with pytest.raises(DBAPIError, match="kept as stored"), engine.begin() as conn:
            conn.execute(text(sql), {"other": b"\x00", "detail": '{"x": 1}'})
        with Session(engine) as s:
            assert s.get(EvidenceFlag, flag) is not None and s.scalar(select(Evidence.sha256)) == "ab" * 32
    finally:
        engine.dispose()


def test_a_flag_is_reviewed_once_and_a_photo_gets_its_cleaned_copy(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        flag = _stored(engine)
        with engine.begin() as conn:
            conn.execute(text("UPDATE evidence SET shared = :copy"), {"copy": b"clean"})
            conn.execute(text("UPDATE evidence_flags SET reviewed_by = 'admin', reviewed_at = :at"), {"at": AT})
        with pytest.raises(DBAPIError, match="kept as stored"), engine.begin() as conn:
            conn.execute(text("UPDATE evidence_flags SET reviewed_by = 'other'"))
        with Session(engine) as s:
            assert s.get(EvidenceFlag, flag).reviewed_by == "admin"  # type: ignore[union-attr]
    finally:
        engine.dispose()


AT = datetime(2024, 5, 1, 9, 0)


def _stored(engine: Engine) -> int:
    """A unit, one photo of it and one flag on the photo, committed; the flag's id."""
    with Session(engine) as s:
        s.add(Unit(unit_id="d1", name="甲区", group="一组"))
        s.flush()
        photo = Evidence(unit_id="d1", target="notices:P1", filename="a.jpg", content_type="image/jpeg", data=b"x")
        photo.sha256, photo.created_at, photo.created_by = "ab" * 32, AT, "jiaqu"
        s.add(photo)
        s.flush()
        flag = EvidenceFlag(kind="reused", evidence_id=photo.id, detail={"same_file": True}, created_at=AT)
        s.add(flag)
        s.commit()
        return flag.id
