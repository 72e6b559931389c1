"""API fixtures: a seeded store (SQLite and PostgreSQL, via ``db_url``), one account per role, a client.

The office runs ``office.yaml`` (scheme ``test-office``: city-1000 plus a deduction part 督查考评), so every
role has something it may write and the whole store fits the one scheme, as the engine requires.  The
app's clock is part of the fixture, so the appeal window can be left without waiting a week.  Test
modules reach constants and row builders through the ``api`` fixture (``api.score_row()``, ``Api.PNG``):
they never import this file, which pytest loads by path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from db_testing import Build, dispose, opened_store
from examples_testing import EXAMPLES
from images_testing import PNG
from kaoping.io.readers import read_facts
from kaoping.server import create_app
from kaoping.store import users
from kaoping.store.audit import AuditWriter, now
from kaoping.store.db import open_store, transaction
from kaoping.store.facts import write_facts
from kaoping.store.users import create_user

PASSWORD = "password-1"
SECRET = "test-secret-" + "x" * 32
OFFICE = Path(__file__).with_name("office.yaml")
SCHEME = "test-office"
SCHEMES = [str(OFFICE)]

ACCOUNTS: dict[str, dict[str, Any]] = {
    "admin": {"role": "admin", "display_name": "考评办"},
    # 市城管局 scores 生活垃圾收运 in 部门考评, and all of 社会评价
    "cgj": {
        "role": "department",
        "display_name": "市城管局",
        "parts": ["部门考评/生活垃圾收运(含城乡环卫一体化)", "社会评价"],
    },
    # 市交警支队 scores 交通秩序管理 in 部门考评 only
    "jj": {"role": "department", "display_name": "市交警支队", "parts": ["部门考评/交通秩序管理"]},
    "dcy": {"role": "inspector", "display_name": "督查员"},
    "dsf": {"role": "third_party", "display_name": "第三方机构", "parts": ["第三方测评"]},
    "jiaqu": {"role": "unit", "display_name": "甲区", "unit_id": "d1"},
    "yiqu": {"role": "unit", "display_name": "乙区", "unit_id": "d2"},
    "citizen": {"role": "public", "display_name": "市民"},
    # the 数字城管 centre (issue #17): intake and 立案, dispatch, verification
    "shouli": {"role": "acceptor", "display_name": "受理员"},
    "paiqian": {"role": "dispatcher", "display_name": "派遣员"},
    "jiandu": {"role": "supervisor", "display_name": "监督员"},
}
"""username → account; the password of every one is PASSWORD."""


@dataclass
class Api:
    """A running app on a seeded store, with helpers to act as each account."""

    PASSWORD: ClassVar[str] = PASSWORD
    SCHEME: ClassVar[str] = SCHEME
    PNG: ClassVar[bytes] = PNG

    client: TestClient
    factory: sessionmaker[Session]
    shift: list[timedelta] = field(default_factory=lambda: [timedelta(0)])
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, username: str) -> str:
        """A bearer token for ``username`` (signed in once; cookies of that sign-in are dropped)."""
        if username not in self.tokens:
            r = self.client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
            assert r.status_code == 200, r.text
            self.tokens[username] = r.json()["access_token"]
            self.client.cookies.clear()
        return self.tokens[username]

    def as_(self, username: str | None) -> dict[str, str]:
        """Headers acting as ``username`` (None: anonymous)."""
        return {} if username is None else {"Authorization": f"Bearer {self.token(username)}"}

    @staticmethod
    def score_row(**changes: Any) -> dict[str, Any]:
        """A valid city-1000 部门考评 row for d1 (交通秩序管理), with ``changes``."""
        row: dict[str, Any] = {
            "period": "2024-Q2",
            "unit_id": "d1",
            "part": "部门考评",
            "item": "交通秩序管理",
            "score": 128,
        }
        return row | changes

    @staticmethod
    def deduction_row(**changes: Any) -> dict[str, Any]:
        """A valid 督查考评 deduction for d1."""
        row: dict[str, Any] = {
            "date": "2024-05-20",
            "unit_id": "d1",
            "part": "督查考评",
            "item": "道路保洁",
            "points": 1.5,
            "source": "市督查组",
            "problem": "路面垃圾",
        }
        return row | changes

    def audit(self, **params: str) -> list[dict[str, Any]]:
        r = self.client.get("/api/audit", params=params, headers=self.as_("admin"))
        assert r.status_code == 200, r.text
        rows: list[dict[str, Any]] = r.json()
        return rows


def seed(url: str) -> None:
    """city-1000's units, scores and honors, and every account of ACCOUNTS."""
    city = read_facts(EXAMPLES / "city-1000")
    with opened_store(url) as factory, transaction(factory) as s:
        audit = AuditWriter(s, "seed", reason="test data")
        for kind in ("units", "scores", "honors"):
            write_facts(s, kind, getattr(city, kind), audit=audit)
        audit.flush()
        for username, spec in ACCOUNTS.items():
            create_user(s, username=username, password=PASSWORD, **spec)


@pytest.fixture
def api(db_url: str, restore_snapshot: Callable[[Build], None], monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    # argon2 with its production cost takes ~0.4 s a hash here; the API's tests are not about its cost
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    restore_snapshot(seed)  # built once per session and database, copied for each test
    factory = open_store(db_url)
    shift = [timedelta(0)]
    # one admin account computes, reviews and publishes in these tests, which are about roles and steps, not
    # about separation of duties (tests/integration/api/test_separation.py switches it on)
    app = create_app(
        db_url,
        secret=SECRET,
        schemes=SCHEMES,
        appeal_days=7,
        clock=lambda: now() + shift[0],
        separation_of_duties=False,
    )
    try:
        with TestClient(app) as client:
            yield Api(client=client, factory=factory, shift=shift)
    finally:
        dispose(factory)
