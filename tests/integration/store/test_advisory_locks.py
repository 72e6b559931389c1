"""PostgreSQL advisory locks are the schema's own: a store in another schema of the same database neither waits
for them nor deadlocks on them (CI once saw two test schemas deadlock, one holding the audit chain and the
other a period), while a second writer of the same schema still waits its turn."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from db_testing import PostgresStores
from kaoping.store.db import advisory_lock, make_engine

_CLASS, _KEY = 7427, "district-onsite/2024-05"


def _try_lock(url: str) -> bool:
    """Whether a new connection to ``url`` gets the lock within 300 ms (then lets it go)."""
    engine = make_engine(url)
    try:
        with Session(engine) as session, session.begin():
            session.execute(text("SET LOCAL lock_timeout = '300ms'"))
            try:
                advisory_lock(session, _CLASS, _KEY)
            except OperationalError as exc:
                assert "lock timeout" in str(exc)
                return False
            return True
    finally:
        engine.dispose()


def test_a_lock_held_in_one_schema_holds_back_only_that_schema(postgresql_stores: PostgresStores) -> None:
    url = postgresql_stores.fresh()
    other = re.sub(r"search_path%3D[^&]+", "search_path%3Dpublic", url)
    assert other != url
    engine = make_engine(url)
    try:
        with Session(engine) as holder, holder.begin():
            advisory_lock(holder, _CLASS, _KEY)
            assert _try_lock(other), "a store in another schema waited for this schema's lock"
            assert not _try_lock(url), "a second writer of the same schema did not wait"
        assert _try_lock(url), "the lock outlived its transaction"
    finally:
        engine.dispose()
        postgresql_stores.end(url)


@pytest.mark.parametrize("key", ["", "x" * 500])
def test_any_key_takes_a_lock(postgresql_stores: PostgresStores, key: str) -> None:
    url = postgresql_stores.fresh()
    engine = make_engine(url)
    try:
        with Session(engine) as session, session.begin():
            advisory_lock(session, _CLASS, key)
            held = session.scalar(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
            )
            assert held == 1
    finally:
        engine.dispose()
        postgresql_stores.end(url)
