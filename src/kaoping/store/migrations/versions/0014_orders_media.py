"""cases.channel, cases.satisfaction, cases.repeat_of: 12345 work orders (工单) are cases whose channel is 12345,
with their 回访 answer and the earlier order a 重复投诉 repeats (kaoping.cases.metric_defs ORDER_COUNT_DEFS);
on SQLite the cells' update trigger also watches the three columns (PostgreSQL's fires on every update)

Revision ID: 0014_orders_media
Revises: 0013_evidence_integrity
Create Date: 2026-12-06 00:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_orders_media"
down_revision = "0013_evidence_integrity"
branch_labels = None
depends_on = None

_COLUMNS = (("channel", 50), ("satisfaction", 20), ("repeat_of", 100))
_WATCHED = "unit_id, dispatched_at, deadline, disposed_at, closed_at, rework_count, verify_failed, postponed"


def _sqlite_marks(row: str) -> str:
    """As 0008_case_cells: the (unit, month) pairs a changed case sits in are marked stale."""
    return (
        "INSERT OR IGNORE INTO case_cell_marks (unit_id, month) "
        f"SELECT {row}.unit_id, substr(m, 1, 7) FROM "
        f"(SELECT {row}.dispatched_at AS m UNION ALL SELECT COALESCE({row}.closed_at, {row}.disposed_at)) "
        "WHERE m IS NOT NULL;"
    )


def _sqlite_update_trigger(watched: str) -> None:
    op.execute("DROP TRIGGER IF EXISTS cases_mark_cells_update")
    op.execute(
        f"CREATE TRIGGER cases_mark_cells_update AFTER UPDATE OF {watched} ON cases "
        f"BEGIN {_sqlite_marks('OLD')} {_sqlite_marks('NEW')} END"
    )


def upgrade() -> None:
    # plain ALTER TABLE, not a batch: a batch would copy the table on SQLite and lose its 0008 triggers
    for name, length in _COLUMNS:
        op.add_column("cases", sa.Column(name, sa.String(length), nullable=False, server_default=""))
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_update_trigger(_WATCHED + ", " + ", ".join(name for name, _ in _COLUMNS))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_update_trigger(_WATCHED)
    for name, _ in _COLUMNS:
        op.drop_column("cases", name)
