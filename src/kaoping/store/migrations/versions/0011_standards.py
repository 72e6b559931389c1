"""deductions.problem_kind, quantity, override_reason: a deduction may name a kind of problem of the scheme's
standards catalogue (扣分标准), how much of it was found (m², places) and why its points differ from the
standard (scheme/standard.py).  Rows stored before name no kind: empty text and no quantity.

Revision ID: 0011_standards
Revises: 0010_rectify
Create Date: 2026-12-05 23:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_standards"
down_revision = "0010_rectify"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deductions") as batch:
        batch.add_column(sa.Column("problem_kind", sa.String(40), nullable=False, server_default=""))
        batch.add_column(sa.Column("quantity", sa.Numeric(14, 6), nullable=True))
        batch.add_column(sa.Column("override_reason", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("deductions") as batch:
        batch.drop_column("override_reason")
        batch.drop_column("quantity")
        batch.drop_column("problem_kind")
