"""整改 pages (issue #17) on SQLite and PostgreSQL, on examples/district-onsite with the clock at 2024-06-03
(deadlines worked by hand in tests/unit/engine/test_scheme_district_onsite.py): the unit u3 sees its open P4
(due 2024-04-09, overdue) and records its plan; it may not plan for u1; the inspector sees every open notice
(P1, P4, P2 — overdue, by deadline), fails and then passes P4; the office sends the overdue ones to 督办; the
header links follow the policy table."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from sqlalchemy import select

from db_testing import Build, opened_store
from examples_testing import EXAMPLES
from kaoping.server import create_app
from kaoping.store.db import transaction
from kaoping.store.rectify_tables import Rectification, Reinspection
from kaoping.store.tables import NoticeRow
from kaoping.store.users import create_user
from store_testing import write_all_facts
from web_testing import PASSWORD, SignedInSite, fast_passwords, form_token, signed_in_site

SECRET = "rectify-pages-" + "r" * 32


def _seed(url: str) -> None:
    with opened_store(url) as factory, transaction(factory) as s:
        write_all_facts(s, EXAMPLES / "district-onsite")
        create_user(s, username="admin", password=PASSWORD, role="admin", display_name="考评办")
        create_user(s, username="u3acct", password=PASSWORD, role="unit", display_name="园林所", unit_id="u3")
        create_user(s, username="insp", password=PASSWORD, role="inspector", display_name="督查员")


@pytest.fixture
def site(
    db_url: str, restore_snapshot: Callable[[Build], None], monkeypatch: pytest.MonkeyPatch
) -> Iterator[SignedInSite]:
    fast_passwords(monkeypatch)
    restore_snapshot(_seed)
    with signed_in_site(
        db_url, create_app(db_url, secret=SECRET, schemes=["district-onsite"], clock=lambda: datetime(2024, 6, 3, 9, 0))
    ) as site:
        yield site


def test_the_unit_records_its_plan_for_its_own_notice_only(site: SignedInSite) -> None:
    site.login("u3acct")
    page = site.client.get("/rectify").text
    assert 'data-problem="P4" data-unit="u3"' in page and 'data-due="2024-04-09"' in page and "已逾期" in page
    assert 'data-problem="P1"' not in page  # u1's
    assert '<a href="/rectify"' in page and '<a href="/reinspect"' not in page
    form = {"csrf": form_token(page), "unit_id": "u3", "problem_id": "P4", "first_notified": "2024-04-01"}
    plan = form | {"target": "清理绿化带垃圾", "time_limit": "2024-06-10", "measures": "每日巡查两次"}
    r = site.client.post("/rectify/plan", data=plan, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/rectify?saved=P4"
    after = site.client.get("/rectify").text
    assert "已报整改计划" in after
    other = plan | {"unit_id": "u1", "problem_id": "P1", "first_notified": "2024-02-10"}
    assert site.client.post("/rectify/plan", data=other, follow_redirects=False).status_code == 403
    assert site.client.get("/reinspect").status_code == 403


def test_the_inspector_fails_then_passes_and_the_office_supervises(site: SignedInSite) -> None:
    site.login("insp")
    page = site.client.get("/reinspect").text
    order = re.findall(r'<tr class="overdue" data-problem="(\w+)"', page)
    assert order == ["P1", "P4", "P2"]  # due 02-22, 04-09, 05-17
    form = {"csrf": form_token(page), "unit_id": "u3", "problem_id": "P4", "first_notified": "2024-04-01"}
    fail = form | {"inspected_on": "2024-06-03", "verdict": "fail", "note": "仍有垃圾"}
    assert site.client.post("/reinspect", data=fail, follow_redirects=False).status_code == 303
    passed = form | {"inspected_on": "2024-06-20", "verdict": "pass"}
    assert site.client.post("/reinspect", data=passed, follow_redirects=False).status_code == 303
    assert 'data-problem="P4"' not in site.client.get("/reinspect").text
    with site.factory() as s:
        rows = s.scalars(select(NoticeRow).where(NoticeRow.problem_id == "P4").order_by(NoticeRow.notified_on)).all()
        # the run 04-01, 05-01 and the failed re-inspection's row of 06-03, all rectified on 06-20
        assert [(str(n.notified_on), str(n.rectified_on), n.failed_reinspections) for n in rows[1:]] == [
            ("2024-04-01", "2024-06-20", 0),
            ("2024-05-01", "2024-06-20", 0),
            ("2024-06-03", "2024-06-20", 1),
        ]
        assert [c.passed for c in s.scalars(select(Reinspection))] == [False, True]
    assert "转督办" not in page  # the inspector may not send to 督办
    site.login("admin")
    page = site.client.get("/reinspect").text
    r = site.client.post("/rectify/supervise", data={"csrf": form_token(page)}, follow_redirects=False)
    assert r.headers["location"] == "/reinspect?saved=supervised-2"  # P1 and P2 (P4 passed)
    with site.factory() as s:
        sent = {r.problem_id for r in s.scalars(select(Rectification).where(Rectification.supervised_on.is_not(None)))}
    assert sent == {"P1", "P2"}
    assert site.client.get("/reinspect").text.count("已转督办") == 2
    todo = site.client.get("/dashboard/district-onsite/2024-05").text  # the office's to-do names them
    assert 'id="todo-supervise"' in todo and "督办中 2 件" in todo


def test_the_api_lists_plans_and_reinspects_under_the_same_rules(site: SignedInSite) -> None:
    site.login("u3acct")
    listed = site.client.get("/api/rectifications").json()
    assert [(i["problem_id"], i["due"], i["overdue"]) for i in listed] == [("P4", "2024-04-09", True)]
    assert site.client.get("/api/rectifications?unit_id=u1").status_code == 403
    body = {"problem_id": "P4", "first_notified": "2024-04-01", "target": "清理", "measures": "巡查"}
    r = site.client.post("/api/rectifications/plan", json=body, headers=site.csrf())
    assert r.status_code == 200 and r.json()["status"] == "planned"
    verdict = {"unit_id": "u3", "problem_id": "P4", "first_notified": "2024-04-01", "passed": True}
    verdict["inspected_on"] = "2024-06-03"
    assert site.client.post("/api/rectifications/reinspect", json=verdict, headers=site.csrf()).status_code == 403
    site.login("insp")
    r = site.client.post("/api/rectifications/reinspect", json=verdict, headers=site.csrf())
    assert r.status_code == 200 and r.json()["passed"] is True
    assert [i["problem_id"] for i in site.client.get("/api/rectifications").json()] == ["P1", "P2"]
    assert site.client.post("/api/rectifications/supervise", headers=site.csrf()).status_code == 403


def test_the_scheme_page_says_the_working_day_deadline_and_the_monthly_escalation(site: SignedInSite) -> None:
    page = site.client.get("/schemes/district-onsite").text
    assert "问题首次通报后 5 个工作日内须整改到位" in page
    assert "连续 3 个考评期通报后仍未整改的，此后每次扣 4 分" in page
