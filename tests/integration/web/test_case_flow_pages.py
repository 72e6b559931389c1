"""数字城管 case pages (issue #17) on SQLite and PostgreSQL, clock at Fri 2025-02-07 15:00: the 受理员 takes a
垃圾箱 report in and registers it; the 派遣员's screen preselects the handbook's unit hwc (1 working day) and
refuses another unit without a reason; hwc's to-do list shows it (due on the 调休 Saturday 2025-02-08 15:00),
ldc's does not; hwc feeds back with a photo; the 监督员 fails it (返工 1) and, after a second feedback,
passes it (结案).  Each role's header shows only its own work; the office resumes a case on 挂账 from its list."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from sqlalchemy import select

from db_testing import Build, opened_store
from images_testing import image
from kaoping.server import create_app
from kaoping.store.db import transaction
from kaoping.store.tables import CaseRow, CaseTransition, Unit
from kaoping.store.users import create_user
from web_testing import PASSWORD, SignedInSite, fast_passwords, form_token, signed_in_site

SECRET = "case-flow-pages-" + "c" * 32


def _seed(url: str) -> None:
    with opened_store(url) as factory, transaction(factory) as s:
        for unit_id, name in (("center", "指挥中心"), ("hwc", "市环境卫生管理处"), ("ldc", "市路灯管理处")):
            s.add(Unit(unit_id=unit_id, name=name, group="地市"))
        s.flush()
        create_user(s, username="admin", password=PASSWORD, role="admin", display_name="考评办")
        create_user(s, username="shouli", password=PASSWORD, role="acceptor", display_name="受理员")
        create_user(s, username="paiqian", password=PASSWORD, role="dispatcher", display_name="派遣员")
        create_user(s, username="jiandu", password=PASSWORD, role="supervisor", display_name="监督员")
        create_user(s, username="hwc", password=PASSWORD, role="unit", display_name="环卫处", unit_id="hwc")
        create_user(s, username="ldc", password=PASSWORD, role="unit", display_name="路灯处", unit_id="ldc")


@pytest.fixture
def site(
    db_url: str, restore_snapshot: Callable[[Build], None], monkeypatch: pytest.MonkeyPatch
) -> Iterator[SignedInSite]:
    fast_passwords(monkeypatch)
    restore_snapshot(_seed)
    with signed_in_site(
        db_url, create_app(db_url, secret=SECRET, schemes=["province-cases"], clock=lambda: datetime(2025, 2, 7, 15, 0))
    ) as site:
        yield site


def _post(site: SignedInSite, path: str, data: dict[str, str], **extra: object) -> str:
    r = site.client.post(path, data=data, follow_redirects=False, **extra)  # type: ignore[arg-type]
    assert r.status_code == 303, r.text
    return str(r.headers["location"])


def test_a_case_through_the_pages(site: SignedInSite) -> None:
    site.login("shouli")
    page = site.client.get("/cases/intake").text
    assert '<a href="/cases/intake"' in page and '<a href="/cases/verify"' not in page
    report = {
        "csrf": form_token(page),
        "unit_id": "center",
        "kind": "component",
        "category": "垃圾箱",
        "channel": "web",
    }
    _post(site, "/cases/intake/new", report)
    with site.factory() as s:
        case_id = s.scalars(select(CaseRow.case_id)).one()
    page = site.client.get("/cases/intake").text
    assert f'data-case="{case_id}"' in page
    step = {"csrf": form_token(page), "case_id": case_id, "expected": "reported"}
    assert _post(site, "/cases/intake/register", step) == f"/cases/intake?saved={case_id}"
    r = site.client.post("/cases/intake/register", data=step, follow_redirects=False)
    assert r.status_code == 409 and "已被他人处理" in r.text  # the page still showed it pending

    site.login("paiqian")
    page = site.client.get("/cases/dispatch").text
    assert '<option value="hwc" selected>' in page and "市环境卫生管理处（1 个工作日）" in page
    step = {"csrf": form_token(page), "case_id": case_id, "expected": "registered"}
    r = site.client.post("/cases/dispatch", data=step | {"unit_id": "ldc"}, follow_redirects=False)
    assert r.status_code == 422 and "须说明理由" in r.text
    _post(site, "/cases/dispatch", step | {"unit_id": "hwc"})

    site.login("ldc")
    assert f'data-case="{case_id}"' not in site.client.get("/cases/todo").text
    site.login("hwc")
    page = site.client.get("/cases/todo").text
    assert f'data-case="{case_id}"' in page and "2025-02-08 15:00" in page
    step = {"csrf": form_token(page), "case_id": case_id, "expected": "dispatched", "note": "已更换"}
    photo = {"photo": ("done.png", image("PNG", (48, 32)), "image/png")}
    _post(site, "/cases/todo/feedback", step, files=photo)

    site.login("jiandu")
    page = site.client.get("/cases/verify").text
    assert f'data-case="{case_id}"' in page and '<a href="/cases/verify"' in page
    [photo_id] = re.findall(r'<img class="evidence-thumb" src="/api/evidence/(\d+)"', page)
    shown = site.client.get(f"/api/evidence/{photo_id}")  # the unit's photo, as a cleaned copy
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/png"
    verdict = {
        "csrf": form_token(page),
        "case_id": case_id,
        "expected": "feedback",
        "verdict": "fail",
        "note": "桶盖仍缺",
    }
    _post(site, "/cases/verify", verdict)

    site.login("hwc")
    page = site.client.get("/cases/todo").text
    assert re.search(rf'data-case="{case_id}".*?<td class="num rework">1</td>', page, re.S)
    again = {"photo": ("again.png", image("PNG", (50, 30)), "image/png")}
    _post(site, "/cases/todo/feedback", {"csrf": form_token(page), "case_id": case_id}, files=again)
    site.login("jiandu")
    page = site.client.get("/cases/verify").text
    _post(site, "/cases/verify", {"csrf": form_token(page), "case_id": case_id, "verdict": "pass"})
    with site.factory() as s:
        row = s.scalars(select(CaseRow)).one()
        assert (row.unit_id, row.rework_count, row.closed_at) == ("hwc", 1, datetime(2025, 2, 7, 15))


def test_each_role_opens_only_its_pages(site: SignedInSite) -> None:
    expected = {
        "shouli": {"/cases/intake": 200, "/cases/dispatch": 200, "/cases/todo": 403, "/cases/verify": 403},
        "paiqian": {"/cases/intake": 403, "/cases/dispatch": 200, "/cases/verify": 403, "/cases/requests": 403},
        "jiandu": {"/cases/intake": 403, "/cases/todo": 403, "/cases/verify": 200},
        "hwc": {"/cases/todo": 200, "/cases/dispatch": 403, "/cases/requests": 403},
        "admin": {"/cases/requests": 200, "/cases/todo": 200},
    }
    for username, pages in expected.items():
        site.login(username)
        got = {path: site.client.get(path).status_code for path in pages}
        assert got == pages, username


def _suspended_case(site: SignedInSite) -> str:
    """A 垃圾箱 case taken in, dispatched to hwc, asked for 挂账 by hwc and approved by the office."""
    site.login("shouli")
    page = site.client.get("/cases/intake").text
    report = {
        "csrf": form_token(page),
        "unit_id": "center",
        "kind": "component",
        "category": "垃圾箱",
        "channel": "web",
    }
    _post(site, "/cases/intake/new", report)
    with site.factory() as s:
        case_id = s.scalars(select(CaseRow.case_id)).one()
    _post(site, "/cases/intake/register", {"csrf": form_token(page), "case_id": case_id})
    site.login("paiqian")
    page = site.client.get("/cases/dispatch").text
    _post(site, "/cases/dispatch", {"csrf": form_token(page), "case_id": case_id, "unit_id": "hwc"})
    site.login("hwc")
    page = site.client.get("/cases/todo").text
    _post(site, "/cases/todo/suspend", {"csrf": form_token(page), "case_id": case_id, "reason": "须市政立项改造"})
    site.login("admin")
    page = site.client.get("/cases/requests").text
    [request_id] = re.findall(r'data-request="(\d+)"', page)
    _post(site, "/cases/requests", {"csrf": form_token(page), "request_id": request_id, "verdict": "approve"})
    return case_id


def _status(site: SignedInSite, case_id: str) -> str:
    with site.factory() as s:
        stmt = select(CaseTransition.to_status).where(CaseTransition.case_id == case_id)
        steps = s.scalars(stmt.order_by(CaseTransition.id))
        return list(steps)[-1]


def test_the_office_resumes_a_suspended_case_from_its_list(site: SignedInSite) -> None:
    case_id = _suspended_case(site)
    page = site.client.get("/cases/requests").text
    row = re.search(rf'<tr data-suspended="{case_id}">(.*?)</tr>', page, re.S)
    assert row is not None and "挂账中的案卷" in page
    assert "市环境卫生管理处" in row.group(1) and "垃圾箱" in row.group(1) and "2025-02-07 15:00" in row.group(1)
    assert "须市政立项改造" in row.group(1) and 'action="/cases/requests/resume"' in row.group(1)
    assert _status(site, case_id) == "suspended"

    site.login("hwc")  # the unit holds no Perm.CASE_APPROVE: refused, even with its own valid token
    token = site.csrf()["X-CSRF-Token"]  # the session's own token: only the role is wrong
    r = site.client.post("/cases/requests/resume", data={"csrf": token, "case_id": case_id}, follow_redirects=False)
    assert r.status_code == 403 and _status(site, case_id) == "suspended"
    assert "安全令牌" not in r.text  # refused by the policy, not by the token check

    site.login("admin")
    page = site.client.get("/cases/requests").text
    r = site.client.post("/cases/requests/resume", data={"case_id": case_id}, follow_redirects=False)
    assert r.status_code == 403 and _status(site, case_id) == "suspended"  # no form token
    back = _post(site, "/cases/requests/resume", {"csrf": form_token(page), "case_id": case_id})
    assert back == f"/cases/requests?saved={case_id}" and _status(site, case_id) == "dispatched"
    assert f'data-suspended="{case_id}"' not in site.client.get("/cases/requests").text
    r = site.client.post("/cases/requests/resume", data={"csrf": form_token(page), "case_id": case_id})
    assert r.status_code == 409  # the list was stale: resumed already
    site.login("hwc")
    assert f'data-case="{case_id}"' in site.client.get("/cases/todo").text
