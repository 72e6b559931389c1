"""import_rows: the hash of every row an import batch wrote, so ``verify --audit`` can name a row edited
behind the application's back although the batch has one audit entry (kaoping.store.batch_write)

Revision ID: 0006_import_rows
Revises: 0005_fact_snapshots
Create Date: 2026-12-05 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_import_rows"
down_revision = "0005_fact_snapshots"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_rows",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("src_row", sa.Integer(), nullable=False),
        sa.Column("row_hash", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], name=op.f("fk_import_rows_import_id_imports")),
        sa.PrimaryKeyConstraint("import_id", "src_row", name=op.f("pk_import_rows")),
    )


def downgrade() -> None:
    op.drop_table("import_rows")
