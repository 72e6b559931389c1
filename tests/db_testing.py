"""Fresh stores for the store-backed tests, with the schema migrated once per test session (and per xdist
worker), not once per test; and the stores that many tests start from (a city seeded, a quarter published)
built once, not once per test.  Alembic's run and that seeding were most of the suite's setup time.

SQLite: the migrated store is a template file, copied for each test (each test has its own file).
PostgreSQL: one schema per session, migrated once; before each test every table is emptied and every
sequence restarted (a few ms), and the test gets a URL of its own (a distinct ``application_name``), so
nothing keyed by the URL — the pages' result cache — can outlive the test.  When the test ends, any
connection it left open is closed, so the next test's reset never waits on a lock it left behind.

A *snapshot* is a store filled once by a builder (city-1000 seeded, a quarter published …) and then
restored into each test's store that asks for it: a file copy on SQLite, ``INSERT … SELECT`` from a
schema kept for the session on PostgreSQL.  The rows are the builder's rows, ids and sequences included.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.orm import Session, sessionmaker

import kaoping.open311.tables
import kaoping.store.case_flow_tables
import kaoping.store.cell_tables
import kaoping.store.field_tables
import kaoping.store.integrity_tables
import kaoping.store.plan_tables
import kaoping.store.rectify_tables
import kaoping.store.result_tables
import kaoping.store.survey_tables  # noqa: F401  (likewise)
from kaoping.store.db import open_store
from kaoping.store.tables import Base

Build = Callable[[str], None]
"""Fills the (migrated, empty) store at the URL it is given; must close every connection it opens."""

TABLES = [t.name for t in Base.metadata.sorted_tables]
"""Every store table, parents before children (the order rows can be inserted in)."""


def dispose(factory: sessionmaker[Session]) -> None:
    """Close the pool behind a session factory from ``open_store``."""
    engine = factory.kw.get("bind")
    if isinstance(engine, Engine):
        engine.dispose()


@contextmanager
def opened_store(url: str) -> Iterator[sessionmaker[Session]]:
    """The store at ``url`` for a fixture's builder, its pool closed afterwards (a snapshot is copied next)."""
    factory = open_store(url)
    try:
        yield factory
    finally:
        dispose(factory)


def _migrate(url: str) -> None:
    dispose(open_store(url))


class SqliteStores:
    """Template files in ``folder``: the migrated store, and one per snapshot."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.templates: dict[Build | None, Path] = {}
        """builder → its template file (None: the migrated, empty store)"""

    @staticmethod
    def url(path: Path) -> str:
        return f"sqlite:///{path}"

    def _template(self, build: Build | None) -> Path:
        if build not in self.templates:
            path = self.folder / f"template-{len(self.templates)}.db"
            _migrate(self.url(path))
            if build is not None:
                build(self.url(path))
            with sqlite3.connect(path) as conn:  # everything in the main file: the copy is the whole store
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
            self.templates[build] = path
        return self.templates[build]

    def fresh(self, folder: Path) -> str:
        """A migrated, empty store of the test's own (``folder``/kaoping.db)."""
        path = folder / "kaoping.db"
        shutil.copyfile(self._template(None), path)
        return self.url(path)

    def restore(self, url: str, build: Build) -> None:
        """Make the test's store (not opened yet) the snapshot ``build`` fills, built on first use."""
        path = Path(make_url(url).database or "")
        for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            assert not leftover.exists(), f"restore a snapshot before opening the store ({leftover})"
        shutil.copyfile(self._template(build), path)

    def end(self, url: str) -> None:
        """Nothing to do: the test's file goes with its tmp_path."""


class PostgresStores:
    """A schema per session that every test uses in turn, and a schema per snapshot."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        # the resets' commits need not wait for the disk: a test session's stores do not outlive a crash
        self.admin = create_engine(
            make_url("postgresql+psycopg://" + server_url.split("://", 1)[1]),
            connect_args={"options": "-c synchronous_commit=off"},
        )
        self.tag = uuid.uuid4().hex[:10]
        self.work = f"t_{self.tag}"
        self.snapshots: dict[Build, str] = {}
        """builder → the schema that holds its snapshot"""
        self.sequences: dict[str, list[tuple[str, int, bool]]] = {}
        """schema → (sequence, last value, called) of each of its sequences, read once: the schemas whose
        sequences are read (the start and the snapshots) never change"""
        self._create(self.work)
        self._check_migrated(self.work)
        self.sequences[""] = self._read_sequences(self.work)

    def url(self, schema: str, name: str) -> str:
        sep = "&" if "?" in self.server_url else "?"
        return f"{self.server_url}{sep}options={quote(f'-csearch_path={schema}')}&application_name={name}"

    def _create(self, schema: str) -> None:
        with self.admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        name = f"kaoping-migrate-{self.tag}"
        _migrate(self.url(schema, name))
        self._close_connections(name)

    def _check_migrated(self, schema: str) -> None:
        """The reset below knows the tables from the models: the migrated schema must have exactly those,
        all empty (a migration that seeds rows would need the reset to keep them)."""
        with self.admin.connect() as conn:
            found = set(conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}))
            assert found == {*TABLES, "alembic_version"}, f"migrated tables differ from the models: {found}"
            for table in TABLES:
                assert not conn.scalar(text(f'SELECT EXISTS (SELECT 1 FROM "{schema}"."{table}")')), table

    def fresh(self) -> str:
        """The session's schema, emptied, under a URL of the test's own."""
        self._reset(source=None)
        return self.url(self.work, f"kaoping-test-{uuid.uuid4().hex[:12]}")

    def restore(self, url: str, build: Build) -> None:
        """Fill the session's schema with the snapshot ``build`` fills (built on first use)."""
        if build not in self.snapshots:
            schema = f"s_{self.tag}_{len(self.snapshots)}"
            self._create(schema)
            name = f"kaoping-snapshot-{self.tag}"
            build(self.url(schema, name))
            self._close_connections(name)
            self.snapshots[build] = schema
            self.sequences[schema] = self._read_sequences(schema)
        self._reset(source=self.snapshots[build])

    def _reset(self, source: str | None) -> None:
        """Empty every table of the session's schema (children first), copy ``source``'s rows in (parents
        first), and set every sequence where ``source`` has it (or back to its start): one round trip."""
        work = self.work
        # replica role: no triggers fire, so the audit trail's append-only trigger lets the test reset empty it
        statements = ["SET LOCAL lock_timeout = '20s'", "SET LOCAL session_replication_role = replica"]
        statements += [f'DELETE FROM "{work}"."{table}"' for table in reversed(TABLES)]
        if source is not None:
            statements += [f'INSERT INTO "{work}"."{table}" SELECT * FROM "{source}"."{table}"' for table in TABLES]
        setvals = [
            f'setval(\'"{work}"."{seq}"\', {value}, {called})' for seq, value, called in self.sequences[source or ""]
        ]
        statements.append("SELECT " + ", ".join(setvals))
        with self.admin.begin() as conn:
            conn.exec_driver_sql(";\n".join(statements))

    def _read_sequences(self, schema: str) -> list[tuple[str, int, bool]]:
        with self.admin.connect() as conn:
            names = conn.scalars(
                text(
                    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE c.relkind = 'S' AND n.nspname = :s ORDER BY c.relname"
                ),
                {"s": schema},
            ).all()
            found = []
            for name in names:
                value, called = conn.execute(text(f'SELECT last_value, is_called FROM "{schema}"."{name}"')).one()
                found.append((name, int(value), bool(called)))
        assert found, f"no sequence in {schema}"
        return found

    def end(self, url: str) -> None:
        """Close every connection the test left open (by its application_name)."""
        name = make_url(url).query.get("application_name")
        assert isinstance(name, str)
        self._close_connections(name)

    def _close_connections(self, name: str) -> None:
        with self.admin.begin() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )

    def close(self) -> None:
        """Drop the session's schemas, each in a transaction of its own: a DROP ... CASCADE locks every object
        of the schema until commit, and a session's dozen schemas of ~60 tables each in one transaction ran the
        server out of lock slots (``max_locks_per_transaction``, "out of shared memory")."""
        for schema in [self.work, *self.snapshots.values()]:
            with self.admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        self.admin.dispose()
