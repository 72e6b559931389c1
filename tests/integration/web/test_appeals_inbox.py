"""申诉处理 on SQLite and PostgreSQL: the office's inbox lists an appeal with its unit, period, deadline and
the row it disputes; accepting starts a correction of the period with the appeal as its reason (here also
withdrawing the disputed row), rejecting needs a reason, a second answer is refused; the unit sees the answer."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from kaoping.statuses import ResultStatus
from kaoping.store.publishing import versions
from kaoping.store.tables import AuditEntry, ScoreRow


def _score_row(web: Any, unit_id: str) -> int:
    with web.factory() as s:
        found = s.scalar(select(ScoreRow.id).where(ScoreRow.unit_id == unit_id).order_by(ScoreRow.id))
        assert found is not None
        return found


def _file(web: Any, target: str, text: str) -> int:
    web.login("jiaqu")
    r = web.client.post("/api/appeals", json={"period": web.PERIOD, "target": target, "text": text}, headers=web.csrf())
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _answer(web: Any, appeal_id: int, **body: Any) -> Any:
    return web.client.post(f"/api/appeals/{appeal_id}/answer", json=body, headers=web.csrf())


def test_the_inbox_lists_an_open_appeal_with_its_deadline_and_row(web: Any) -> None:
    row = _score_row(web, "d1")
    appeal_id = _file(web, f"scores:{row}", "该项得分录入错误")
    assert web.client.get("/appeals").status_code == 403  # a unit does not answer appeals
    web.login("admin")
    page = web.client.get("/appeals").text
    assert f'id="appeal-{appeal_id}"' in page and "甲区" in page and "该项得分录入错误" in page
    assert "答复期限" in page and f"scores #{row}" in page and 'name="withdraw_row"' in page
    assert '<a href="/appeals" aria-current="page">申诉处理</a>' in page
    assert f'id="appeal-{appeal_id}"' not in web.client.get("/appeals?show=answered").text
    assert "Appeals" in web.client.get("/appeals?lang=en").text
    assert f'id="appeal-{appeal_id}"' in web.client.get("/appeals?show=<x>").text  # a mistyped link: the default


def test_accepting_starts_a_correction_with_the_appeal_as_reason(web: Any) -> None:
    row = _score_row(web, "d1")
    appeal_id = _file(web, f"scores:{row}", "该项得分重复录入")
    web.login("admin")
    r = _answer(web, appeal_id, status="accepted", answer="经核实重复录入，予以撤销", withdraw_row=True)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "accepted"
    with web.factory() as s:
        rows = versions(s, scheme=web.SCHEME, period=web.PERIOD)
        draft = next(v for v in rows if v.status == ResultStatus.DRAFT)
        assert draft.reason == f"受理申诉 #{appeal_id}（甲区）：经核实重复录入，予以撤销"
        assert s.get(ScoreRow, row) is None  # withdrawn, with its audit row
        actions = [a for (a,) in s.execute(select(AuditEntry.action).where(AuditEntry.period == web.PERIOD))]
        assert {"draft", "update"} <= set(actions)
    again = _answer(web, appeal_id, status="rejected", answer="再次答复")
    assert again.status_code == 409 and "已答复" in again.json()["detail"]
    answered = web.client.get("/appeals?show=answered").text
    assert f'id="appeal-{appeal_id}"' in answered and "已受理" in answered
    periods = web.client.get("/periods").text  # the period now has a correction under way
    assert f'data-period="{web.PERIOD}" data-state="published"' in periods and "更正中" in periods
    web.login("jiaqu")
    unit_page = web.client.get(f"/units/d1?period={web.PERIOD}").text
    assert "经核实重复录入，予以撤销" in unit_page and "已受理" in unit_page


def test_a_rejection_needs_a_reason_and_a_second_appeal_keeps_the_first_reason(web: Any) -> None:
    first = _file(web, "part:社会评价", "第一份申诉")
    second = _file(web, "", "第二份申诉")
    third = _file(web, "", "第三份申诉")
    web.login("admin")
    assert _answer(web, first, status="rejected", answer="   ").status_code == 422
    assert _answer(web, first, status="accepted", answer="予以更正").status_code == 200
    assert _answer(web, second, status="accepted", answer="同样更正").status_code == 200
    with web.factory() as s:
        draft = next(v for v in versions(s, scheme=web.SCHEME, period=web.PERIOD) if v.status == ResultStatus.DRAFT)
        assert draft.reason == f"受理申诉 #{first}（甲区）：予以更正；受理申诉 #{second}（甲区）：同样更正"
    r = _answer(web, third, status="accepted", answer="x", withdraw_row=True)
    assert r.status_code == 422  # the appeal names no row to withdraw; it stays open
    assert _answer(web, third, status="rejected", answer="理由不成立").status_code == 200


def test_the_unit_list_and_the_periods_page_are_the_offices(web: Any) -> None:
    web.login("admin")
    units = web.client.get("/units").text
    assert 'data-unit="d1"' in units and "甲区" in units
    periods = web.client.get("/periods").text
    assert f'data-period="{web.PERIOD}" data-state="published"' in periods
    assert 'data-period="2024-Q1" data-state="none"' in periods  # data, nothing computed
    assert "data-month=" not in periods  # city-1000 evaluates quarters only: no months to name
    web.login("jiaqu")
    assert web.client.get("/units").status_code == 403
    assert web.client.get("/periods").status_code == 403


def test_the_dashboards_to_do_panel_names_appeals_due_and_versions_waiting(web: Any) -> None:
    web.login("admin")
    dashboard = f"/dashboard/{web.SCHEME}/{web.PERIOD}"
    assert 'id="todo-none"' in web.client.get(dashboard).text
    appeal_id = _file(web, "", "申诉一")
    web.login("admin")
    page = web.client.get(dashboard).text
    assert re.search(r'<li id="todo-appeals"><a href="/appeals">待答复申诉 1 件，最近答复期限 \d{4}-\d\d-\d\d', page)
    assert "已超期" not in page
    assert _answer(web, appeal_id, status="accepted", answer="予以更正").status_code == 200
    page = web.client.get(dashboard).text
    assert 'id="todo-appeals"' not in page
    assert f'<li class="todo-version" data-period="{web.PERIOD}">' in page
