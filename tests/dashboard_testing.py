"""What the dashboard's tests share: results made by hand (unit tests of its view model and charts), the
JSON islands read from a page, and a client signed in as the office on a snapshot store."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from db_testing import Build
from kaoping.engine.result import GroupResult, PeriodResult, UnitResult
from kaoping.server import create_app
from kaoping.store import users

PASSWORD = "password-1"
"""The office account's password in the stores these tests build."""


def unit(unit_id: str, rank: int, total: str, group: str = "A", rated: bool = True, **parts: str) -> UnitResult:
    """A unit's result named 单位<id>, its parts (name=value) its top parts."""
    values = {k: Decimal(v) for k, v in parts.items()}
    return UnitResult(
        unit_id=unit_id,
        name=f"单位{unit_id}",
        group=group,
        reward_eligible=True,
        parts=values,
        top_parts=list(values),
        bonus=Decimal(0),
        bonus_detail={},
        total=Decimal(total),
        shown_total=Decimal(total),
        rank=rank,
        rated=rated,
    )


def result(*ranking: UnitResult, unrated: tuple[UnitResult, ...] = (), evaluated: bool = True) -> PeriodResult:
    """One group A of 2024-05 with ``ranking`` and ``unrated``."""
    return PeriodResult("s", "2024-05", [GroupResult("A", list(ranking), list(unrated))], evaluated=evaluated)


def island(page: str, element_id: str) -> Any:
    """The JSON of the page's ``<script type="application/json" id=element_id>``."""
    found = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', page, re.S)
    assert found, element_id
    return json.loads(found.group(1))


@contextmanager
def office_client(
    db_url: str,
    restore_snapshot: Callable[[Build], None],
    monkeypatch: pytest.MonkeyPatch,
    build: Build,
    scheme: str,
    secret: str,
) -> Iterator[TestClient]:
    """The store ``build`` makes (an ``admin`` with :data:`PASSWORD` in it), served for ``scheme``, signed in."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    restore_snapshot(build)  # built once per session and database, copied for each test
    with TestClient(create_app(db_url, secret=secret, schemes=[scheme])) as client:
        r = client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
        assert r.status_code == 200, r.text
        yield client
