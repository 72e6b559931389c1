"""Reading the office's pages in tests: the ranking tables as (unit, cells), and a served store signed in to."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from db_testing import dispose
from kaoping.store import users
from kaoping.store.db import open_store

PASSWORD = "password-1"
"""The password of every test account of the page tests."""


@dataclass
class SignedInSite:
    """The app's test client on a store, and a way to sign in as one of its accounts (cookie session)."""

    client: TestClient
    factory: sessionmaker[Session]

    def login(self, username: str) -> None:
        r = self.client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text

    def csrf(self) -> dict[str, str]:
        """The header a signed-in browser sends with an API write."""
        return {"X-CSRF-Token": self.client.get("/api/auth/csrf").json()["csrf_token"]}


def ranking_rows(page: str) -> list[tuple[str, list[str]]]:
    """(unit id, cell texts) of every ranked row of the dashboard's ranking tables, in page order."""
    out = []
    for table in re.findall(r'<table class="ranking dash-ranking".*?</table>', page, re.S):
        for unit_id, row in re.findall(r'<tr data-unit="([^"]+)"[^>]*>(.*?)</tr>', table, re.S):
            cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            out.append((unit_id, cells))
    return out


def fast_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its cheapest for the test: sign-ins are many and their cost is not what a page test checks."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@contextmanager
def signed_in_site(db_url: str, app: FastAPI) -> Iterator[SignedInSite]:
    """``app``'s test client on the store at ``db_url`` (already filled), the store's own sessions beside it."""
    factory = open_store(db_url)
    try:
        with TestClient(app) as client:
            yield SignedInSite(client=client, factory=factory)
    finally:
        dispose(factory)


def form_token(page: str) -> str:
    """The CSRF token a page's forms post back (``name="csrf"``)."""
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)
