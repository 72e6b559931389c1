"""整改 end to end (issue #17), in Chromium on a store of examples/district-onsite served with the clock at
2024-06-10 (deadlines worked by hand in tests/unit/engine/test_scheme_district_onsite.py):

u1's P1 was notified 2024-02-10, due 02-22 (5 working days over 春节 with the 02-18 调休 Sunday), never rectified:
  its monthly reports cost 2 (Feb, 1st), 2 (Mar, 2nd), 2 (Apr, 3rd) and 4 (May, 4th in a row: doubled);
  the bulletin's 整改超期 appendix of 2024-05 lists it.
u1 records its plan and uploads a photo on the 整改 page; the inspector passes the re-inspection on 2024-06-05 on
the 复查 page:
  June still charges P1 (its 5th report: it was overdue until 06-05) and the June appendix lists it rectified on
  06-05; July (evaluated: u1 has a July deduction of 1) charges nothing and its appendix no longer lists P1.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from examples_testing import EXAMPLES
from images_testing import PNG
from kaoping.facts import facts_from_frames
from kaoping.server import create_app
from kaoping.store.audit import AuditWriter
from kaoping.store.db import open_store, transaction
from kaoping.store.facts import write_facts
from kaoping.store.tables import Evidence
from kaoping.store.users import create_user
from serving import served_app
from store_testing import write_all_facts

SECRET = "e2e-rectify-" + "x" * 32
PASSWORD = "Rectify-pass-2024!"
ACCOUNTS = (("office", "admin", None), ("u1acct", "unit", "u1"), ("insp", "inspector", None))


def _seed(url: str) -> None:
    with transaction(open_store(url)) as s:
        write_all_facts(s, EXAMPLES / "district-onsite")
        july = pl.DataFrame(
            {"date": [date(2024, 7, 8)], "unit_id": ["u1"], "part": ["日常考评"], "item": ["道路保洁"], "points": [1.0]}
        )
        audit = AuditWriter(s, "seed", reason="July, so that July is evaluated")
        write_facts(s, "deductions", facts_from_frames(deductions=july).deductions, audit=audit)
        audit.flush()
        for username, role, unit in ACCOUNTS:
            create_user(s, username=username, password=PASSWORD, role=role, display_name=username, unit_id=unit)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(the served site's address, its store's URL)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e-rectify') / 'store.db'}"
    _seed(url)
    clock = lambda: datetime(2024, 6, 10, 9, 0)  # noqa: E731
    app = create_app(url, secret=SECRET, schemes=["district-onsite"], clock=clock, separation_of_duties=False)
    with served_app(app) as base:
        yield base, url


def _login(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-submit")
    return page


def _p1_lines(page: Page, base: str, period: str) -> list[str]:
    page.goto(f"{base}/units/u1?scheme=district-onsite&period={period}")
    return [t for t in page.locator("span.rule").all_text_contents() if "P1 2024-02-10 通报" in t]


def _appendix(page: Page, base: str, period: str) -> list[tuple[object, ...]]:
    got = page.request.get(f"{base}/periods/district-onsite/{period}/bulletin.xlsx")
    assert got.ok, got.status
    sheet = load_workbook(io.BytesIO(got.body()))["整改超期"]
    return [row for row in sheet.iter_rows(min_row=2, values_only=True) if row and row[0]]


def test_escalation_plan_reinspection_and_the_bulletin_appendix(
    browser: Browser, base: tuple[str, str], tmp_path: Path
) -> None:
    base, url = base
    office = _login(browser, base, "office")
    reports = {m: _p1_lines(office, base, m) for m in ("2024-02", "2024-03", "2024-04", "2024-05")}
    for n, (month, lines) in enumerate(reports.items(), start=1):
        assert any(f"连续第 {n} 次通报" in t for t in lines), (month, lines)
    assert any("−4" in t for t in reports["2024-05"]) and all("−4" not in t for t in reports["2024-04"])
    may = _appendix(office, base, "2024-05")
    assert ("P1", "u1") in [(r[0], r[1]) for r in may]

    unit = _login(browser, base, "u1acct")
    unit.goto(base + "/rectify")
    row = unit.locator('tr[data-problem="P1"]')
    assert "2024-02-22" in row.inner_text() and "已逾期" in row.inner_text()
    row.locator('.plan-form input[name="target"]').fill("拆除违规广告牌")
    row.locator('input[name="time_limit"]').fill("2024-06-05")
    row.locator('textarea[name="measures"]').fill("联系业主限期拆除，每日复核")
    with unit.expect_navigation():
        row.locator(".plan-form button").click()
    assert "已报整改计划" in unit.locator('tr[data-problem="P1"]').inner_text()
    photo = tmp_path / "after.png"  # the evidence upload of the unit page, on the 整改 page
    photo.write_bytes(PNG)
    unit.locator('tr[data-problem="P1"] input[type="file"]').set_input_files(str(photo))
    with unit.expect_navigation():  # the page reloads once the photo is stored
        unit.locator('tr[data-problem="P1"] .evidence-form button[type="submit"]').click()
    with transaction(open_store(url)) as s:
        stored = s.scalars(select(Evidence).where(Evidence.unit_id == "u1", Evidence.target == "notices:P1")).all()
        assert [e.created_by for e in stored] == ["u1acct"]

    inspector = _login(browser, base, "insp")
    inspector.goto(base + "/reinspect")
    row = inspector.locator('tr[data-problem="P1"]')
    assert "拆除违规广告牌" in row.inner_text()
    row.locator('input[name="inspected_on"]').fill("2024-06-05")
    with inspector.expect_navigation():
        row.locator('button[value="pass"]').click()
    assert inspector.locator('tr[data-problem="P1"]').count() == 0

    june = _p1_lines(office, base, "2024-06")
    assert any("连续第 5 次通报" in t and "−4" in t for t in june), june
    assert _p1_lines(office, base, "2024-07") == []  # rectified: the escalation stops
    june_rows = {r[0]: r for r in _appendix(office, base, "2024-06")}
    assert june_rows["P1"][7] == datetime(2024, 6, 5)  # 整改日期
    assert "P1" not in [r[0] for r in _appendix(office, base, "2024-07")]
