"""Issue 14, point 3 through a real server: fifty clients at once posting one score to `kaoping serve` on
PostgreSQL.  Sync endpoints run in the server's thread pool, so the requests really overlap in the
database (a TestClient in threads would mostly take turns).  Every answer is 200 or a clean 409; no
accepted write is lost, and each audit "before" is the "after" of the change before it."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from db_testing import PostgresStores
from kaoping.store.db import open_store, transaction
from kaoping.store.facts import TABLES
from kaoping.store.tables import AuditEntry
from kaoping.store.users import create_user
from serving import kaoping_serve
from store_testing import example_store

CLIENTS, ROUNDS, PASSWORD = 50, 3, "concurrent-pass-1"


@pytest.fixture
def served(postgresql_stores: PostgresStores) -> Iterator[tuple[str, str]]:
    """(base URL, store URL): city-1000 on PostgreSQL with an office account, served by a real uvicorn."""
    url = postgresql_stores.fresh()
    example_store(url).kw["bind"].dispose()
    with transaction(open_store(url)) as s:
        create_user(s, username="office", password=PASSWORD, role="admin", display_name="考评办")
    try:
        with kaoping_serve("--db", url) as server:
            yield server.base, url
    finally:
        postgresql_stores.end(url)


def test_fifty_clients_posting_one_score_lose_nothing(served: tuple[str, str]) -> None:
    base, url = served
    table: Any = TABLES["scores"]
    with open_store(url)() as s:
        first = s.scalars(select(table).order_by(table.id).limit(1)).one()
        row = {c: getattr(first, c) for c in ("period", "unit_id", "part", "item", "score", "source", "note")}
        key, start = first.nkey, float(first.score)
    login = httpx.post(f"{base}/api/auth/login", json={"username": "office", "password": PASSWORD}, timeout=10)
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    answers: list[int] = []
    barrier = threading.Barrier(CLIENTS)

    def client(i: int) -> None:
        barrier.wait()
        with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
            for r in range(ROUNDS):  # each value distinct and within the part's range
                body = row | {"score": start - (1 + i * ROUNDS + r) / 100, "reason": "并发测试", "confirm": True}
                answers.append(http.post("/api/scores", json=body).status_code)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert set(answers) <= {200, 201, 409}, sorted(set(answers))
    accepted = sum(1 for a in answers if a in (200, 201))
    with open_store(url)() as s:
        stored = s.scalars(select(table).where(table.nkey == key)).one()
        updates = list(
            s.scalars(
                select(AuditEntry)
                .where(AuditEntry.row_key == key, AuditEntry.action == "update")
                .order_by(AuditEntry.id)
            )
        )
    assert len(updates) == accepted > 0
    assert updates[0].before["score"] == pytest.approx(start)
    for prev, entry in itertools.pairwise(updates):
        assert entry.before == prev.after
    assert float(stored.score) == pytest.approx(updates[-1].after["score"])
