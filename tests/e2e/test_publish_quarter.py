"""一键发布季度及各月 in Chromium, with separation of duties on: the office's first account clicks once and
2024-Q2 and its three months become drafts; a second office account clicks once and all four are published
(the public sees 2024-05).  Its own small store (district-performance), not the shared demo: the demo's
periods belong to the other tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Dialog, Page

from examples_testing import EXAMPLES
from kaoping.io.readers import read_facts
from kaoping.server import create_app
from kaoping.store.db import open_store, transaction
from kaoping.store.users import create_user
from serving import free_port
from store_testing import write_all_facts

SCHEME = "district-performance"
SECRET = "e2e-quarter-" + "q" * 32
PASSWORD = "quarter-pass-2024"


@pytest.fixture
def base(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'quarter.db'}"
    factory = open_store(url)
    with transaction(factory) as s:
        write_all_facts(s, read_facts(EXAMPLES / SCHEME), "importer", "")
        create_user(s, username="jisuan", password=PASSWORD, role="admin", display_name="考评办计算")
        create_user(s, username="shenhe", password=PASSWORD, role="admin", display_name="考评办审核")
    app = create_app(url, secret=SECRET, schemes=[SCHEME])
    assert app.state.ctx.settings.separation_of_duties
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _click_advance(browser: Browser, base: str, username: str) -> dict[str, str]:
    """Sign in as ``username``, click the button on 2024-Q2's page (accepting its question); the months' states."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page: Page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-submit")
    page.goto(f"{base}/periods/{SCHEME}/2024-Q2")
    asked: list[str] = []

    def accept(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    with page.expect_navigation():
        page.click("#btn-advance")
    assert asked and "2024-Q2" in asked[0] and "公开" in asked[0]
    assert page.inner_text("#publish-error").strip() == ""
    months = {
        li.get_attribute("data-month") or "": li.get_attribute("data-state") or ""
        for li in page.query_selector_all("#period-months li")
    }
    months["2024-Q2"] = page.inner_text("#versions tbody tr:first-child td:nth-child(2)").strip()
    assert not errors, errors
    context.close()
    return months


def test_two_clicks_by_two_people_publish_the_quarter_and_its_months(browser: Browser, base: str) -> None:
    first = _click_advance(browser, base, "jisuan")
    assert first == {"2024-04": "draft", "2024-05": "draft", "2024-06": "draft", "2024-Q2": "草稿"}
    second = _click_advance(browser, base, "shenhe")
    assert second == {"2024-04": "published", "2024-05": "published", "2024-06": "published", "2024-Q2": "已发布"}
    public = browser.new_context().new_page()
    public.goto(f"{base}/public/{SCHEME}/2024-05")
    assert "未找到公示结果" not in public.inner_text("h1")
    public.context.close()
