"""evidence integrity: each photo's content address (sha256), difference hash and EXIF time and position,
read before the EXIF is stripped, and evidence_flags — what the checks found, for the office to review
(kaoping.app.evidence_integrity).  Rows stored before keep None in the new columns (not checked).

Revision ID: 0013_evidence_integrity
Revises: 0012_inspection_plans
Create Date: 2026-12-06 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_evidence_integrity"
down_revision = "0012_inspection_plans"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evidence") as batch:
        batch.add_column(sa.Column("sha256", sa.String(64), nullable=True))
        batch.add_column(sa.Column("dhash", sa.String(16), nullable=True))
        batch.add_column(sa.Column("taken_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("longitude", sa.Float(), nullable=True))
        batch.create_index(batch.f("ix_evidence_sha256"), ["sha256"])
    op.create_table(
        "evidence_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_by", sa.String(100), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["evidence_id"], ["evidence.id"], name=op.f("fk_evidence_flags_evidence_id_evidence")),
        sa.ForeignKeyConstraint(["other_id"], ["evidence.id"], name=op.f("fk_evidence_flags_other_id_evidence")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_flags")),
    )
    op.create_index(op.f("ix_evidence_flags_kind"), "evidence_flags", ["kind"])
    op.create_index(op.f("ix_evidence_flags_evidence_id"), "evidence_flags", ["evidence_id"])


def downgrade() -> None:
    op.drop_table("evidence_flags")
    with op.batch_alter_table("evidence") as batch:
        batch.drop_index(batch.f("ix_evidence_sha256"))
        for column in ("longitude", "latitude", "taken_at", "dhash", "sha256"):
            batch.drop_column(column)
