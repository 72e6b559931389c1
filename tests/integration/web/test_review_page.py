"""The period page as a reviewer meets it: the open version's ranking beside the published one, the rows that
changed under their units, the publish confirmation, and separation of duties on the buttons.

city-1000 2024-Q2 (v1 published by the fixture), worked by hand: 甲区 (d1) leads with 913.00, 乙区 and 丙区
share second with 910.00.  A fix of d1's 交通秩序管理 score 130 → 125 takes 5 points off 部门考评, so d1 falls
to 908.00 and third (↓2, −5.00) while 乙区 and 丙区 share first (↑1 each).
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from fastapi.testclient import TestClient

from kaoping.app.facts import one_row, write_row
from kaoping.app.publish import compute_draft, review
from kaoping.server import create_app
from kaoping.store.db import transaction
from kaoping.store.users import create_user

PAGE = "/periods/city-1000/2024-Q2"
REASON = "d1 交通秩序管理复核更正"


def correct_d1(web: Any, reviewed_by: str | None = None) -> int:
    """Lower d1's 交通秩序管理 score to 125 and compute v2 (reviewed by ``reviewed_by`` if given)."""
    row = {
        "period": "2024-Q2",
        "unit_id": "d1",
        "part": "部门考评",
        "item": "交通秩序管理",
        "score": 125.0,
        "source": "市交警支队",
        "note": "",
    }
    with transaction(web.factory) as s:
        write_row(s, "scores", one_row("scores", row), actor="市交警支队", reason="复核")
        rid = compute_draft(s, scheme="city-1000", period="2024-Q2", actor="计算员", reason=REASON).id
        if reviewed_by:
            review(s, rid, actor=reviewed_by)
    return rid


def unit_row(page: str, unit_id: str) -> str:
    found = re.search(rf'<tr class="[^"]*" data-unit="{unit_id}" data-move="(\w+)">(.*?)</tr>', page, re.S)
    assert found, unit_id
    return found.group(1) + " " + " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(2))).split())


def test_the_draft_beside_the_published_version_with_the_rows_behind_it(web: Any) -> None:
    correct_d1(web)
    web.login("admin")
    page = web.client.get(PAGE).text
    review_at, panel_at = page.index('id="review"'), page.index('id="btn-review"')
    assert review_at < panel_at  # the comparison comes before the button that approves it
    assert "审核：第 2 版草稿与已发布的第 1 版对比" in page
    assert "3 个单位的名次或总分有变化；本期数据变化 1 条。" in page
    for header in ("单位", "发布版名次/总分", "草稿名次/总分", "变化"):
        assert f">{header}</th>" in page
    assert unit_row(page, "d1") == "down 甲区 1 · 913.00 3 · 908.00 ↓2 −5.00"
    assert unit_row(page, "d2") == "up 乙区 2 · 910.00 1 · 910.00 ↑1 0.00"
    assert unit_row(page, "d4") == "same 丁区 4 · 880.00 4 · 880.00 —"
    rows = re.search(r'<tr class="review-rows" data-unit="d1">(.*?)</tr>', page, re.S)
    assert rows, "d1's changed row is not listed"
    line = " ".join(unescape(re.sub(r"<[^>]+>", " ", rows.group(1))).split())
    assert re.fullmatch(r"考评得分 #\d+（2024-Q2 部门考评 交通秩序管理 市交警支队） 修改：得分：130 → 125", line), line
    assert page.count('class="review-rows"') == 1  # only d1 has a changed row


def test_before_anything_is_published_the_draft_ranking_alone(web: Any) -> None:
    with transaction(web.factory) as s:
        compute_draft(s, scheme="city-1000", period="2024-Q1", actor="计算员")
    web.login("admin")
    page = web.client.get("/periods/city-1000/2024-Q1").text
    assert "审核：第 1 版草稿排名" in page and "本期尚无已发布版本" in page
    assert "发布版名次/总分" not in page and ">草稿名次/总分</th>" in page


def test_no_open_version_no_review_panel(web: Any) -> None:
    web.login("admin")
    page = web.client.get(PAGE).text
    assert 'id="review"' not in page and 'id="publish-confirm"' not in page


def test_publishing_asks_for_confirmation_saying_what_becomes_public(web: Any) -> None:
    rid = correct_d1(web, reviewed_by="审核员")
    web.login("admin")
    page = web.client.get(PAGE).text
    assert re.search(rf'id="btn-publish" data-step="confirm" data-id="{rid}"', page)  # opens the dialog
    dialog = re.search(r'<dialog id="publish-confirm".*?</dialog>', page, re.S)
    assert dialog, "no confirmation dialog"
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", dialog.group(0))).split())
    assert "确认发布第 2 版（将公开）" in text
    assert "在公示页面向所有人公开" in text and "替代已发布的第 1 版" in text and REASON in text
    assert "与第 1 版相比，3 个单位的名次或总分有变化" in text and "审核员" in text
    assert re.search(rf'id="btn-publish-confirm" data-step="publish" data-id="{rid}"', dialog.group(0))
    english = web.client.get(PAGE + "?lang=en").text
    assert "Confirm: publish version 2 (it becomes public)" in english


def test_separation_of_duties_on_the_buttons(web: Any, db_url: str) -> None:
    with transaction(web.factory) as s:
        create_user(s, username="admin2", password="password-1", role="admin")
        rid = compute_draft(s, scheme="city-1000", period="2024-Q1", actor="admin").id
    strict = create_app(db_url, secret="review-page-" + "r" * 32, schemes=["city-1000"], separation_of_duties=True)
    with TestClient(strict) as client:
        client.post("/api/auth/login", json={"username": "admin", "password": "password-1"})
        page = client.get("/periods/city-1000/2024-Q1").text
        assert re.search(r'id="btn-review"[^>]*data-enabled="0" disabled', page)
        assert "职责分离：本版由您计算，须由另一账号审核。" in page
        client.post("/api/auth/logout")
        client.cookies.clear()
        client.post("/api/auth/login", json={"username": "admin2", "password": "password-1"})
        page = client.get("/periods/city-1000/2024-Q1").text
        assert re.search(rf'id="btn-review" data-step="review" data-id="{rid}"\s+data-enabled="1">', page)
        assert "职责分离" not in page
    # the web fixture's app has the setting off: the account that computed may review
    web.login("admin")
    page = web.client.get("/periods/city-1000/2024-Q1").text
    assert re.search(r'id="btn-review"[^>]*data-enabled="1">', page) and "职责分离" not in page
