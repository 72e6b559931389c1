"""Migrations 0019_lookup_indexes and 0021_cases_reported_unit (both backends): the audit trail is indexed
by (table, row key), photos by target and cases by (time reported, unit), as the models say — a row's history,
who entered it, its photos and the signals' monthly count of reported cases no longer scan the whole table."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from kaoping.store.tables import Base

OURS = ("ix_audit_log_table_row", "ix_evidence_target", "ix_cases_reported_unit")


def test_the_indexes_are_there_and_as_the_models_say(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            found = inspect(conn)
            audit = {ix["name"]: ix["column_names"] for ix in found.get_indexes("audit_log")}
            evidence = {ix["name"]: ix["column_names"] for ix in found.get_indexes("evidence")}
            cases = {ix["name"]: ix["column_names"] for ix in found.get_indexes("cases")}
    finally:
        engine.dispose()
    assert [d for d in diffs if any(name in repr(d) for name in OURS)] == []
    assert audit["ix_audit_log_table_row"] == ["table_name", "row_key"]
    assert evidence["ix_evidence_target"] == ["target"]
    assert cases["ix_cases_reported_unit"] == ["reported_at", "unit_id"]  # 0021: the signals' count per unit
