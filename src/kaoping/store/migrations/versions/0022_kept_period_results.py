"""kept_period_results: each computed version's result itself (JSON bytes of kaoping.engine.result_codec, their
sha256, the snapshot, scheme text and period it was computed from), so a published period is read in one row
instead of recomputed from its facts snapshot in every fresh process (issue 13).  Versions computed before
keep none and are still recomputed from their snapshots.

Revision ID: 0022_kept_period_results
Revises: 0021_cases_reported_unit
Create Date: 2026-12-06 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_kept_period_results"
down_revision = "0021_cases_reported_unit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kept_period_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("snapshot_sha256", sa.String(64), nullable=False),
        sa.Column("scheme_sha256", sa.String(64), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("format_version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["result_id"], ["published_results.id"], name=op.f("fk_kept_period_results_result_id_published_results")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_period_results")),
        sa.UniqueConstraint("result_id", name=op.f("uq_kept_period_results_result_id")),
    )


def downgrade() -> None:
    op.drop_table("kept_period_results")
