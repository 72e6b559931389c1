"""survey_answers: answer sheets of satisfaction questionnaires (kaoping.scheme.survey, kaoping.app.surveys),
the respondent kept only as a salted hash, one sheet per respondent, questionnaire and period

Revision ID: 0016_surveys
Revises: 0015_deduction_points
Create Date: 2026-12-06 01:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_surveys"
down_revision = "0015_deduction_points"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.String(100), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("respondent", sa.String(64), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("survey", "period", "respondent"),
    )
    for column in ("survey", "unit_id", "period", "address"):
        op.create_index(f"ix_survey_answers_{column}", "survey_answers", [column])


def downgrade() -> None:
    for column in ("survey", "unit_id", "period", "address"):
        op.drop_index(f"ix_survey_answers_{column}", table_name="survey_answers")
    op.drop_table("survey_answers")
