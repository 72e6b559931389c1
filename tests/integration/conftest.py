"""Store fixtures: every store test runs on SQLite and on PostgreSQL (the server this machine runs).

PostgreSQL tests are never skipped: if the server at KAOPING_TEST_PG_URL (default
postgresql://postgres@127.0.0.1:5432/test) cannot be reached, they fail.  Each test gets a store of its
own — a SQLite file, or the session's PostgreSQL schema emptied for it under a URL of its own — so tests
never see each other's rows.  The schema is migrated once per session (see tests/db_testing.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.requests import Request

from db_testing import Build, PostgresStores, SqliteStores
from entry_checks_testing import Client, appearance_client

PG_URL = os.environ.get("KAOPING_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def sqlite_stores(tmp_path_factory: pytest.TempPathFactory) -> SqliteStores:
    return SqliteStores(tmp_path_factory.mktemp("store-templates"))


@pytest.fixture(scope="session")
def postgresql_stores() -> Iterator[PostgresStores]:
    stores = PostgresStores(PG_URL)
    yield stores
    stores.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store's URL, already migrated (opening it with ``open_store`` migrates nothing)."""
    if request.param == "sqlite":
        sqlite: SqliteStores = request.getfixturevalue("sqlite_stores")
        yield sqlite.fresh(tmp_path)
        return
    postgresql: PostgresStores = request.getfixturevalue("postgresql_stores")
    url = postgresql.fresh()
    yield url
    postgresql.end(url)


@pytest.fixture
def restore_snapshot(request: pytest.FixtureRequest, db_url: str) -> Callable[[Build], None]:
    """``restore_snapshot(build)``: make the test's store (before it is opened) what ``build`` makes of an
    empty store — built once per session and database, then copied: the seeding of fixtures that many
    tests share."""
    name = "sqlite_stores" if db_url.startswith("sqlite") else "postgresql_stores"
    stores: SqliteStores | PostgresStores = request.getfixturevalue(name)
    return lambda build: stores.restore(db_url, build)


@pytest.fixture
def appearance(
    db_url: str, restore_snapshot: Callable[[Build], None], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Client]:
    """城管局市容环境 (inspection windows) with 2024-07 published, served, for the entry-check tests of the API
    and the pages (tests/entry_checks_testing.py)."""
    with appearance_client(db_url, restore_snapshot, monkeypatch) as found:
        yield found


@pytest.fixture
def forms_parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every form body the server parses, by path (the parser itself still runs): an upload refused for
    its role must leave this empty (issue 14, point 1)."""
    parsed: list[str] = []
    real = Request.form

    def spy(self: Request, **limits: Any) -> Any:
        parsed.append(self.url.path)
        return real(self, **limits)

    monkeypatch.setattr(Request, "form", spy)
    return parsed
