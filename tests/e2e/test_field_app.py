"""现场采集 offline on a 375 px phone (issue #16, done-when): the inspector opens the field app online (the day's
task list and the standard's checklist), the phone goes offline (``context.set_offline(True)``), three problems
are recorded with camera photos and GPS (both mocked), the phone comes back online and syncs — and syncs again
with every answer lost (no duplicates: the store still has three rows).  The office's unit page then shows the
rows with their photos, the points from the standard and their location on the map.

The store is tests/field_testing.py's (district-onsite deducting by district-onsite-standard, the app's clock
and the phone's both 2024-06-03): SJ0104 道路不洁 1 point; SJ0103 积存垃圾渣土 0.5 a m² × 4 = 2; SJ0102 暴露垃圾 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy import func, select

from browser_testing import screenshot
from field_testing import INSIDE, NOW, OUTSIDE, jpeg, seed_field
from kaoping.server import create_app
from kaoping.store.db import open_store
from kaoping.store.field_tables import FieldEntryRow
from kaoping.store.tables import DeductionRow, Evidence
from serving import served_app
from web_testing import PASSWORD

PHONE = {"width": 375, "height": 812}
SECRET = "e2e-field-" + "f" * 32
PHONE_TIME = datetime(2024, 6, 3, 8, 30)
XSS = '<img src=x onerror="window.__fieldXss=1">垃圾'


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The field store served by uvicorn: (base URL, store URL)."""
    url = f"sqlite:///{tmp_path / 'field.db'}"
    seed_field(url)
    app = create_app(url, secret=SECRET, schemes=["district-onsite"], clock=lambda: NOW)
    with served_app(app) as base:
        yield base, url


def _phone(browser: Browser) -> BrowserContext:
    lat, lon = INSIDE
    return browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        geolocation={"latitude": lat, "longitude": lon, "accuracy": 8},
        permissions=["geolocation"],
    )


def _login(page: Page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-submit")


def _record(page: Page, kind: str, photo: Path, *, location: str, quantity: str = "") -> None:
    page.select_option("#field-kind", kind)
    if quantity:
        page.fill("#field-quantity", quantity)
    page.fill("#field-location", location)
    page.set_input_files("#field-photo", str(photo))
    before = page.locator("#field-queue li").count()
    page.click("#field-save")
    page.wait_for_function("n => document.querySelectorAll('#field-queue li').length === n", arg=before + 1)
    assert page.inner_text("#field-message") == "已保存到本机，待同步"


def _states(page: Page) -> list[str]:
    return page.eval_on_selector_all("#field-queue li", "items => items.map(li => li.dataset.state)")


def _count(url: str, table: object, *where: object) -> int:
    factory = open_store(url)
    with factory() as s:
        found = int(s.scalar(select(func.count()).select_from(table).where(*where)) or 0)  # type: ignore[arg-type]
    factory.kw["bind"].dispose()
    return found


def test_three_deductions_offline_synced_twice_and_shown_on_the_unit_page(
    browser: Browser, served: tuple[str, str], tmp_path: Path
) -> None:
    base, url = served
    context = _phone(browser)
    page = context.new_page()
    page.clock.set_fixed_time(PHONE_TIME)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, base, "insp")

    # online: the day's tasks (the drawn visit to u1) and the checklist, the service worker installed
    page.goto(base + "/field/")
    page.wait_for_selector("#field-tasks button[data-task='1']")
    assert "城东街道办事处" in page.inner_text("#field-tasks")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready")
    page.evaluate("() => navigator.serviceWorker.ready")
    page.wait_for_function("() => document.getElementById('field-gps').textContent.includes('30.010000')")
    assert page.get_attribute("#field-photo", "capture") == "environment"
    # the point against the tapped task's unit: a note when outside its area, none inside
    page.click("#field-tasks button[data-task='1']")
    assert page.is_hidden("#field-area")
    context.set_geolocation({"latitude": OUTSIDE[0], "longitude": OUTSIDE[1], "accuracy": 8})
    page.click("#field-locate")
    page.wait_for_selector("#field-area", state="visible")
    context.set_geolocation({"latitude": INSIDE[0], "longitude": INSIDE[1], "accuracy": 8})
    page.click("#field-locate")
    page.wait_for_selector("#field-area", state="hidden")
    page.click("#field-tasks button[data-task='1']")  # untapped: the offline part taps it again
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate("""() => [...document.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > 375)
        .map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert width <= PHONE["width"], f"the app is {width} px wide on a {PHONE['width']} px phone: {wide}"

    # offline: three problems with photos, queued on the phone
    context.set_offline(True)
    page.wait_for_function("() => document.getElementById('field-net').classList.contains('off')")
    photos = []
    for i in range(3):
        path = tmp_path / f"IMG_{i + 1:04d}.jpg"
        path.write_bytes(jpeg(i + 10))
        photos.append(path)
    page.click("#field-tasks button[data-task='1']")
    assert page.input_value("#field-unit") == "u1" and page.input_value("#field-part") == "日常考评"
    _record(page, "SJ0104", photos[0], location="建设路 12 号")
    page.select_option("#field-kind", "SJ0103")
    page.fill("#field-quantity", "4")
    assert page.inner_text("#field-points") == "2 分"  # shown before saving: 0.5 × 4 m²
    _record(page, "SJ0103", photos[1], location="人民路口", quantity="4")
    page.fill("#field-problem", XSS)  # typed text is shown as text, never run (the xss e2e's rule)
    _record(page, "SJ0102", photos[2], location="东门菜场")
    assert XSS in page.inner_text("#field-queue") and page.evaluate("window.__fieldXss") is None
    assert _states(page) == ["queued"] * 3
    assert page.inner_text("#field-pending") == "3"
    assert _count(url, DeductionRow, DeductionRow.problem_kind != "") == 0  # nothing reached the server
    screenshot(page, "field-app-offline")

    # online again: one sync writes the three
    context.set_offline(False)
    page.wait_for_function("() => document.getElementById('field-net').classList.contains('on')")
    page.click("#field-sync")
    page.wait_for_function("() => document.getElementById('field-message').textContent === '同步完成'")
    assert _states(page) == ["written"] * 3
    assert _count(url, DeductionRow, DeductionRow.problem_kind != "") == 3

    # the answers lost (the phone forgot them): syncing again sends the same keys, and nothing doubles
    page.evaluate(
        """() => new Promise(done => {
          const open = indexedDB.open("kaoping-field", 1);
          open.onsuccess = () => {
            const tx = open.result.transaction("entries", "readwrite");
            const entries = tx.objectStore("entries");
            entries.getAll().onsuccess = ev => ev.target.result.forEach(e => {
              e.state = "queued"; e.result = null; entries.put(e);
            });
            tx.oncomplete = () => done(null);
          };
        })"""
    )
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('#field-queue li[data-state=queued]').length === 3")
    page.click("#field-sync")
    page.wait_for_function("() => document.getElementById('field-message').textContent === '同步完成'")
    assert _states(page) == ["duplicate"] * 3
    assert _count(url, DeductionRow, DeductionRow.problem_kind != "") == 3
    assert _count(url, FieldEntryRow) == 3
    assert _count(url, Evidence, Evidence.target.like("deductions:%")) == 3
    assert errors == [] and page.evaluate("window.__fieldXss") is None
    context.close()

    # the office's unit page: the rows, their photos, the standard's points and the points on the map
    office = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    desk = office.new_page()
    desk_errors: list[str] = []
    desk.on("console", lambda m: desk_errors.append(m.text) if m.type == "error" else None)
    desk.on("pageerror", lambda exc: desk_errors.append(str(exc)))
    _login(desk, base, "admin")
    desk.goto(base + "/units/u1?scheme=district-onsite&period=2024-06")
    rows = desk.locator("#deduction-table tr.deduction")
    assert rows.count() == 3
    table = desk.inner_text("#deduction-table")
    for place, points in (("建设路 12 号", "-1"), ("人民路口", "-2"), ("东门菜场", "-1")):
        row = desk.locator("#deduction-table tr.deduction", has_text=place)
        assert points in row.inner_text(), (place, table)
        assert "30.010000, 120.010000" in row.inner_text()
        thumb = row.locator("img.evidence-thumb")
        assert thumb.evaluate("img => img.complete && img.naturalWidth > 0"), place
    assert XSS in table and desk.evaluate("window.__fieldXss") is None
    assert desk.locator("#deduction-points circle.point-map-point").count() == 3
    assert desk.locator("#deduction-points path.point-map-area").count() == 1
    screenshot(desk, "field-unit-points")

    # the dashboard's map layer: the three counted problems as points per category, or as heat
    desk.goto(base + "/dashboard/district-onsite/2024-06")
    desk.wait_for_selector("#points-chart canvas")
    assert "共 3 处" in desk.inner_text("#points-note")
    assert desk.eval_on_selector_all("#points-category option", "os => os.map(o => o.textContent)") == [
        "全部类别",
        "暴露垃圾",
        "道路保洁",
    ]
    desk.check("input[name=points-mode][value=heat]")
    desk.select_option("#points-category", "1")
    desk.locator("#problem-points").scroll_into_view_if_needed()
    desk.locator("#problem-points").screenshot(path=str(tmp_path / "points.png"))
    assert desk_errors == []
    office.close()
