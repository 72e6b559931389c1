"""What store-backed tests share: writing a whole data folder (or Facts) into a store, audited like an import;
a store holding one example folder."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session, sessionmaker

from examples_testing import EXAMPLES
from kaoping.facts import FILE_NAMES, Facts
from kaoping.io.readers import read_facts
from kaoping.store.audit import AuditWriter
from kaoping.store.db import open_store, transaction
from kaoping.store.facts import write_facts


def write_all_facts(s: Session, facts: Facts | Path, actor: str = "seed", reason: str = "test data") -> None:
    """Write every fact kind of ``facts`` (or of the folder it names) in the session's transaction."""
    found = read_facts(facts) if isinstance(facts, Path) else facts
    audit = AuditWriter(s, actor, reason=reason)
    for kind in FILE_NAMES:
        write_facts(s, kind, getattr(found, kind), audit=audit)
    audit.flush()


def example_store(db_url: str, example: str = "city-1000") -> sessionmaker[Session]:
    """The store at ``db_url`` with examples/``example`` written by an importer (the caller disposes of it)."""
    factory = open_store(db_url)
    with transaction(factory) as s:
        write_all_facts(s, EXAMPLES / example, "importer", "首次导入")
    return factory


def published_example_store(db_url: str, period: str = "2024-Q2") -> sessionmaker[Session]:
    """:func:`example_store` with city-1000's ``period`` computed, reviewed and published by three people."""
    from kaoping.app.publish import compute_draft, publish, review

    factory = example_store(db_url)
    with transaction(factory) as s:
        rid = compute_draft(s, scheme="city-1000", period=period, actor="计算员").id
        review(s, rid, actor="审核员")
        publish(s, rid, actor="发布员")
    return factory


def write_xlsx(folder: Path, book: Path) -> None:
    """The folder's CSV files as sheets, numbers as number cells (as an office's Excel would hold them)."""
    import csv

    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for path in sorted(folder.glob("*.csv")):
        sheet = wb.create_sheet(path.stem)
        with path.open(encoding="utf-8-sig") as f:
            for i, row in enumerate(csv.reader(f)):
                sheet.append([_cell(v) if i else v for v in row])
    wb.save(book)


def _cell(value: str) -> object:
    try:
        return float(value)
    except ValueError:
        return value


def insert_unit(conn: Connection, unit_id: str, name: str) -> None:
    """One unit written in plain SQL, as a migration test needs it before a migration's own rows (the models
    may already hold columns the migrated schema has not got yet)."""
    conn.execute(
        text(
            "INSERT INTO units (unit_id, name, group_name, reward_eligible, src_file, src_row)"
            " VALUES (:unit_id, :name, '一组', 1, '', 0)"
        ),
        {"unit_id": unit_id, "name": name},
    )


def schema_diffs(url: str) -> list[object]:
    """How the migrated schema at ``url`` differs from the models (alembic's comparison): a migration test
    keeps the differences that name its own tables."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from kaoping.store.tables import Base

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))
    finally:
        engine.dispose()


def imported_demo_city(url: str) -> sessionmaker[Session]:
    """The demo city's example folder put in the store at ``url`` by ``kaoping import`` (its own transaction,
    as an office would): a store whose kept cells the import itself must have counted."""
    from typer.testing import CliRunner

    from kaoping.cli import app

    args = ["import", str(EXAMPLES / "demo-city"), "--scheme", "demo-city", "--db", url, "--confirm"]
    done = CliRunner().invoke(app, [*args, "--reason", "示例数据"])
    assert done.exit_code == 0, done.output
    return open_store(url)
