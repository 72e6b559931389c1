"""evidence integrity: each photo's content address (sha256), difference hash and EXIF time and position,
read before the EXIF is stripped, and evidence_flags — what the checks found, for the office to review
(kaoping.app.evidence_integrity).  Rows stored before keep None in the new columns (not checked).

The database keeps both as records: no photo or flag may be deleted, a photo's bytes and content address
never change (its cleaned copy may still be made later), and a flag's finding never changes — only its
review is set, once (triggers; a later SQLite batch ALTER of these tables must create them again).

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

    _refusals()


KEPT = "evidence is kept as stored (照片与核验标记不得删除或改动)"
_PHOTO_CHANGED = (
    "OLD.data IS DISTINCT FROM NEW.data OR (OLD.sha256 IS NOT NULL AND OLD.sha256 IS DISTINCT FROM NEW.sha256)"
)
_FLAG_CHANGED = (
    "OLD.kind IS DISTINCT FROM NEW.kind OR OLD.evidence_id IS DISTINCT FROM NEW.evidence_id"
    " OR OLD.other_id IS DISTINCT FROM NEW.other_id"
    " OR CAST(OLD.detail AS TEXT) IS DISTINCT FROM CAST(NEW.detail AS TEXT)"
    " OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.reviewed_at IS NOT NULL"
)
"""A flag may change only from not reviewed to reviewed (json has no equality in PostgreSQL: compared as text)."""


def _refusals() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, changed in (("evidence", _PHOTO_CHANGED), ("evidence_flags", _FLAG_CHANGED)):
            op.execute(
                f"CREATE FUNCTION kaoping_{table}_kept() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF TG_OP = 'DELETE' OR {changed} THEN RAISE EXCEPTION '{KEPT}'; END IF; RETURN NEW; END $$"
            )
            op.execute(
                f"CREATE TRIGGER {table}_kept BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION kaoping_{table}_kept()"
            )
        return
    for table, changed in (("evidence", _PHOTO_CHANGED), ("evidence_flags", _FLAG_CHANGED)):
        sqlite = changed.replace("IS DISTINCT FROM", "IS NOT")
        op.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, '{KEPT}'); END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE ON {table} WHEN {sqlite} "
            f"BEGIN SELECT RAISE(ABORT, '{KEPT}'); END"
        )


def downgrade() -> None:
    for table in ("evidence", "evidence_flags"):
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER {table}_kept ON {table}")
            op.execute(f"DROP FUNCTION kaoping_{table}_kept()")
        else:
            op.execute(f"DROP TRIGGER {table}_no_delete")
            op.execute(f"DROP TRIGGER {table}_no_change")
    op.drop_table("evidence_flags")
    with op.batch_alter_table("evidence") as batch:
        batch.drop_index(batch.f("ix_evidence_sha256"))
        for column in ("longitude", "latitude", "taken_at", "dhash", "sha256"):
            batch.drop_column(column)
