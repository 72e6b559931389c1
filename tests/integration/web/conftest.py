"""Web fixtures: city-1000 in a fresh store (SQLite and PostgreSQL via ``db_url``), 2024-Q2 published.

Accounts: ``admin`` (考评办) and ``jiaqu`` (被考评单位 甲区), both with PASSWORD.  Test modules reach
the helpers through the ``web`` fixture; they never import this file, which pytest loads by path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import ClassVar

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from db_testing import Build, dispose, opened_store
from examples_testing import EXAMPLES
from kaoping.app.publish import compute_draft, publish, review
from kaoping.server import create_app
from kaoping.store import users
from kaoping.store.db import open_store, transaction
from kaoping.store.users import create_user
from store_testing import write_all_facts
from web_testing import PASSWORD, SignedInSite

CITY = EXAMPLES / "city-1000"
SECRET = "test-secret-" + "w" * 32


@dataclass
class Web(SignedInSite):
    """The app's test client on the seeded store, and a way to sign in as an account (cookie session)."""

    SCHEME: ClassVar[str] = "city-1000"
    PERIOD: ClassVar[str] = "2024-Q2"

    def publish(self, reason: str = "") -> None:
        """Compute, review and publish 2024-Q2 (a correction when ``reason`` is given)."""
        _publish(self.factory, reason)


def _publish(factory: sessionmaker[Session], reason: str = "") -> None:
    with transaction(factory) as s:
        rid = compute_draft(s, scheme=Web.SCHEME, period=Web.PERIOD, actor="计算员", reason=reason).id
        review(s, rid, actor="审核员")
        publish(s, rid, actor="发布员")


def _seeded_and_published(url: str) -> None:
    """The store every web test starts from: city-1000, the two accounts, 2024-Q2 published."""
    with opened_store(url) as factory:
        with transaction(factory) as s:
            write_all_facts(s, CITY)
            create_user(s, username="admin", password=PASSWORD, role="admin", display_name="考评办")
            create_user(s, username="jiaqu", password=PASSWORD, role="unit", display_name="甲区", unit_id="d1")
        _publish(factory)


@pytest.fixture
def web(db_url: str, restore_snapshot: Callable[[Build], None], monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    # production argon2 cost is irrelevant to what these tests check, and slow
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    restore_snapshot(_seeded_and_published)  # built once per session and database, copied for each test
    factory = open_store(db_url)
    # the period page's tests compute and review as one admin; separation of duties has its own tests
    app = create_app(db_url, secret=SECRET, schemes=["city-1000"], separation_of_duties=False)
    try:
        with TestClient(app) as client:
            yield Web(client=client, factory=factory)
    finally:
        dispose(factory)
