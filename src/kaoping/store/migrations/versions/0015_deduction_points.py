"""deductions.lat, lon, accuracy_m: a deduction may carry the point where the problem is (WGS-84 degrees) and the
device's accuracy in metres (issue #16.5); rows stored before have none.  field_entries: the field app's sync
ledger, one row per idempotency key (kaoping.store.field_tables), so a retried sync never doubles a row.

Revision ID: 0015_deduction_points
Revises: 0014_orders_media
Create Date: 2026-12-06 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_deduction_points"
down_revision = "0014_orders_media"
branch_labels = None
depends_on = None

_POINT = ("lat", "lon", "accuracy_m")


def upgrade() -> None:
    # plain ALTER TABLE (nullable columns, no default): a batch would copy the table on SQLite for nothing
    for name in _POINT:
        op.add_column("deductions", sa.Column(name, sa.Numeric(14, 6), nullable=True))
    op.create_table(
        "field_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("unit_id", sa.String(100), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("problem_kind", sa.String(40), nullable=False),
        sa.Column("place", sa.String(500), nullable=False),
        sa.Column("task", sa.Integer(), nullable=True),
        sa.Column("deduction_id", sa.Integer(), nullable=True),
        sa.Column("evidence_id", sa.Integer(), nullable=True),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("device_time", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deduction_id"],
            ["deductions.id"],
            name=op.f("fk_field_entries_deduction_id_deductions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"], ["evidence.id"], name=op.f("fk_field_entries_evidence_id_evidence"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_entries")),
        sa.UniqueConstraint("key", name=op.f("uq_field_entries_key")),
    )
    op.create_index("ix_field_entries_place", "field_entries", ["unit_id", "day", "problem_kind"])


def downgrade() -> None:
    op.drop_table("field_entries")
    for name in reversed(_POINT):
        op.drop_column("deductions", name)
