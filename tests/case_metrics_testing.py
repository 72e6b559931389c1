"""The store of the case metrics page tests (test_case_metrics*.py): district-performance (17 cases of five
街镇, April–June 2024) plus the cases of :data:`EXTRA`, with an office, a unit and an inspector account, on
SQLite and PostgreSQL — see test_case_metrics.py for the cases worked by hand."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from db_testing import Build, dispose, opened_store
from examples_testing import EXAMPLES
from kaoping.cases.metrics import COUNTS, case_counts, rates
from kaoping.periods import parse_period
from kaoping.scheme import load_scheme
from kaoping.server import create_app
from kaoping.store import users
from kaoping.store.db import open_store, transaction
from kaoping.store.facts import load_facts
from kaoping.store.tables import CaseRow
from kaoping.store.users import create_user
from store_testing import write_all_facts
from web_testing import PASSWORD, SignedInSite

SECRET = "test-secret-" + "c" * 32
SCHEME = "district-performance"
QUOTE = "a'b\\c"
FORMULA = "=1+2"


def at(text: str | None) -> datetime | None:
    return datetime.strptime(text, "%Y-%m-%d %H:%M") if text else None


EXTRA = [  # case_id, unit, category, reported, dispatched, deadline, disposed, closed
    ("X-LATER", "s1", "暴露垃圾", "2024-05-30 10:00", "2024-06-01 09:00", "2024-06-02 09:00", "2024-06-01 15:00",
     "2024-06-01 18:00"),
    ("X-NEW", "s1", "小广告", "2024-05-31 20:00", None, None, None, None),
    ("X-QUOTE", "s2", QUOTE, "2024-05-15 08:00", "2024-05-15 08:30", "2024-05-16 08:30", "2024-05-17 09:00", None),
    ("X-FORMULA", "s5", FORMULA, "2024-06-25 08:00", "2024-06-25 08:30", None, None, None),
]  # fmt: skip


def _seed(url: str) -> None:
    with opened_store(url) as factory, transaction(factory) as s:
        write_all_facts(s, EXAMPLES / SCHEME)
        for case_id, unit, category, *times in EXTRA:
            reported, dispatched, deadline, disposed, closed = (at(t) for t in times)
            assert reported is not None
            s.add(
                CaseRow(
                    nkey=f"test-{case_id}",
                    case_id=case_id,
                    unit_id=unit,
                    kind="event",
                    category=category,
                    reported_at=reported,
                    dispatched_at=dispatched,
                    deadline=deadline,
                    disposed_at=disposed,
                    closed_at=closed,
                    rework_count=0,
                    verify_failed=0,
                    postponed=0,
                )
            )
        create_user(s, username="admin", password=PASSWORD, role="admin", display_name="考评办")
        create_user(s, username="jia", password=PASSWORD, role="unit", display_name="甲街道", unit_id="s1")
        create_user(s, username="ducha", password=PASSWORD, role="inspector", display_name="督查员")


@dataclass
class Store(SignedInSite):
    url: str

    def engine_metrics(self, period: str, category: str = "") -> dict[str, dict[str, Decimal]]:
        """Per unit, the metrics the engine computes from the case rows (not the cells) for ``period``."""
        with self.factory() as s:
            cases = load_facts(s, load_scheme(SCHEME)).cases
        if category:
            cases = cases.filter(cases["category"] == category)
        counted = case_counts(cases, parse_period(period))
        return {r["unit_id"]: rates({c: int(r[c]) for c in COUNTS}) for r in counted.iter_rows(named=True)}


def served_store(
    db_url: str, restore_snapshot: Callable[[Build], None], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Store]:
    """The body of each test module's ``store`` fixture: the seeded store, served and signed out."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    restore_snapshot(_seed)
    factory = open_store(db_url)
    app = create_app(db_url, secret=SECRET, schemes=[SCHEME])
    try:
        with TestClient(app) as client:
            yield Store(client=client, factory=factory, url=db_url)
    finally:
        dispose(factory)


def table_rows(page: str) -> list[tuple[str, dict[str, str]]]:
    """(unit id, metric → cell text) of the table body, in page order."""
    body = re.search(r'id="case-metrics".*?<tbody>(.*?)</tbody>', page, re.S)
    assert body is not None
    out = []
    for unit, row in re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', body.group(1), re.S):
        out.append((unit, dict(re.findall(r'<td class="num" data-metric="([^"]+)">([^<]*)</td>', row))))
    return out
