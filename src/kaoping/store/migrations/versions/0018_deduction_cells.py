"""deduction_cells: the deductions kept per unit, month, part, item and clock class
(kaoping.engine.deduction_cells), deduction_cell_stamps (when each unit's cells of a month last changed) and
deduction_cell_marks, the (unit, month) pairs whose cells a change of the deductions table has made stale —
left by triggers in the same transaction as the change, whoever makes it (a form, the API, an import, the
demo's bulk load, plain SQL), as 0008_case_cells does for cases; an index on deductions by unit and date, so
a unit's deductions of a month are read without a scan

Revision ID: 0018_deduction_cells
Revises: 0017_case_flow
Create Date: 2026-12-06 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_deduction_cells"
down_revision = "0017_case_flow"
branch_labels = None
depends_on = None

_WATCHED = "unit_id, date, part, item, points, time"

_PG_FUNCTION = """
CREATE FUNCTION kaoping_mark_deduction_cells() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO deduction_cell_marks (unit_id, month)
      SELECT DISTINCT o.unit_id, to_char(o.date, 'YYYY-MM') FROM old_rows o ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO deduction_cell_marks (unit_id, month)
      SELECT DISTINCT n.unit_id, to_char(n.date, 'YYYY-MM') FROM new_rows n ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$
"""

_PG_TRIGGERS = {
    "insert": "AFTER INSERT ON deductions REFERENCING NEW TABLE AS new_rows",
    "update": "AFTER UPDATE ON deductions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "AFTER DELETE ON deductions REFERENCING OLD TABLE AS old_rows",
}


def _sqlite_mark(row: str) -> str:
    return (
        f"INSERT OR IGNORE INTO deduction_cell_marks (unit_id, month) VALUES ({row}.unit_id, substr({row}.date, 1, 7));"
    )


_SQLITE_TRIGGERS = {
    "insert": ("AFTER INSERT ON deductions", [_sqlite_mark("NEW")]),
    "update": (f"AFTER UPDATE OF {_WATCHED} ON deductions", [_sqlite_mark("OLD"), _sqlite_mark("NEW")]),
    "delete": ("AFTER DELETE ON deductions", [_sqlite_mark("OLD")]),
}


def upgrade() -> None:
    op.create_table(
        "deduction_cells",
        sa.Column("unit_id", sa.String(length=100), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=100), nullable=False),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("clock", sa.Integer(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", "month", "part", "item", "clock", name=op.f("pk_deduction_cells")),
    )
    op.create_table(
        "deduction_cell_stamps",
        sa.Column("unit_id", sa.String(length=100), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", "month", name=op.f("pk_deduction_cell_stamps")),
    )
    op.create_index(op.f("ix_deduction_cell_stamps_version"), "deduction_cell_stamps", ["version"])
    op.create_table(
        "deduction_cell_marks",
        sa.Column("unit_id", sa.String(length=100), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", "month", name=op.f("pk_deduction_cell_marks")),
    )
    op.create_index("ix_deductions_unit_date", "deductions", ["unit_id", "date"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        for event, when in _PG_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER deductions_mark_cells_{event} {when} FOR EACH STATEMENT "
                "EXECUTE FUNCTION kaoping_mark_deduction_cells()"
            )
        month = "to_char(date, 'YYYY-MM')"
    else:
        for event, (when, body) in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER deductions_mark_cells_{event} {when} BEGIN {' '.join(body)} END")
        month = "substr(date, 1, 7)"
    # the deductions already stored: every (unit, month) they sit in is stale until first read
    op.execute(f"INSERT INTO deduction_cell_marks (unit_id, month) SELECT DISTINCT unit_id, {month} FROM deductions")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for event in _PG_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS deductions_mark_cells_{event}" + (" ON deductions" if postgres else ""))
    if postgres:
        op.execute("DROP FUNCTION kaoping_mark_deduction_cells()")
    op.drop_index("ix_deductions_unit_date", "deductions")
    op.drop_table("deduction_cell_marks")
    op.drop_index(op.f("ix_deduction_cell_stamps_version"), "deduction_cell_stamps")
    op.drop_table("deduction_cell_stamps")
    op.drop_table("deduction_cells")
