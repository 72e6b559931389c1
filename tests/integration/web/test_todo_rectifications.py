"""待办事项 names notifications past their rectification deadline and still open (issue 15, point 1), on SQLite
and PostgreSQL, worked by hand on examples/demo-city (rectify_days: 5): nq's three open notifications of
TB-2024-01 (2024-01-08, 02-05, 03-04) are overdue; the rectified ones (nq's fourth, bhx, dh) are not."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from dashboard_testing import PASSWORD, office_client
from db_testing import Build, opened_store
from examples_testing import EXAMPLES
from kaoping.app.rectifications import overdue_rectifications
from kaoping.scheme import load_scheme
from kaoping.store.db import transaction
from kaoping.store.users import create_user
from store_testing import example_store, write_all_facts

SECRET = "todo-rectify-" + "r" * 32


def _demo_facts(url: str) -> None:
    with opened_store(url) as factory, transaction(factory) as s:
        write_all_facts(s, EXAMPLES / "demo-city")
        create_user(s, username="admin", password=PASSWORD, role="admin", display_name="考评办")


@pytest.fixture
def demo_site(
    db_url: str, restore_snapshot: Callable[[Build], None], monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    with office_client(db_url, restore_snapshot, monkeypatch, _demo_facts, "demo-city", SECRET) as client:
        yield client


@pytest.fixture
def demo_store(db_url: str) -> sessionmaker[Session]:
    return example_store(db_url, "demo-city")


def test_a_notification_is_overdue_only_after_its_fifth_day(demo_store: sessionmaker[Session]) -> None:
    scheme = load_scheme("demo-city")
    with demo_store() as s:
        # 2024-01-08 + 5 days = 2024-01-13: rectified that day is in time, so on the 13th nothing is overdue yet
        assert overdue_rectifications(s, scheme, date(2024, 1, 13)) == []
        first = overdue_rectifications(s, scheme, date(2024, 1, 14))
        assert [(o.unit_id, o.count, o.oldest) for o in first] == [("nq", 1, date(2024, 1, 8))]
        later = overdue_rectifications(s, scheme, date(2024, 6, 1))
        assert [(o.unit_id, o.count, o.oldest) for o in later] == [("nq", 3, date(2024, 1, 8))]
        # city-1000 has a deadline rule since issue #17, but no demo-city unit is in its groups
        assert overdue_rectifications(s, load_scheme("city-1000"), date(2024, 6, 1)) == []


def test_the_to_do_panel_names_the_unit_and_links_to_it(demo_site: TestClient) -> None:
    page = demo_site.get("/dashboard/demo-city/2024-Q1").text
    assert '<li id="todo-rectify">逾期未整改的通报 3 条：' in page
    assert '<a href="/units/nq" data-unit="nq">' in page and "3 条（最早 2024-01-08）" in page
    english = demo_site.get("/dashboard/demo-city/2024-Q1?lang=en").text
    assert "3 notifications past their rectification deadline and still open" in english


def test_the_unit_page_says_why_a_deduction_was_not_counted(demo_site: TestClient) -> None:
    """dh's 2024-03-12 21:15 deduction is outside March's window 07:30–20:00: the unit page says so in Chinese,
    from the engine's explanation line, and in English on the switch."""
    page = demo_site.get("/units/dh?scheme=demo-city&period=2024-03").text
    assert "2024-03-12 21:15:00 不在考评时段 07:30–20:00 内，不计扣分" in page
    english = demo_site.get("/units/dh?scheme=demo-city&period=2024-03&lang=en").text
    assert "07:30–20:00" in english and "不计扣分" not in english
