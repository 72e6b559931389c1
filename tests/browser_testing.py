"""What the end-to-end tests share: the running site, a browser tab with its console errors, screenshots.

Kept out of ``tests/e2e/conftest.py`` so test modules can import the types (pytest loads conftest by path).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page

from examples_testing import ROOT
from kaoping.demo.build import DemoCity, DemoLogin

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "docs" / "screenshots"


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG of ``page`` as docs/screenshots/<name>.png (linked from the README)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@dataclass
class Site:
    """The running demo: its base URL, the demo city and its logins by role."""

    base: str
    city: DemoCity

    def login_for(self, role: str) -> DemoLogin:
        return next(login for login in self.city.logins if login.role == role)


@dataclass
class Tab:
    """A page in a fresh browser context, with the console errors it logged."""

    page: Page
    site: Site
    errors: list[str] = field(default_factory=list)

    def goto(self, path: str) -> None:
        response = self.page.goto(self.site.base + path)
        assert response is not None

    def login(self, role: str) -> DemoLogin:
        account = self.site.login_for(role)
        self.goto("/login")
        self.page.fill("#username", account.username)
        self.page.fill("#password", account.password)
        with self.page.expect_navigation():
            self.page.click("#login-submit")
        return account

    def shot(self, name: str) -> Path:
        return screenshot(self.page, name)


def fill_deduction(page: Page, *, day: str, unit: str, part: str, item: str, points: str, problem: str) -> None:
    """Fill the entry page's deduction form (``unit``: the option's value) without saving it."""
    page.wait_for_selector("#fact-deductions")
    page.fill("#deductions-date", day)
    page.select_option("#deductions-unit_id", unit)
    page.select_option("#deductions-part", part)
    # 考评细项: picked from the part's items, or typed where the scheme leaves the part's items open
    if page.is_visible("#deductions-item"):
        page.select_option("#deductions-item", item)
    else:
        page.fill("#deductions-item-text", item)
    page.fill("#deductions-points", points)
    page.fill("#deductions-problem", problem)
