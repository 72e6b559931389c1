"""整改 workflow (issue #17): notices gain 原扣分 (points) and failed re-inspections; rectifications (the unit's
plan, status, 督办) and reinspections (复查) keep the workflow's state (kaoping.store.rectify_tables).

Revision ID: 0010_rectify
Revises: 0009_evidence_copies
Create Date: 2026-12-05 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_rectify"
down_revision = "0009_evidence_copies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.add_column(sa.Column("points", sa.Numeric(14, 6), nullable=True))
        batch.add_column(sa.Column("failed_reinspections", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "rectifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.String(100), nullable=False),
        sa.Column("problem_id", sa.String(100), nullable=False),
        sa.Column("first_notified", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("time_limit", sa.Date(), nullable=True),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("planned_by", sa.String(100), nullable=True),
        sa.Column("planned_at", sa.DateTime(), nullable=True),
        sa.Column("supervised_on", sa.Date(), nullable=True),
        sa.Column("supervised_by", sa.String(100), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["units.unit_id"], name=op.f("fk_rectifications_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectifications")),
        sa.UniqueConstraint("unit_id", "problem_id", "first_notified", name=op.f("uq_rectifications_unit_id")),
    )
    op.create_index(op.f("ix_rectifications_unit_id"), "rectifications", ["unit_id"])
    op.create_table(
        "reinspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rectification_id", sa.Integer(), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("inspector", sa.String(100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("failures_before", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rectification_id"], ["rectifications.id"], name=op.f("fk_reinspections_rectification_id_rectifications")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reinspections")),
    )
    op.create_index(op.f("ix_reinspections_rectification_id"), "reinspections", ["rectification_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_reinspections_rectification_id"), table_name="reinspections")
    op.drop_table("reinspections")
    op.drop_index(op.f("ix_rectifications_unit_id"), table_name="rectifications")
    op.drop_table("rectifications")
    with op.batch_alter_table("notices") as batch:
        batch.drop_column("failed_reinspections")
        batch.drop_column("points")
