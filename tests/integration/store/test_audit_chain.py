"""The audit trail as a hash chain (issue 12, point 4): chained as written, refused to UPDATE/DELETE by the
database, and an edit made behind the application's back — triggers switched off, as someone holding the
database could — is named by `kaoping verify --audit`.  On SQLite and PostgreSQL.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.store.audit import AuditWriter
from kaoping.store.chain import GENESIS, chain_head, check_trail, entry_hash
from kaoping.store.db import alembic_config, transaction
from kaoping.store.tables import AuditEntry
from store_testing import example_store

runner = CliRunner()


@pytest.fixture
def store(db_url: str) -> sessionmaker[Session]:
    factory = example_store(db_url)
    with transaction(factory) as s:
        audit = AuditWriter(s, "考评办", reason="发布")
        audit.event("publish", "results", "city-1000 2024-Q2 v1")
        audit.flush()
    return factory


def _tamper(factory: sessionmaker[Session], sql: str) -> None:
    """Change the trail with the append-only triggers out of the way, as a person with the database could."""
    with transaction(factory) as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            s.execute(text("DROP TRIGGER audit_log_no_update"))
            s.execute(text("DROP TRIGGER audit_log_no_delete"))
        s.execute(text(sql))


def test_entries_are_chained_in_order(store: sessionmaker[Session]) -> None:
    with store() as s:
        rows = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        head = chain_head(s)
    assert len(rows) > 10
    assert rows[0].prev_hash == GENESIS
    for before, after in pairwise(rows):
        assert after.prev_hash == before.entry_hash
    last = rows[-1]
    assert last.action == "publish" and head == last.entry_hash
    values = {c: getattr(last, c) for c in ("at", "actor", "action", "table_name", "row_key", "unit_id", "period")}
    values |= {"before": last.before, "after": last.after, "reason": last.reason}
    assert entry_hash(last.prev_hash, values) == last.entry_hash
    with store() as s:
        report = check_trail(s)
    assert report.intact and report.entries == len(rows) and report.head == head


@pytest.mark.parametrize("sql", ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"])
def test_the_database_refuses_to_change_the_trail(store: sessionmaker[Session], sql: str) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction(store) as s:
        s.execute(text(sql))
    with store() as s:
        assert check_trail(s).intact


def test_verify_audit_names_an_edited_entry(store: sessionmaker[Session], db_url: str) -> None:
    ok = runner.invoke(app, ["verify", "--audit", "--db", db_url])
    assert ok.exit_code == 0, ok.output
    assert "审计链完整" in ok.output
    with store() as s:
        target = s.scalars(select(AuditEntry.id).where(AuditEntry.action == "insert").order_by(AuditEntry.id)).all()[5]
    _tamper(store, f"UPDATE audit_log SET after = '{{\"score\": 100}}' WHERE id = {target}")
    with store() as s:
        report = check_trail(s)
    assert not report.intact and report.broken_id == target and "改动" in report.problem
    broken = runner.invoke(app, ["verify", "--audit", "--db", db_url])
    assert broken.exit_code == 1
    assert f"id {target}" in broken.output and "审计链断开" in broken.output


def test_verify_audit_names_the_entry_after_a_removed_one(store: sessionmaker[Session]) -> None:
    with store() as s:
        ids = s.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()
    _tamper(store, f"DELETE FROM audit_log WHERE id = {ids[3]}")
    with store() as s:
        report = check_trail(s)
    assert report.broken_id == ids[4] and report.entries == 3 and "删除" in report.problem


def test_the_migration_chains_entries_written_before_it(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config(engine)
    command.upgrade(config, "0003_unit_areas")
    with engine.begin() as conn:
        for i in range(3):
            conn.execute(
                text(
                    "INSERT INTO audit_log (at, actor, action, table_name, row_key, unit_id, period, before, after,"
                    " reason) VALUES ('2024-05-0' || :d || ' 09:00:00', '考评办', 'insert', 'scores', :k, 'd1',"
                    " '2024-Q2', NULL, '{\"score\": 9' || :d || '}', '导入')"
                ),
                {"d": i + 1, "k": f"key{i}"},
            )
    command.upgrade(config, "head")
    with sessionmaker(engine)() as s:
        report = check_trail(s)
        assert report.intact and report.entries == 3
    engine.dispose()


def test_a_publication_keeps_the_chain_head_that_includes_it(store: sessionmaker[Session]) -> None:
    from kaoping.app.publish import compute_draft, publish, review

    with transaction(store) as s:
        rid = compute_draft(s, scheme="city-1000", period="2024-Q2", actor="计算员").id
        review(s, rid, actor="审核员")
        row = publish(s, rid, actor="发布员")
        head = row.audit_head
    with store() as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert last.action == "publish" and last.after is not None and last.after["status"] == "published"
        assert head == last.entry_hash == chain_head(s)
        assert check_trail(s).intact
