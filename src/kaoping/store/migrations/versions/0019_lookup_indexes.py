"""lookup indexes: the audit trail by (table, row key) and evidence photos by target — a row's history, who
entered it and its photos were found by scanning the whole trail and every photo

Revision ID: 0019_lookup_indexes
Revises: 0018_deduction_cells
Create Date: 2026-12-06 03:05:00
"""

from __future__ import annotations

from alembic import op

revision = "0019_lookup_indexes"
down_revision = "0018_deduction_cells"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_log_table_row", "audit_log", ["table_name", "row_key"])
    op.create_index(op.f("ix_evidence_target"), "evidence", ["target"])


def downgrade() -> None:
    op.drop_index(op.f("ix_evidence_target"), "evidence")
    op.drop_index("ix_audit_log_table_row", "audit_log")
