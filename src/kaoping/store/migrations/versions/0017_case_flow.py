"""数字城管 case flow (issue #17): case_requests keep the 延期 / 挂账 / 作废 requests waiting for the office's
approval (kaoping.store.case_flow_tables).

Revision ID: 0017_case_flow
Revises: 0016_surveys
Create Date: 2026-12-06 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_case_flow"
down_revision = "0016_surveys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("new_deadline", sa.DateTime(), nullable=True),
        sa.Column("requested_by", sa.String(100), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.case_id"], name=op.f("fk_case_requests_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_requests")),
    )
    op.create_index(op.f("ix_case_requests_case_id"), "case_requests", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_case_requests_case_id"), table_name="case_requests")
    op.drop_table("case_requests")
