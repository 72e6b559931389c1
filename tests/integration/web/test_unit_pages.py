"""The unit page on SQLite and PostgreSQL: every point explained down to the rows, only for the office and
the unit itself; cases with their timelines, rectification tasks, evidence and appeals through the API."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db_testing import Build, dispose, opened_store
from examples_testing import EXAMPLES, ROOT
from images_testing import PNG
from kaoping.app.publish import compute_draft, publish, review
from kaoping.app.scoring import score_store
from kaoping.io.images import check_image
from kaoping.server import create_app
from kaoping.store import users
from kaoping.store.db import open_store, transaction
from kaoping.store.tables import CaseRow, CaseTransition, DeductionRow, Evidence, NoticeRow
from kaoping.store.users import create_user
from kaoping.web.i18n import catalog
from store_testing import write_all_facts
from web_testing import PASSWORD, SignedInSite

ONSITE = EXAMPLES / "district-onsite"
TEMPLATES = ROOT / "src" / "kaoping" / "web" / "templates"
SECRET = "test-secret-" + "u" * 32
POINTS = re.compile(r'class="composition-row[^"]*"[^>]*data-points="([^"]+)"')


@dataclass
class Onsite(SignedInSite):
    """district-onsite (2024-05 published) with accounts admin, chengdong (u1), shirong (u2), ducha (督查员)."""

    url: str

    def deduction_id(self, problem: str) -> int:
        with self.factory() as s:
            found = s.scalar(select(DeductionRow.id).where(DeductionRow.problem == problem))
            assert found is not None
            return found


STEPS = [  # (from, to, at) of case K9, written out of order: the page sorts by time
    ("verifying", "closed", "2024-05-20 10:00"),
    ("reported", "registered", "2024-05-06 08:05"),
    ("registered", "dispatched", "2024-05-06 08:20"),
    ("dispatched", "disposing", "2024-05-06 09:00"),
    ("disposing", "feedback", "2024-05-09 16:00"),
    ("feedback", "verifying", "2024-05-10 09:00"),
    ("verifying", "dispatched", "2024-05-10 11:00"),
    ("dispatched", "feedback", "2024-05-18 15:00"),
    ("feedback", "verifying", "2024-05-19 09:00"),
]


def _at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


def _seed(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        write_all_facts(s, ONSITE)
        for name, role, unit in [("admin", "admin", None), ("chengdong", "unit", "u1"), ("shirong", "unit", "u2")]:
            create_user(s, username=name, password=PASSWORD, role=role, display_name=name, unit_id=unit)
        create_user(s, username="ducha", password=PASSWORD, role="inspector", display_name="督查员")
        s.add(
            CaseRow(
                nkey="test-K9",
                case_id="K9",
                unit_id="u1",
                kind="event",
                category="占道经营",
                reported_at=_at("2024-05-06 08:00"),
                dispatched_at=_at("2024-05-06 08:20"),
                deadline=_at("2024-05-08 08:20"),
                disposed_at=_at("2024-05-18 15:00"),
                closed_at=_at("2024-05-20 10:00"),
                rework_count=1,
                verify_failed=1,
                postponed=0,
            )
        )
        s.flush()
        for src, dst, at in STEPS:
            s.add(CaseTransition(case_id="K9", from_status=src, to_status=dst, at=_at(at), actor="中心", note=""))
        photo_of = s.scalar(select(DeductionRow.id).where(DeductionRow.problem == "道路积存垃圾"))
        s.add(
            Evidence(
                unit_id="u1",
                target=f"deductions:{photo_of}",
                filename="0506-1.png",
                content_type="image/png",
                data=PNG,
                created_at=_at("2024-05-06 10:00"),
                created_by="ducha",
            )
        )
        rid = compute_draft(s, scheme="district-onsite", period="2024-05", actor="计算员").id
        review(s, rid, actor="审核员")
        publish(s, rid, actor="发布员")


def _seeded(url: str) -> None:
    with opened_store(url) as factory:
        _seed(factory)


@pytest.fixture
def onsite(db_url: str, restore_snapshot: Callable[[Build], None], monkeypatch: pytest.MonkeyPatch) -> Iterator[Onsite]:
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    restore_snapshot(_seeded)  # built once per session and database, copied for each test
    factory = open_store(db_url)
    app = create_app(db_url, secret=SECRET, schemes=["district-onsite"])
    try:
        with TestClient(app) as client:
            yield Onsite(client=client, factory=factory, url=db_url)
    finally:
        dispose(factory)


def _sum_of_components(page: str) -> Decimal:
    found = POINTS.findall(page)
    assert found, "no composition rows"
    return sum((Decimal(p) for p in found), Decimal(0))


# --- who may look -------------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["admin", "jiaqu"])
def test_admin_and_own_unit_see_the_page(web: Any, user: str) -> None:
    web.login(user)
    r = web.client.get(f"/units/d1?scheme={web.SCHEME}&period={web.PERIOD}")
    assert r.status_code == 200, r.text
    assert "甲区" in r.text and 'id="composition"' in r.text and "得分构成" in r.text


@pytest.mark.parametrize("period", ["2024-Q2", "2024"])
def test_lines_add_up_to_the_total_of_score_store(web: Any, period: str) -> None:
    web.login("jiaqu")
    page = web.client.get(f"/units/d1?scheme={web.SCHEME}&period={period}").text
    url = str(web.factory.kw["bind"].url.render_as_string(hide_password=False))
    _, result = score_store(web.SCHEME, url, period)
    unit = result.unit("d1")
    assert unit is not None
    assert _sum_of_components(page) == unit.total
    assert f'data-points="{unit.total}"' in page
    for table in ("scores", "honors"):  # every cited row is on the page
        assert f'data-table="{table}"' in page


def test_default_period_is_the_latest_with_data(web: Any) -> None:
    web.login("admin")
    r = web.client.get("/units/d1")
    assert r.status_code == 200
    assert re.search(r'<option value="2024-Q\d" selected>', r.text)


def test_another_units_page_is_403(web: Any) -> None:
    web.login("jiaqu")
    r = web.client.get("/units/d2", follow_redirects=False)
    assert r.status_code == 403 and "无权访问" in r.text
    for path in ("/units/d2/cases?period=2024-Q2", "/units/d2/deductions/1", "/units/d2/cases/X"):
        assert web.client.get(path, follow_redirects=False).status_code == 403


def test_anonymous_is_sent_to_login(web: Any) -> None:
    r = web.client.get(f"/units/d1?period={web.PERIOD}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=/units/d1")


def test_other_roles_are_refused(onsite: Onsite) -> None:
    onsite.login("ducha")
    r = onsite.client.get("/units/u1", follow_redirects=False)
    assert r.status_code == 403


def test_unknown_unit_and_period(web: Any) -> None:
    web.login("admin")
    assert web.client.get("/units/nope").status_code == 404
    assert web.client.get("/units/d1?period=2024-05").status_code == 404  # city-1000 has no months
    assert web.client.get("/units/d1?period=later").status_code == 404


# --- deductions, cases, tasks -------------------------------------------------------------------------


def test_every_cited_deduction_is_shown_with_its_facts(onsite: Onsite) -> None:
    onsite.login("chengdong")
    page = onsite.client.get("/units/u1?period=2024-05").text
    _, result = score_store("district-onsite", onsite.url, "2024-05")
    unit = result.unit("u1")
    assert unit is not None
    assert _sum_of_components(page) == unit.total
    cited = {r for ln in unit.lines if ln.file == "db:deductions" for r in ln.rows}
    assert cited
    with onsite.factory() as s:
        rows = s.scalars(select(DeductionRow).where(DeductionRow.id.in_(cited))).all()
    text = html.unescape(page)
    for row in rows:
        assert f'data-table="deductions" data-id="{row.id}"' in page
        assert f'id="deduction-{row.id}"' in page
        assert row.problem in text and row.location in text and row.date.isoformat() in text
        assert f'href="/units/u1/deductions/{row.id}?scheme=district-onsite#evidence"' in text
    assert 'class="evidence-thumb"' in page  # the inspector's photo of 道路积存垃圾


def test_case_timeline_is_in_time_order(onsite: Onsite) -> None:
    onsite.login("chengdong")
    page = onsite.client.get("/units/u1?period=2024-05").text
    assert page.index("K9") < page.index("K4")  # the reworked, late case first
    detail = onsite.client.get("/units/u1/cases/K9")
    assert detail.status_code == 200
    times = re.findall(r'<li class="step[^"]*"[^>]*>\s*<time datetime="([^"]+)"', detail.text)
    assert times == sorted(times) and len(times) == len(STEPS)
    assert "超期" in detail.text and "返工" in detail.text
    assert onsite.client.get("/units/u1/cases/K1").status_code == 404  # u4's case


def test_cases_load_more(onsite: Onsite) -> None:
    onsite.login("admin")
    frag = onsite.client.get("/units/u1/cases?period=2024-05&offset=1", headers={"HX-Request": "true"})
    assert frag.status_code == 200 and "<html" not in frag.text and "K4" in frag.text
    full = onsite.client.get("/units/u1/cases?period=2024-05")
    assert "<html" in full.text and "K9" in full.text and "K4" in full.text


def test_overdue_rectification_is_marked(onsite: Onsite) -> None:
    onsite.login("chengdong")
    page = onsite.client.get("/units/u1?period=2024-05").text
    with onsite.factory() as s:
        open_one = s.scalar(select(NoticeRow.id).where(NoticeRow.unit_id == "u1", NoticeRow.rectified_on.is_(None)))
    row = re.search(rf'<tr class="task[^"]*" id="task-{open_one}"[^>]*>', page)
    assert row is not None and 'data-status="已逾期"' in row.group(0)
    assert "已逾期" in page


def test_evidence_uploaded_through_the_api_appears(onsite: Onsite) -> None:
    onsite.login("chengdong")
    row_id = onsite.deduction_id("店外经营")
    r = onsite.client.post(
        "/api/evidence",
        files={"file": ("after.png", PNG, "image/png")},
        data={"target": f"deductions:{row_id}", "unit_id": "u1"},
        headers=onsite.csrf(),
    )
    assert r.status_code == 201, r.text
    page = onsite.client.get(f"/units/u1/deductions/{row_id}")
    assert page.status_code == 200
    evidence = r.json()["id"]
    assert f'src="/api/evidence/{evidence}"' in page.text and "rectification-photo" in page.text
    assert 'id="evidence-form"' in page.text and 'accept="image/png,image/jpeg,image/webp"' in page.text
    assert "店外经营" in page.text and "人民路" in page.text
    shown = onsite.client.get(f"/api/evidence/{evidence}")  # the unit is shown the copy without EXIF
    assert shown.headers["x-evidence-copy"] == "cleaned" and shown.content == check_image(PNG).shared


def test_inspector_photo_is_evidence_of_the_problem(onsite: Onsite) -> None:
    onsite.login("admin")
    row_id = onsite.deduction_id("道路积存垃圾")
    page = onsite.client.get(f"/units/u1/deductions/{row_id}").text
    assert 'class="evidence-photo"' in page and "0506-1.png" in page
    assert onsite.client.get(f"/units/u2/deductions/{row_id}").status_code == 404


def test_appeal_posted_through_the_api_is_listed(onsite: Onsite) -> None:
    onsite.login("chengdong")
    row_id = onsite.deduction_id("暴露垃圾")
    body = {"period": "2024-05", "text": "已当场清理", "target": f"deductions:{row_id}", "scheme": "district-onsite"}
    r = onsite.client.post("/api/appeals", json=body, headers=onsite.csrf())
    assert r.status_code == 201, r.text
    page = onsite.client.get("/units/u1?period=2024-05").text
    assert 'id="appeal-list"' in page and "已当场清理" in page and "待答复" in page
    assert 'id="appeal-window"' in page and "申诉期" in page
    detail = onsite.client.get(f"/units/u1/deductions/{row_id}").text
    assert "已当场清理" in detail and 'id="appeal-form"' in detail


def test_shirong_cannot_open_chengdong(onsite: Onsite) -> None:
    onsite.login("shirong")
    assert onsite.client.get("/units/u1").status_code == 403
    assert onsite.client.get("/units/u2?period=2024-05").status_code == 200


# --- language -----------------------------------------------------------------------------------------


def test_english_headings(onsite: Onsite) -> None:
    onsite.login("chengdong")
    page = onsite.client.get("/units/u1?period=2024-05&lang=en").text
    for heading in ("Score breakdown", "Deductions", "Cases", "Rectification tasks", "Appeals"):
        assert heading in page
    assert "得分构成" not in page and "整改任务" not in page


def test_every_wrapped_text_is_translated() -> None:
    english = catalog("en")
    wrapped = re.compile(r"""_\(\s*(["'])(.+?)\1""")
    missing = []
    for path in sorted(TEMPLATES.glob("unit*.html")):
        for _, text in wrapped.findall(path.read_text(encoding="utf-8")):
            if text not in english:
                missing.append(f"{path.name}: {text}")
    assert not missing, missing


def test_deadline_and_window_dates_are_shown(onsite: Onsite) -> None:
    onsite.login("admin")
    page = onsite.client.get("/units/u1?period=2024-05").text
    # issue #17: district-onsite v2 gives 5 working days (was: by the notification day itself)
    assert "须在首次通报后 5 个工作日内整改到位" in page
    window = re.search(r"申诉期：(\S+ \S+) 至 (\S+ \S+)。", page)
    assert window is not None
    opens, closes = (datetime.strptime(w, "%Y-%m-%d %H:%M") for w in window.groups())
    assert closes - opens == timedelta(days=7)


def test_appeal_form_is_closed_outside_the_window(web: Any) -> None:
    web.login("jiaqu")
    published = web.client.get(f"/units/d1?scheme={web.SCHEME}&period={web.PERIOD}").text
    assert re.search(r'<textarea id="appeal-text"[^>]*required>', published), "open: the form can be used"
    unpublished = web.client.get(f"/units/d1?scheme={web.SCHEME}&period=2024-Q1").text
    assert "发布后方可申诉" in unpublished
    assert re.search(r'<textarea id="appeal-text"[^>]*disabled', unpublished)


def test_explanations_read_in_the_page_language(onsite: Onsite) -> None:
    onsite.login("chengdong")
    chinese = html.unescape(onsite.client.get("/units/u1?period=2024-05").text)
    assert "deduction(s)" not in chinese and re.search(r"扣分 \d+ 次", chinese)
    english = html.unescape(onsite.client.get("/units/u1?period=2024-05&lang=en").text)
    assert re.search(r"\d+ deduction\(s\)", english)


def test_a_deduction_page_tells_who_entered_and_changed_the_row_and_why(onsite: Onsite) -> None:
    from kaoping.app.facts import one_row, write_row

    values = {"date": date(2024, 5, 20), "unit_id": "u1", "part": "日常考评", "item": "道路保洁", "points": 1.0}
    values |= {"source": "日常考评小组", "problem": "来历测试", "location": "建设路", "evidence": "", "time": None}
    with transaction(onsite.factory) as s:
        write_row(s, "deductions", one_row("deductions", values), actor="ducha", reason="巡查录入")
        changed = values | {"points": 0.5}
        write_row(s, "deductions", one_row("deductions", changed), actor="admin", reason="复核后改为0.5分")
    row_id = onsite.deduction_id("来历测试")
    onsite.login("chengdong")  # the unit reads its own rows' history (Perm.AUDIT_READ)
    page = onsite.client.get(f"/units/u1/deductions/{row_id}").text
    table = page[page.index('id="history-table"') :]
    lines = re.findall(r'<tr data-change="(\w+)">(.*?)</tr>', table, re.S)
    assert [change for change, _ in lines] == ["insert", "update"]
    entered, updated = (re.sub(r"<[^>]+>", " ", text) for _, text in lines)
    assert "ducha" in entered and "首次录入" in entered and "巡查录入" in entered
    assert "admin" in updated and "复核后改为0.5分" in updated and "points：1.0 → 0.5" in updated
    imported = onsite.deduction_id("道路积存垃圾")  # loaded from the example's files
    page = onsite.client.get(f"/units/u1/deductions/{imported}").text
    seeded = re.findall(r'<tr data-change="(\w+)">(.*?)</tr>', page[page.index('id="history-table"') :], re.S)
    assert [(change, "seed" in text) for change, text in seeded] == [("insert", True)]


def test_a_row_that_came_with_a_file_names_the_file_first(onsite: Onsite) -> None:
    from kaoping.app.row_history import Change, row_history
    from kaoping.store.tables import ImportBatch

    row_id = onsite.deduction_id("店外经营")
    with transaction(onsite.factory) as s:
        batch = ImportBatch(sha256="a" * 64, kind="deductions", label="五月巡查.xlsx", rows=1,
                            imported_at=datetime(2000, 1, 1), imported_by="importer")  # fmt: skip
        s.add(batch)
        s.flush()
        row = s.get(DeductionRow, row_id)
        assert row is not None
        lines = row_history(s, "deductions", row.nkey, batch.id)
    assert [(line.change, line.actor, line.source) for line in lines][:2] == [
        (Change.IMPORT, "importer", "五月巡查.xlsx"),
        (Change.INSERT, "seed", ""),
    ]


def test_a_case_page_shows_the_history_of_its_row(onsite: Onsite) -> None:
    """记录来历 on a case page too (issue 15, point 1): the seeded case's first entry; a case written
    around the application (no audit entry) says so instead of showing an empty table."""
    onsite.login("chengdong")
    page = onsite.client.get("/units/u1/cases/K4").text
    lines = re.findall(r'<tr data-change="(\w+)">(.*?)</tr>', page[page.index('id="history-table"') :], re.S)
    assert [(change, "seed" in text) for change, text in lines] == [("insert", True)]
    assert 'id="history-none"' in onsite.client.get("/units/u1/cases/K9").text
    assert 'id="edit-row-link"' not in page  # a unit writes no cases
    onsite.login("admin")
    with onsite.factory() as s:
        k4 = s.scalar(select(CaseRow.id).where(CaseRow.case_id == "K4"))
    assert f'id="edit-row-link" href="/my-entries/cases/{k4}"' in onsite.client.get("/units/u1/cases/K4").text
    form = onsite.client.get(f"/my-entries/cases/{k4}").text  # the office may change any row
    sent = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)) | {"rework_count": "2"}
    sent |= {"action": "edit", "kind": "event", "reason": "返工次数漏记", "confirm": "on"}  # 2024-05 is published
    saved = onsite.client.post(f"/my-entries/cases/{k4}", data=sent)
    assert saved.status_code == 200 and "修改已保存" in saved.text and "rework_count：0 → 2" in saved.text
