"""audit_log as a hash chain: prev_hash and entry_hash on every entry (existing ones chained in id order), and
triggers refusing UPDATE and DELETE on the table (kaoping.store.chain); published_results.audit_head

Revision ID: 0004_audit_chain
Revises: 0003_unit_areas
Create Date: 2026-12-05 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kaoping.store.chain import GENESIS, HASHED, entry_hash

revision = "0004_audit_chain"
down_revision = "0003_unit_areas"
branch_labels = None
depends_on = None

REFUSED = "audit_log is append-only (审计日志只能追加)"

_audit = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("table_name", sa.String),
    sa.column("row_key", sa.String),
    sa.column("unit_id", sa.String),
    sa.column("period", sa.String),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
    sa.column("reason", sa.String),
    sa.column("prev_hash", sa.String),
    sa.column("entry_hash", sa.String),
)


def _chain_existing() -> None:
    """Entries written before this revision get their links, in id order, as if chained when written."""
    bind = op.get_bind()
    prev = GENESIS
    rows = bind.execute(sa.select(_audit).order_by(_audit.c.id)).mappings().all()
    for row in rows:
        own = entry_hash(prev, {name: row[name] for name in HASHED})
        bind.execute(_audit.update().where(_audit.c.id == row["id"]).values(prev_hash=prev, entry_hash=own))
        prev = own


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=False, server_default=""))
    _chain_existing()
    with op.batch_alter_table("published_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audit_head", sa.String(length=64), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION kaoping_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{REFUSED}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION kaoping_audit_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION kaoping_audit_append_only()")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
        op.execute("DROP TRIGGER audit_log_no_delete")
    with op.batch_alter_table("published_results", schema=None) as batch_op:
        batch_op.drop_column("audit_head")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("prev_hash")
