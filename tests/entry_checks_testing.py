"""What the entry-check tests share (issue 12, point 3): the city-appearance store (inspection windows
07:00–22:00 in summer, 市容环境 worth 100), an inspector, 2024-07 published, and the three cases the issue
names — the 2031 typo, the 250-point deduction and the 23:45 entry — as changes to one valid deduction.

The application's clock stands at 2024-12-20 noon, so "today" does not depend on when the tests run.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import openpyxl
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db_testing import Build, dispose, opened_store
from examples_testing import EXAMPLES
from kaoping.app.publish import compute_draft, publish, review
from kaoping.server import create_app
from kaoping.store import users
from kaoping.store.db import open_store, transaction
from kaoping.store.tables import AuditEntry
from kaoping.store.users import create_user
from store_testing import write_all_facts

APPEARANCE = EXAMPLES / "city-appearance"
SCHEME = "city-appearance"
PASSWORD = "password-1"
SECRET = "entry-checks-" + "e" * 32
CLOCK = datetime(2024, 12, 20, 12, 0)
PUBLISHED = "2024-07"

DEDUCTION: dict[str, Any] = {
    "date": "2024-08-05",
    "time": "10:00",
    "unit_id": "zf1",
    "part": "市容环境",
    "item": "市容秩序",
    "points": 2,
    "source": "日常巡查",
    "problem": "店外堆放杂物",
    "location": "胜利东路",
}
"""A deduction nothing objects to: August (not published), inside the window, 2 of 100 points."""

CASES: dict[str, dict[str, Any]] = {
    "typo-2031": {"date": "2031-01-01"},
    "points-250": {"points": 250},
    "time-2345": {"time": "23:45"},
}
"""The issue's three cases as changes to :data:`DEDUCTION`."""
COLUMN = {"typo-2031": "date", "points-250": "points", "time-2345": "time"}
"""The column each case's problem names."""
REFUSED = {"typo-2031"}
"""Refused outright (never confirmable); the others need a confirmation with a reason."""
HEADER = list(DEDUCTION)


def deduction(**changes: Any) -> dict[str, Any]:
    return DEDUCTION | changes


def seed(url: str) -> None:
    """city-appearance's units and deductions, the office and an inspector, 2024-07 published."""
    with opened_store(url) as factory:
        with transaction(factory) as s:
            write_all_facts(s, APPEARANCE)
            create_user(s, username="admin", password=PASSWORD, role="admin", display_name="考评办")
            create_user(s, username="dcy", password=PASSWORD, role="inspector", display_name="督查一组")
        with transaction(factory) as s:
            rid = compute_draft(s, scheme=SCHEME, period=PUBLISHED, actor="计算员").id
            review(s, rid, actor="审核员")
            publish(s, rid, actor="发布员")


Client = tuple[TestClient, sessionmaker[Session]]
"""The served app and its store, as the ``appearance`` fixture (tests/integration/conftest.py) yields them."""


@contextmanager
def appearance_client(
    db_url: str, restore_snapshot: Callable[[Build], None], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[TestClient, sessionmaker[Session]]]:
    """The app on the seeded store (clock at :data:`CLOCK`), and a session factory to look into it."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    restore_snapshot(seed)
    factory = open_store(db_url)
    app = create_app(db_url, secret=SECRET, schemes=[SCHEME], clock=lambda: CLOCK)
    try:
        with TestClient(app) as client:
            yield client, factory
    finally:
        dispose(factory)


def login(client: TestClient, username: str) -> dict[str, str]:
    """Sign in with the cookie session (as the entry page does); the CSRF header its scripts send."""
    r = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"X-CSRF-Token": str(r.json()["csrf_token"])}


def workbook(rows: list[dict[str, Any]]) -> bytes:
    """A workbook with one ``deductions`` sheet holding ``rows``."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "deductions"
    ws.append(HEADER)
    for row in rows:
        ws.append([row[c] for c in HEADER])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def audit_reasons(factory: sessionmaker[Session], table: str = "deductions") -> list[str]:
    """The reasons of the audit entries that inserted rows into ``table``: a row's own ``insert`` (forms, API),
    or the one ``import`` entry of the batch that wrote it (imports, uploads)."""
    with factory() as s:
        stmt = select(AuditEntry.reason).where(
            AuditEntry.table_name == table, AuditEntry.action.in_(("insert", "import"))
        )
        return [str(r) for r in s.scalars(stmt)]


def confirmed_events(factory: sessionmaker[Session]) -> list[AuditEntry]:
    """The ``confirmed`` events of the audit trail: what was confirmed, by whom, why."""
    with factory() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == "confirmed").order_by(AuditEntry.id)))
