"""A published period shows exactly the same whether its result is read from the kept result or recomputed from
its snapshot (as before results were kept, issue 13): the public page, the dashboard, the unit page, the
explanation API and the Excel bulletin, byte for byte, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select, text

from kaoping.app import frozen, results
from kaoping.store import snapshots
from kaoping.store.db import transaction
from kaoping.store.result_tables import KeptPeriodResult

PAGES = [
    "/public/city-1000/2024-Q2",
    "/dashboard/city-1000/2024-Q2",
    "/units/d1?scheme=city-1000&period=2024-Q2",
    "/api/explain/city-1000/2024-Q2/d1",
    "/api/results/city-1000/2024-Q2",
    "/periods/city-1000/2024-Q2/bulletin.xlsx",
]
TOKEN = re.compile(rb'(name="csrf[^"]*" (?:value|content)=")[^"]+')


def _cold(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget every published result, scheme and snapshot this process keeps, as a fresh process."""
    monkeypatch.setattr(frozen, "_results", type(frozen._results)(32))
    monkeypatch.setattr(frozen, "_schemes", type(frozen._schemes)(32))
    monkeypatch.setattr(snapshots, "_cache", type(snapshots._cache)(8))
    monkeypatch.setattr(results, "_results", type(results._results)(results.MAX_ENTRIES))


def _shown(web: Any) -> dict[str, bytes]:
    found = {}
    for url in PAGES:
        got = web.client.get(url)
        assert got.status_code == 200, (url, got.text[:300])
        found[url] = TOKEN.sub(rb"\1-", got.content)
    return found


def test_pages_are_the_same_from_the_kept_result_and_from_the_snapshot(
    web: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    web.login("admin")
    with web.factory() as s:
        assert s.scalars(select(KeptPeriodResult)).first() is not None
    _cold(monkeypatch)
    kept = _shown(web)
    with transaction(web.factory) as s:
        s.execute(text("DELETE FROM kept_period_results"))  # a version as kept before results were
    _cold(monkeypatch)
    recomputed = _shown(web)
    assert [u for u in PAGES if kept[u] != recomputed[u]] == []
    assert b"2024-Q2" in kept["/api/results/city-1000/2024-Q2"]
