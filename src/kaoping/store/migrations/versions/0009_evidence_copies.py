"""evidence.shared: the copy of an uploaded photo that roles other than the office are shown — decoded and
encoded again without EXIF (GPS position, device, time); ``data`` keeps the bytes as uploaded
(kaoping.io.images).  Rows stored before stay without one: their copy is made when it is first asked for.

Revision ID: 0009_evidence_copies
Revises: 0008_case_cells
Create Date: 2026-12-05 20:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_evidence_copies"
down_revision = "0008_case_cells"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evidence") as batch:
        batch.add_column(sa.Column("shared", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evidence") as batch:
        batch.drop_column("shared")
