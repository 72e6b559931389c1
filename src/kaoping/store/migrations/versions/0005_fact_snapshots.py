"""fact_snapshots: the facts each result was computed from, content-addressed; published_results.snapshot_id
(kaoping.facts.snapshot, kaoping.store.snapshots)

Revision ID: 0005_fact_snapshots
Revises: 0004_audit_chain
Create Date: 2026-12-05 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_fact_snapshots"
down_revision = "0004_audit_chain"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fact_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("scoped", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fact_snapshots")),
        sa.UniqueConstraint("sha256", name=op.f("uq_fact_snapshots_sha256")),
    )
    with op.batch_alter_table("published_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("snapshot_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_published_results_snapshot_id_fact_snapshots"), "fact_snapshots", ["snapshot_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("published_results", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_published_results_snapshot_id_fact_snapshots"), type_="foreignkey")
        batch_op.drop_column("snapshot_id")
    op.drop_table("fact_snapshots")
