"""Connecting to the store: SQLite file by default (WAL), PostgreSQL by URL, migrated by Alembic.

The URL comes from ``--db``, else ``KAOPING_DATABASE_URL``, else ``sqlite:///kaoping.db`` in the working
folder.  ``postgresql://`` URLs are run through psycopg 3.  Every connection to SQLite turns on foreign
keys and WAL (readers do not block the one writer: the web app keeps serving while an import runs).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

ENV = "KAOPING_DATABASE_URL"
DEFAULT = "sqlite:///kaoping.db"
MIGRATIONS = Path(__file__).with_name("migrations")

T = TypeVar("T")

BUSY = ("database is locked", "deadlock detected", "could not serialize access")
"""What the database says when two writers collide and it gave up waiting (SQLite's busy timeout) or chose
a victim (PostgreSQL): the work was fine, the moment was not — worth trying again, never a traceback."""
BUSY_SQLSTATES = frozenset({"40001", "40P01"})
"""PostgreSQL's serialization failure and deadlock, whatever the message's language."""
_DRIVERS = ("psycopg", "sqlite3")


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is the database refusing a transaction for a colliding writer (:data:`BUSY`): wrapped
    by SQLAlchemy, or raised by the driver itself (a ``COPY`` runs on the raw psycopg connection)."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if getattr(orig, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    from_driver = isinstance(exc, DBAPIError) or type(orig).__module__.split(".")[0] in _DRIVERS
    return from_driver and any(text in str(orig) for text in BUSY)


def database_url(explicit: str | None = None) -> str:
    url = explicit or os.environ.get(ENV) or DEFAULT
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str | None = None) -> Engine:
    full = database_url(url)
    if full.startswith("sqlite"):
        engine = create_engine(full, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in full and full != "sqlite://":
                cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    return create_engine(full, pool_pre_ping=True)


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema (creates it on first use)."""
    command.upgrade(alembic_config(engine), "head")


def open_store(url: str | None = None) -> sessionmaker[Session]:
    """Engine + migrations + a session factory: what the CLI and the API start from."""
    engine = make_engine(url)
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)


class StoreMissing(LookupError):
    """The store to read from is not there (no file, no database, or a database without kaoping's tables)."""


def open_existing_store(url: str | None = None) -> sessionmaker[Session]:
    """Like :func:`open_store`, for a reader: a store that is not there is refused, never created.

    Opening a missing SQLite file creates it, and migrating an empty database fills it with empty tables; a
    reader (``kaoping score --db``) would then rank nobody from a store made up on the spot, and leave the
    file behind.  Raises :class:`StoreMissing` naming the store instead.
    """
    full = make_url(database_url(url))
    shown = full.render_as_string(hide_password=True)
    if full.get_backend_name() == "sqlite":
        if full.database in (None, "", ":memory:"):
            raise StoreMissing(f"考评数据库 {shown} 是空的内存数据库，没有可读的数据")
        if not Path(full.database).is_file():
            raise StoreMissing(f"考评数据库 {Path(full.database).resolve()} 不存在")
    probe = create_engine(full)  # no pragmas: looking must not turn a stranger's SQLite file to WAL
    try:
        with probe.connect() as conn:
            kept = inspect(conn).has_table("alembic_version")
    except OperationalError as exc:
        raise StoreMissing(f"无法打开考评数据库 {shown}：{exc.orig}") from exc
    finally:
        probe.dispose()
    if not kept:
        raise StoreMissing(f"{shown} 不是考评数据库（没有考评数据表）")
    return open_store(url)


def close_store(factory: sessionmaker[Session]) -> None:
    """Give back the connections of ``factory``'s engine at once: a command, a one-off read or a server
    shutting down is done with its store (a pooled engine would otherwise keep them until exit)."""
    engine = factory.kw.get("bind")
    if engine is not None:
        engine.dispose()


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed whole, or rolled back whole (nothing half-written)."""
    with factory() as session, session.begin():
        yield session


def get_or_raise(session: Session, table: type[T], key: Any, missing: Exception) -> T:
    """The row of ``table`` with primary key ``key``, else ``missing`` raised — each layer names its own
    refusal (the store an unknown result, the application layer a not-found), the look-up is one."""
    row = session.get(table, key)
    if row is None:
        raise missing
    return row


def claim_writes(session: Session) -> None:
    """On SQLite, take the database's write lock now, before the rows to be changed are read.

    pysqlite runs SELECTs outside any transaction and begins one only at the first write, so two writers
    could both read a row and the later one overwrite the earlier (a lost update, a wrong audit "before").
    A write that changes nothing begins the write transaction now (another writer waits for it, up to the
    busy timeout), so what is read next is what gets changed.  PostgreSQL locks the rows instead (FOR UPDATE).
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE units SET name = name WHERE 0"))


def savepoint(session: Session) -> SessionTransaction:
    """A savepoint (保存点) for "insert, or take the row another writer inserted first", that the enclosing
    transaction still owns: on SQLite the write lock is claimed first (:func:`claim_writes`), since a
    SAVEPOINT taken before any write would begin a transaction of its own and its RELEASE commit the row at
    once — a later rollback would leave it stored."""
    claim_writes(session)
    return session.begin_nested()


def advisory_lock(session: Session, lock_class: int, key: str) -> None:
    """On PostgreSQL, wait for the transaction-long advisory lock (``lock_class``, ``key``) of this schema.

    Advisory locks belong to the whole database, not to a schema: two stores kept in schemas of one database
    (a district's beside its city's, or two test runs) would otherwise queue behind each other's writers and
    could even deadlock on each other, one holding the audit chain and the other a period.  The schema's
    name is therefore part of the key.  SQLite has one writer at a time and needs no lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:cls, hashtext(coalesce(current_schema(), '') || '/' || :key))"),
            {"cls": lock_class, "key": key},
        )


def get_for_update(session: Session, table: type[T], key: Any, missing: Exception) -> T:
    """Like :func:`get_or_raise`, read afresh under a row lock held until commit: a change decided on what
    the row says (its status) is then made to the row as it was decided on, not as another writer left it."""
    claim_writes(session)
    row = session.get(table, key, with_for_update=True, populate_existing=True)
    if row is None:
        raise missing
    return row
