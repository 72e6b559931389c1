"""unit_areas: each unit's area as GeoJSON, for the dashboard map (kaoping.store.tables.UnitArea)

Revision ID: 0003_unit_areas
Revises: 0002_open311
Create Date: 2026-11-25 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_unit_areas"
down_revision = "0002_open311"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unit_areas",
        sa.Column("unit_id", sa.String(length=100), nullable=False),
        sa.Column("geometry", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.unit_id"], name=op.f("fk_unit_areas_unit_id_units")),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_unit_areas")),
    )


def downgrade() -> None:
    op.drop_table("unit_areas")
