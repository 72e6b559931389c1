"""A published period is shown as published everywhere, whatever the live rows say since (issue 12, point 1):
the dashboard, the unit explanation in the API, the bulletins; the office is told what changed and can
start a correction, after which the new version is what everyone sees.  SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl

from kaoping.app.publish import compute_draft, publish, review
from kaoping.app.scoring import score_store
from kaoping.store import publishing
from kaoping.store.db import transaction
from web_testing import ranking_rows

ITEM = "生活垃圾收运(含城乡环卫一体化)"


def published_totals(web: Any) -> dict[str, float]:
    with web.factory() as s:
        row = publishing.current(s, scheme=web.SCHEME, period=web.PERIOD)
        assert row is not None
        return {u["unit_id"]: u["total"] for g in row.document["groups"] for u in g["ranking"]}


def lower_d1_score(web: Any) -> None:
    """Change d1's 部门考评 score of 2024-Q2 from 140 to 40 through the API (the same row: its key)."""
    row = {"period": "2024-Q2", "unit_id": "d1", "part": "部门考评", "item": ITEM, "score": 40, "source": "市城管局"}
    r = web.client.post("/api/scores", json=row, headers=web.csrf())
    assert r.status_code == 409 and "已发布" in r.text  # the person entering is warned first
    confirmed = row | {"confirm": True, "reason": "补录：甲区部门考评分有误"}
    r = web.client.post("/api/scores", json=confirmed, headers=web.csrf())
    assert r.status_code in (200, 201), r.text


def shown_totals(page: str) -> dict[str, float]:
    return {unit_id: float(cells[-3]) for unit_id, cells in ranking_rows(page)}


def test_late_entry_leaves_the_published_numbers_and_warns_the_office(web: Any, db_url: str) -> None:
    web.login("admin")
    published = published_totals(web)
    lower_d1_score(web)
    _, live = score_store("city-1000", db_url, "2024-Q2")
    live_d1 = next(u for u in live.units() if u.unit_id == "d1")
    assert float(live_d1.shown_total) != published["d1"]  # the entry does change the live numbers

    page = web.client.get("/dashboard/city-1000/2024-Q2").text
    assert shown_totals(page) == published
    assert "库中数据已变化（1 条），与第 1 版不一致" in page
    drift = re.search(r'<table[^>]*id="drift-rows".*?</table>', page, re.S)
    assert drift and "修改" in drift.group(0) and "得分：140 → 40" in drift.group(0) and "甲区" in drift.group(0)
    assert 'id="start-correction" href="/periods/city-1000/2024-Q2#publish-panel"' in page

    explained = web.client.get("/api/explain/city-1000/2024-Q2/d1").json()
    assert explained["total"] == published["d1"]

    book = openpyxl.load_workbook(io.BytesIO(web.client.get("/periods/city-1000/2024-Q2/bulletin.xlsx").content))
    cells = {c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row}
    assert published["d1"] in cells and float(live_d1.shown_total) not in cells


def test_a_correction_becomes_what_everyone_sees(web: Any) -> None:
    web.login("admin")
    before = published_totals(web)
    lower_d1_score(web)
    with transaction(web.factory) as s:
        rid = compute_draft(s, scheme="city-1000", period="2024-Q2", actor="计算员", reason="甲区部门考评分录入有误").id
        review(s, rid, actor="审核员")
        publish(s, rid, actor="发布员")
    after = published_totals(web)
    assert after["d1"] < before["d1"]

    page = web.client.get("/dashboard/city-1000/2024-Q2").text
    assert shown_totals(page) == after
    assert 'id="drift"' not in page and "第 2 版" in page
    public = web.client.get("/public/city-1000/2024-Q2").text
    assert f"{after['d1']:.2f}" in public


def test_no_warning_while_nothing_changed(web: Any) -> None:
    web.login("admin")
    page = web.client.get("/dashboard/city-1000/2024-Q2").text
    assert 'id="drift"' not in page and shown_totals(page) == published_totals(web)


def test_the_unit_page_cites_the_rows_as_published(web: Any) -> None:
    web.login("admin")
    lower_d1_score(web)
    page = web.client.get("/units/d1?scheme=city-1000&period=2024-Q2").text
    cited = re.findall(r'<tr class="cited-row" data-table="scores"[^>]*>(.*?)</tr>', page, re.S)
    scored = [re.sub(r"<[^>]+>", "|", row) for row in cited if ITEM in row and "市城管局" in row]
    assert scored and "|140|" in scored[0] and "|40|" not in scored[0]
