"""case_cell_writers: a writer that counts its own changes of ``cases`` into the case cells (the application's
write path, kaoping.store.case_cell_deltas) holds a row here for the length of its write, and the cells'
triggers of 0008_case_cells leave no mark while the writing transaction sees one — every other writer (an
import, the demo's bulk load, plain SQL) sees none (the row is never committed) and still leaves its marks

Revision ID: 0020_case_cell_writers
Revises: 0019_lookup_indexes
Create Date: 2026-12-06 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_case_cell_writers"
down_revision = "0019_lookup_indexes"
branch_labels = None
depends_on = None

_MONTHS = "({r}.dispatched_at), (COALESCE({r}.closed_at, {r}.disposed_at))"
_WATCHED = (
    "unit_id, dispatched_at, deadline, disposed_at, closed_at, rework_count, verify_failed, postponed, "
    "channel, satisfaction, repeat_of"
)
_SKIP = "  IF EXISTS (SELECT 1 FROM case_cell_writers) THEN RETURN NULL; END IF;\n"

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION kaoping_mark_case_cells() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{skip}  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO case_cell_marks (unit_id, month)
      SELECT DISTINCT o.unit_id, to_char(v.m, 'YYYY-MM') FROM old_rows o, LATERAL (VALUES {old}) v(m)
      WHERE v.m IS NOT NULL ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO case_cell_marks (unit_id, month)
      SELECT DISTINCT n.unit_id, to_char(v.m, 'YYYY-MM') FROM new_rows n, LATERAL (VALUES {new}) v(m)
      WHERE v.m IS NOT NULL ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$
"""


def _pg_function(skip: bool) -> str:
    return _PG_FUNCTION.format(skip=_SKIP if skip else "", old=_MONTHS.format(r="o"), new=_MONTHS.format(r="n"))


def _sqlite_marks(row: str) -> str:
    """As 0008_case_cells: the (unit, month) pairs a changed case sits in are marked stale."""
    return (
        "INSERT OR IGNORE INTO case_cell_marks (unit_id, month) "
        f"SELECT {row}.unit_id, substr(m, 1, 7) FROM "
        f"(SELECT {row}.dispatched_at AS m UNION ALL SELECT COALESCE({row}.closed_at, {row}.disposed_at)) "
        "WHERE m IS NOT NULL;"
    )


def _sqlite_triggers(skip: bool) -> None:
    when = " WHEN NOT EXISTS (SELECT 1 FROM case_cell_writers)" if skip else ""
    triggers = {
        "insert": ("AFTER INSERT ON cases", _sqlite_marks("NEW")),
        "update": (f"AFTER UPDATE OF {_WATCHED} ON cases", _sqlite_marks("OLD") + " " + _sqlite_marks("NEW")),
        "delete": ("AFTER DELETE ON cases", _sqlite_marks("OLD")),
    }
    for event, (on, body) in triggers.items():
        op.execute(f"DROP TRIGGER IF EXISTS cases_mark_cells_{event}")
        op.execute(f"CREATE TRIGGER cases_mark_cells_{event} {on} FOR EACH ROW{when} BEGIN {body} END")


def upgrade() -> None:
    op.create_table(
        "case_cell_writers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_cell_writers")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_pg_function(skip=True))
    else:
        _sqlite_triggers(skip=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_pg_function(skip=False))
    else:
        _sqlite_triggers(skip=False)
    op.drop_table("case_cell_writers")
