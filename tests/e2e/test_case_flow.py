"""数字城管 case end to end (issue #17), in Chromium: a citizen's Open311 POST through 立案, dispatch by the
处置手册, feedback with a photo, a failed verification, rework, a passed verification and 结案 — each step by
its own role on its own page, the server's clock moved between steps.

The office's handbook (KAOPING_HANDBOOK, written below) sends 私搭乱建 to zfj (区城管执法局) within 8 working
hours.  Spring Festival 2025: Sat 02-08 is a 调休 working day; office hours 08:30–12:00, 13:30–17:30.

  Fri 02-07 09:00  POST (batch service EV0101): a token, which names no request until 立案
           09:30  the 受理员 registers it: the token resolves to the case id
           15:00  the 派遣员 dispatches it to the suggested zfj: deadline = 2.5 h Friday + 3.5 h + 2 h on the
                  调休 Saturday = Sat 02-08 15:30
  Sat 02-08 10:00  zfj feeds back with a photo;  11:00 the 监督员 fails it (返工 1, 核查不通过 1)
           14:00  zfj feeds back again (before 15:30: on time)
  Mon 02-10 09:00  the 监督员 passes it: 结案; the Open311 status reads closed.

province-cases, zfj, 2025-02 (its one case, dispatched in February): 结案率 100, 按期处置率 100, 核查通过率
1/(1+1) = 50, 返工率 100 → 返工控制 0.  Total = 100×30% + 100×30% + 50×20% + 0×20% = 70.00.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from images_testing import image
from kaoping.app.case_rules import HANDBOOK_ENV
from kaoping.open311 import configure, load_settings
from kaoping.open311.tables import Open311Request
from kaoping.server import create_app
from kaoping.store.db import open_store, transaction
from kaoping.store.tables import Unit
from kaoping.store.users import create_user
from serving import served_app

SECRET = "e2e-case-flow-" + "x" * 32
PASSWORD = "Case-flow-pass-2025!"
KEY = "e2e-open311-key-0123456789"
ACCOUNTS = (
    ("office", "admin", None),
    ("shouli", "acceptor", None),
    ("paiqian", "dispatcher", None),
    ("jiandu", "supervisor", None),
    ("zfjacct", "unit", "zfj"),
)
HANDBOOK = """
title: 测试处置手册
units: {zfj: 区城管执法局}
default: {role: street, limit: {working_days: 3}}
rules:
  - {kind: event, category: 私搭乱建, unit: zfj, action: 拆除, limit: {working_hours: 8}}
"""
CLOCK = [datetime(2025, 2, 7, 9, 0)]


def _seed(url: str) -> None:
    with transaction(open_store(url)) as s:
        for unit_id, name in (("center", "指挥中心"), ("zfj", "区城管执法局"), ("hwc", "市环境卫生管理处")):
            s.add(Unit(unit_id=unit_id, name=name, group="地市"))
        s.flush()
        for username, role, unit in ACCOUNTS:
            create_user(s, username=username, password=PASSWORD, role=role, display_name=username, unit_id=unit)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(the served site's address, its store's URL), with the test's handbook and a clock the test moves."""
    folder = tmp_path_factory.mktemp("e2e-case-flow")
    (folder / "handbook.yaml").write_text(HANDBOOK, encoding="utf-8")
    before = os.environ.get(HANDBOOK_ENV)
    os.environ[HANDBOOK_ENV] = str(folder / "handbook.yaml")
    url = f"sqlite:///{folder / 'store.db'}"
    _seed(url)
    clock = lambda: CLOCK[0]  # noqa: E731
    app = create_app(url, secret=SECRET, schemes=["province-cases"], clock=clock, separation_of_duties=False)
    settings = load_settings(api_keys={KEY: "citizen-app"}, intake_unit="center", clock=clock)
    configure(app, app.state.ctx.factory, settings)
    try:
        with served_app(app) as base:
            yield base, url
    finally:
        if before is None:
            os.environ.pop(HANDBOOK_ENV, None)
        else:
            os.environ[HANDBOOK_ENV] = before


def _login(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-submit")
    return page


def _filed(url: str, token: str) -> str:
    """The pending intake the batch request became (filed by a background task after the answer)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with transaction(open_store(url)) as s:
            case_id = s.scalar(select(Open311Request.case_id).where(Open311Request.token == token))
        if case_id:
            return case_id
        time.sleep(0.05)
    raise AssertionError("the batch request was not filed")


def _feedback(page: Page, base: str, case_id: str, note: str, photo: Path) -> None:
    page.goto(base + "/cases/todo")
    row = page.locator(f'tr[data-case="{case_id}"]')
    row.locator('.feedback-form input[name="note"]').fill(note)
    row.locator('.feedback-form input[type="file"]').set_input_files(str(photo))
    with page.expect_navigation():
        row.locator(".feedback-form button").click()
    assert page.locator(f'tr[data-case="{case_id}"]').count() == 0  # off the to-do list, waiting for 核查


def _verify(page: Page, base: str, case_id: str, verdict: str, note: str = "") -> None:
    page.goto(base + "/cases/verify")
    row = page.locator(f'tr[data-case="{case_id}"]')
    row.locator('input[name="note"]').fill(note)
    with page.expect_navigation():
        row.locator(f'button[value="{verdict}"]').click()


def test_an_open311_report_through_rework_to_closed_and_the_units_score(
    browser: Browser, base: tuple[str, str], tmp_path: Path
) -> None:
    base, url = base
    open311 = httpx.Client(base_url=f"{base}/open311/v2", timeout=30)
    form = {"api_key": KEY, "service_code": "EV0101", "attribute[structure]": "steel", "description": "楼顶彩钢棚"}
    posted = open311.post("/requests.json", data=form | {"lat": "36.0671", "long": "120.3826"})
    assert posted.status_code == 200, posted.text
    token = posted.json()[0]["token"]
    case_id = _filed(url, token)
    assert open311.get(f"/tokens/{token}.json").json() == [{"service_request_id": None, "token": token}]

    CLOCK[0] = datetime(2025, 2, 7, 9, 30)
    acceptor = _login(browser, base, "shouli")
    assert acceptor.url.endswith("/cases/intake")
    with acceptor.expect_navigation():
        acceptor.locator(f'tr[data-case="{case_id}"] .register-form button').click()
    assert acceptor.locator(f'tr[data-case="{case_id}"]').count() == 0
    assert open311.get(f"/tokens/{token}.json").json() == [{"service_request_id": case_id, "token": token}]

    CLOCK[0] = datetime(2025, 2, 7, 15, 0)
    dispatcher = _login(browser, base, "paiqian")
    row = dispatcher.locator(f'tr[data-case="{case_id}"]')
    assert row.locator(".suggestion").inner_text() == "区城管执法局（8 个工作时）"
    assert row.locator('select[name="unit_id"]').input_value() == "zfj"  # the handbook's unit, preselected
    with dispatcher.expect_navigation():
        row.locator(".dispatch-form button").click()

    photo = tmp_path / "after.png"
    photo.write_bytes(image("PNG", (60, 40)))
    CLOCK[0] = datetime(2025, 2, 8, 10, 0)  # the 调休 Saturday
    unit = _login(browser, base, "zfjacct")
    unit.goto(base + "/cases/todo")
    assert "2025-02-08 15:30" in unit.locator(f'tr[data-case="{case_id}"]').inner_text()
    _feedback(unit, base, case_id, "已拆除", photo)

    CLOCK[0] = datetime(2025, 2, 8, 11, 0)
    supervisor = _login(browser, base, "jiandu")
    _verify(supervisor, base, case_id, "fail", "仍有残留建材")
    assert open311.get(f"/requests/{case_id}.json").json()[0]["status"] == "open"

    CLOCK[0] = datetime(2025, 2, 8, 14, 0)
    unit.goto(base + "/cases/todo")
    assert unit.locator(f'tr[data-case="{case_id}"] td.rework').inner_text() == "1"  # returned: 返工
    photo.write_bytes(image("PNG", (62, 40)))
    _feedback(unit, base, case_id, "残留建材已清运", photo)

    CLOCK[0] = datetime(2025, 2, 10, 9, 0)
    _verify(supervisor, base, case_id, "pass")
    assert supervisor.locator(f'tr[data-case="{case_id}"]').count() == 0
    [closed] = open311.get(f"/requests/{case_id}.json").json()
    assert closed["status"] == "closed"

    office = _login(browser, base, "office")
    office.goto(f"{base}/units/zfj?scheme=province-cases&period=2025-02")
    assert office.locator("#unit-total").get_attribute("data-points") in ("70", "70.00", "70.0")
    assert office.locator("#unit-shown-total").inner_text() == "70.00"
