"""Grades (等次) where ranks show: the dashboard, the unit page, the public page, the period page's downloads
(bulletin with 等次, 评优评先名单, 绩效考核对接表) — on appearance-management (examples folder, 2024-Q2 published),
SQLite and PostgreSQL.  Hand-worked in tests/unit/engine/test_grades.py: b1 92.25 好, b2 91.45 好, b3 82.85 较好."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import openpyxl
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from db_testing import dispose
from kaoping.app.publish import compute_draft, publish, review
from kaoping.server import create_app
from kaoping.store import users
from kaoping.store.db import transaction
from kaoping.store.users import create_user
from store_testing import example_store
from web_testing import PASSWORD, SignedInSite, ranking_rows

SCHEME, PERIOD = "appearance-management", "2024-Q2"


@pytest.fixture
def site(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[SignedInSite]:
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    factory = example_store(db_url, SCHEME)
    try:
        with transaction(factory) as s:
            create_user(s, username="admin", password=PASSWORD, role="admin", display_name="考评办")
            create_user(s, username="b3", password=PASSWORD, role="unit", display_name="开发区", unit_id="b3")
            rid = compute_draft(s, scheme=SCHEME, period=PERIOD, actor="计算员").id
            review(s, rid, actor="审核员")
            publish(s, rid, actor="发布员")
        app = create_app(db_url, secret="test-secret-" + "g" * 32, schemes=[SCHEME], separation_of_duties=False)
        with TestClient(app) as client:
            yield SignedInSite(client=client, factory=factory)
    finally:
        dispose(factory)


def test_dashboard_unit_and_public_pages_show_the_grade(site: SignedInSite) -> None:
    site.login("admin")
    page = site.client.get(f"/dashboard/{SCHEME}/{PERIOD}").text
    assert "<th" in page and ">等次<" in page
    grades = {unit: cells for unit, cells in ranking_rows(page)}
    assert "好" in grades["b1"] and "较好" in grades["b3"]
    unit = site.client.get(f"/units/b3?scheme={SCHEME}&period={PERIOD}").text
    assert re.search(r'id="unit-grade">较好<', unit)
    public = site.client.get(f"/public/{SCHEME}/{PERIOD}").text
    rows = re.findall(r'<td class="name">([^<]+)</td>.*?<td class="grade">([^<]+)</td>', public, re.S)
    assert rows == [("城北区", "好"), ("城南区", "好"), ("开发区", "较好")]


def test_period_page_offers_the_grade_exports(site: SignedInSite) -> None:
    site.login("admin")
    page = site.client.get(f"/periods/{SCHEME}/{PERIOD}").text
    assert f"/periods/{SCHEME}/{PERIOD}/grades-honors.xlsx" in page
    honors = site.client.get(f"/periods/{SCHEME}/{PERIOD}/grades-honors.xlsx")
    assert honors.status_code == 200
    assert "%E8%AF%84%E4%BC%98" in honors.headers["content-disposition"]  # 评优, percent-encoded
    sheet = openpyxl.load_workbook(io.BytesIO(honors.content))["评优评先名单"]
    assert list(sheet.iter_rows(values_only=True)) == [
        ("序号", "分组", "单位编号", "单位", "总分", "名次", "等次"),
        (1, "各区", "b1", "城北区", 92.25, 1, "好"),
        (2, "各区", "b2", "城南区", 91.45, 2, "好"),
    ]
    table = site.client.get(f"/periods/{SCHEME}/{PERIOD}/grades-performance.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(table.content))["绩效考核对接表"]
    assert list(sheet.iter_rows(values_only=True))[1:] == [
        ("b1", "城北区", "各区", PERIOD, 92.25, 1, "好"),
        ("b2", "城南区", "各区", PERIOD, 91.45, 2, "好"),
        ("b3", "开发区", "各区", PERIOD, 82.85, 3, "较好"),
    ]
    bulletin = openpyxl.load_workbook(io.BytesIO(site.client.get(f"/periods/{SCHEME}/{PERIOD}/bulletin.xlsx").content))
    ws = bulletin["各区"]
    header = [c.value for c in ws[1]]
    shown = [r[header.index("等次")] for r in ws.iter_rows(min_row=2, max_row=4, values_only=True)]
    assert shown == ["好", "好", "较好"]


def test_a_unit_may_not_download_the_grade_exports(site: SignedInSite) -> None:
    site.login("b3")
    assert site.client.get(f"/periods/{SCHEME}/{PERIOD}/grades-honors.xlsx").status_code == 403
    assert site.client.get(f"/periods/{SCHEME}/{PERIOD}/grades-nothing.xlsx").status_code in (403, 404, 422)


def test_scheme_page_lists_the_bands(site: SignedInSite) -> None:
    page = site.client.get(f"/schemes/{SCHEME}").text
    rows = re.findall(r'<tr data-grade="([^"]+)">\s*<td>各区</td><td>[^<]+</td>\s*<td>([^<]*)</td>', page)
    assert rows == [
        ("好", "90 分及以上"),
        ("较好", "80 分及以上、90 分以下"),
        ("一般", "60 分及以上、80 分以下"),
        ("差", "60 分以下"),
    ]
    assert "考评等次为“差”" in page
