"""End-to-end fixtures: the demo city served by uvicorn on a free port, driven by Debian's Chromium.

Playwright drives ``/usr/bin/chromium`` (the Debian package ``.ci/run`` installs); a browser is never
downloaded.  The demo store is built once per run with fewer cases than ``kaoping demo`` (the pages are
the same; the size only costs time), and every test gets a fresh browser context (no shared sign-in).
Console errors are collected per page: tests assert there were none.  Screenshots go to
``docs/screenshots/``, which the README links to.  Shared types live in ``tests/browser_testing.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Playwright, sync_playwright

from browser_testing import CHROMIUM, CHROMIUM_ARGS, Site, Tab
from kaoping.demo.build import SEPARATION_OF_DUTIES, build_demo
from kaoping.server import create_app
from serving import served_app

SECRET = "e2e-secret-" + "x" * 32
DEMO_CASES = 6000


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("e2e-demo")
    url = f"sqlite:///{folder / 'demo.db'}"
    city = build_demo(url, cases=DEMO_CASES)
    # served like `kaoping demo`: one office account computes, reviews and publishes
    app = create_app(url, secret=SECRET, schemes=[city.scheme], separation_of_duties=SEPARATION_OF_DUTIES)
    with served_app(app) as base:
        yield Site(base=base, city=city)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield b
    b.close()


@pytest.fixture
def tab(browser: Browser, site: Site) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    found = Tab(page=page, site=site)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            found.errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: found.errors.append(str(exc)))
    yield found
    context.close()
