"""case_cells: the case metrics kept per unit, month and count (kaoping.cases.cells), case_cell_months (when
each month's cells last changed), and case_cell_marks,
the (unit, month) pairs whose cells a change of the cases table has made stale — left by triggers in the
same transaction as the change, whoever makes it (a form, an import, the demo's bulk load, plain SQL);
indexes on cases by unit and time, so a unit's cases of a month are read without a scan

Revision ID: 0008_case_cells
Revises: 0007_login_guard
Create Date: 2026-12-05 20:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_case_cells"
down_revision = "0007_login_guard"
branch_labels = None
depends_on = None

# the months a case's cells sit in: its dispatch month, and the month its failures count in
_MONTHS = "({r}.dispatched_at), (COALESCE({r}.closed_at, {r}.disposed_at))"
_WATCHED = "unit_id, dispatched_at, deadline, disposed_at, closed_at, rework_count, verify_failed, postponed"

_PG_FUNCTION = """
CREATE FUNCTION kaoping_mark_case_cells() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
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
""".format(old=_MONTHS.format(r="o"), new=_MONTHS.format(r="n"))

_PG_TRIGGERS = {
    "insert": "AFTER INSERT ON cases REFERENCING NEW TABLE AS new_rows",
    "update": "AFTER UPDATE ON cases REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "AFTER DELETE ON cases REFERENCING OLD TABLE AS old_rows",
}


def _sqlite_marks(row: str) -> str:
    return (
        "INSERT OR IGNORE INTO case_cell_marks (unit_id, month) "
        f"SELECT {row}.unit_id, substr(m, 1, 7) FROM "
        f"(SELECT {row}.dispatched_at AS m UNION ALL SELECT COALESCE({row}.closed_at, {row}.disposed_at)) "
        "WHERE m IS NOT NULL;"
    )


_SQLITE_TRIGGERS = {
    "insert": ("AFTER INSERT ON cases", [_sqlite_marks("NEW")]),
    "update": (f"AFTER UPDATE OF {_WATCHED} ON cases", [_sqlite_marks("OLD"), _sqlite_marks("NEW")]),
    "delete": ("AFTER DELETE ON cases", [_sqlite_marks("OLD")]),
}


def upgrade() -> None:
    op.create_table(
        "case_cells",
        sa.Column("unit_id", sa.String(length=100), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=20), nullable=False),
        sa.Column("settle", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", "month", "measure", "settle", name=op.f("pk_case_cells")),
    )
    op.create_table(
        "case_cell_months",
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_case_cell_months")),
    )
    op.create_table(
        "case_cell_marks",
        sa.Column("unit_id", sa.String(length=100), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", "month", name=op.f("pk_case_cell_marks")),
    )
    for column in ("dispatched_at", "closed_at", "disposed_at"):
        op.create_index(f"ix_cases_unit_{column}", "cases", ["unit_id", column])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        for event, when in _PG_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER cases_mark_cells_{event} {when} FOR EACH STATEMENT "
                "EXECUTE FUNCTION kaoping_mark_case_cells()"
            )
        months = "to_char(v.m, 'YYYY-MM')"
    else:
        for event, (when, body) in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER cases_mark_cells_{event} {when} BEGIN {' '.join(body)} END")
        months = "substr(v.m, 1, 7)"
    # the cases already stored: every (unit, month) they sit in is stale until first read
    op.execute(
        f"INSERT INTO case_cell_marks (unit_id, month) SELECT DISTINCT unit_id, {months} FROM "
        "(SELECT unit_id, dispatched_at AS m FROM cases UNION ALL "
        "SELECT unit_id, COALESCE(closed_at, disposed_at) FROM cases) v WHERE v.m IS NOT NULL"
    )


def downgrade() -> None:
    for event in _PG_TRIGGERS:
        op.execute(
            f"DROP TRIGGER IF EXISTS cases_mark_cells_{event}"
            + (" ON cases" if op.get_bind().dialect.name == "postgresql" else "")
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION kaoping_mark_case_cells()")
    for column in ("dispatched_at", "closed_at", "disposed_at"):
        op.drop_index(f"ix_cases_unit_{column}", "cases")
    op.drop_table("case_cell_marks")
    op.drop_table("case_cell_months")
    op.drop_table("case_cells")
