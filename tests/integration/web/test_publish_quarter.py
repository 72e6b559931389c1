"""一键发布季度及各月 through the API and on the period page, with separation of duties on (the default), on
SQLite and PostgreSQL: the office's first account computes the drafts of 2024-04…06 and 2024-Q2 in one call,
a second office account reviews and publishes all four in one call; the page offers the button while
something is left to do and says how separation of duties splits the action.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest

from case_metrics_testing import SCHEME, Store, served_store
from db_testing import Build
from kaoping.store import publishing
from kaoping.store.db import transaction
from kaoping.store.users import create_user
from web_testing import PASSWORD

FOUR = ["2024-04", "2024-05", "2024-06", "2024-Q2"]


@pytest.fixture
def store(db_url: str, restore_snapshot: Callable[[Build], None], monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    for site in served_store(db_url, restore_snapshot, monkeypatch):
        with transaction(site.factory) as s:
            create_user(s, username="admin2", password=PASSWORD, role="admin", display_name="考评办审核")
        yield site


def _advance(store: Store, user: str, **extra: object) -> tuple[int, dict[str, object]]:
    store.client.cookies.clear()
    store.login(user)
    body = {"scheme": SCHEME, "period": "2024-Q2", **extra}
    r = store.client.post("/api/results/advance", json=body, headers=store.csrf())
    return r.status_code, r.json()


def _published(store: Store) -> dict[str, int | None]:
    with store.factory() as s:
        return {p: (row.version if (row := publishing.current(s, scheme=SCHEME, period=p)) else None) for p in FOUR}


def _advance_button(page: str) -> str:
    found = re.search(r'<button type="button" id="btn-advance"[^>]*>', page)
    assert found is not None
    return found.group(0)


def test_api_two_accounts(store: Store) -> None:
    code, first = _advance(store, "admin")
    assert code == 200, first
    steps = first["steps"]
    assert isinstance(steps, list) and [s["period"] for s in steps] == FOUR
    assert all(s["done"] == ["computed"] and s["stop"] == "second_person" for s in steps)
    assert _published(store) == dict.fromkeys(FOUR)

    code, again = _advance(store, "admin")
    assert code == 409 and "职责分离" in str(again["detail"])

    code, second = _advance(store, "admin2")
    assert code == 200 and all(s["done"] == ["reviewed", "published"] for s in second["steps"])  # type: ignore[union-attr]
    assert _published(store) == dict.fromkeys(FOUR, 1)
    code, nothing = _advance(store, "admin2")
    assert code == 409 and "此前已发布" in str(nothing["detail"])


def test_only_the_office(store: Store) -> None:
    code, _ = _advance(store, "jia")
    assert code == 403
    assert _published(store) == dict.fromkeys(FOUR)


def test_bad_input(store: Store) -> None:
    assert _advance(store, "admin", period="2024-13")[0] == 422
    assert _advance(store, "admin", scheme="no-such")[0] == 422


def test_page_button_follows_the_state(store: Store) -> None:
    store.login("admin")
    page = store.client.get(f"/periods/{SCHEME}/2024-Q2").text
    button = _advance_button(page)
    assert 'data-enabled="1"' in button and "disabled" not in button and "一键发布季度及各月" in page
    assert "职责分离：第一人点击只计算草稿" in page
    assert 'id="btn-advance"' not in store.client.get(f"/periods/{SCHEME}/2024-05").text  # a month: no months
    _advance(store, "admin")
    _advance(store, "admin2")
    page = store.client.get(f"/periods/{SCHEME}/2024-Q2").text
    assert 'data-enabled="0"' in _advance_button(page) and " disabled" in _advance_button(page)
    states = dict(re.findall(r'<li data-month="([^"]+)" data-state="([^"]+)">', page))
    assert states == {"2024-04": "published", "2024-05": "published", "2024-06": "published"}


def test_page_in_english(store: Store) -> None:
    store.login("admin")
    page = store.client.get(f"/periods/{SCHEME}/2024-Q2", params={"lang": "en"}).text
    assert "Publish the quarter with its months" in page and "一键发布" not in page
