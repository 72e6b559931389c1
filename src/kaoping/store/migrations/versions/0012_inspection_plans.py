"""inspection_plans and plan_visits: inspection plans per scheme and month, their committed seed and their
verifiable draw (kaoping.scheme.inspection, kaoping.app.plans).

Revision ID: 0012_inspection_plans
Revises: 0011_standards
Create Date: 2026-12-05 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_inspection_plans"
down_revision = "0011_standards"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inspection_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(100), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("part", sa.String(100), nullable=False),
        sa.Column("visit", sa.String(20), nullable=False),
        sa.Column("frequency", sa.String(20), nullable=False),
        sa.Column("per_month", sa.Integer(), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=False),
        sa.Column("teams", sa.Integer(), nullable=False),
        sa.Column("team_size", sa.Integer(), nullable=False),
        sa.Column("seed", sa.String(64), nullable=False),
        sa.Column("commitment", sa.String(64), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=True),
        sa.Column("inputs_digest", sa.String(64), nullable=True),
        sa.Column("draw", sa.JSON(), nullable=True),
        sa.Column("draw_digest", sa.String(64), nullable=True),
        sa.Column("drawn_by", sa.String(100), nullable=True),
        sa.Column("drawn_at", sa.DateTime(), nullable=True),
        sa.Column("revealed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_plans")),
        sa.UniqueConstraint("scheme", "period", "name", name=op.f("uq_inspection_plans_scheme")),
    )
    op.create_index(op.f("ix_inspection_plans_period"), "inspection_plans", ["period"])
    op.create_table(
        "plan_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.String(100), nullable=False),
        sa.Column("team", sa.Integer(), nullable=False),
        sa.Column("inspectors", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["inspection_plans.id"], name=op.f("fk_plan_visits_plan_id_inspection_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_visits")),
    )
    op.create_index(op.f("ix_plan_visits_plan_id"), "plan_visits", ["plan_id"])
    op.create_index(op.f("ix_plan_visits_unit_id"), "plan_visits", ["unit_id"])


def downgrade() -> None:
    op.drop_table("plan_visits")
    op.drop_table("inspection_plans")
