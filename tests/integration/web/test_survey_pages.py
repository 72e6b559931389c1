"""满意度问卷 pages on SQLite and PostgreSQL: the public form (CSRF, one sheet per phone, bounded fields), the
office's results with n and the margin, 电话回访 entry, import, 汇总计分, and the published rows as JSON.

Numbers as tests/unit/engine/test_survey.py: s1 sheets 100 (public), 60 (phone), 80 (public) → 16, ±4.53, n 3.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from db_testing import dispose
from examples_testing import EXAMPLES
from kaoping.app.publish import compute_draft, publish, review
from kaoping.io.readers import read_facts
from kaoping.server import create_app
from kaoping.store import users
from kaoping.store.db import open_store, transaction
from kaoping.store.users import create_user
from store_testing import write_all_facts
from web_testing import PASSWORD, SignedInSite

FORM = "/survey/social-evaluation-survey"
OFFICE = "/surveys/social-evaluation-survey"


@pytest.fixture
def site(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[SignedInSite]:
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    factory = open_store(db_url)
    facts = read_facts(EXAMPLES / "social-evaluation")
    try:
        with transaction(factory) as s:
            write_all_facts(s, replace(facts, scores=facts.scores.clear()))
            create_user(s, username="admin", password=PASSWORD, role="admin", display_name="考评办")
            create_user(
                s, username="dept", password=PASSWORD, role="department", display_name="城管局", parts=["群众满意度"]
            )
        server = create_app(
            db_url, secret="survey-secret-" + "s" * 32, schemes=["social-evaluation"], separation_of_duties=False,
            clock=lambda: datetime(2024, 3, 20, 10, 0),
        )  # fmt: skip
        with TestClient(server) as client:
            yield SignedInSite(client=client, factory=factory)
    finally:
        dispose(factory)


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


def _answer(web: SignedInSite, unit: str, choices: tuple[str, str, str], phone: str) -> int:
    token = _csrf(web.client.get(FORM).text)
    body = {"csrf": token, "unit": unit, "phone": phone, "q1": choices[0], "q2": choices[1], "q3": choices[2]}
    return web.client.post(FORM, data=body).status_code


def test_public_form_one_sheet_per_phone(site: SignedInSite) -> None:
    assert f'href="{FORM}"' in site.client.get("/public").text
    page = site.client.get(FORM).text
    assert "街道市容环境群众满意度问卷" in page and 'type="tel"' in page and "甲街道" in page
    assert _answer(site, "s1", ("满意", "满意", "满意"), "13800000001") == 200
    assert _answer(site, "s1", ("满意", "基本满意", "基本满意"), "13800000003") == 200
    token = _csrf(site.client.get(FORM).text)
    again = {"csrf": token, "unit": "s2", "phone": "138-0000-0001", "q1": "满意", "q2": "满意", "q3": "满意"}
    refused = site.client.post(FORM, data=again)
    assert refused.status_code == 409 and "本期已参加过此问卷" in refused.text
    stale = site.client.post(FORM, data={**again, "csrf": "forged", "phone": "13900000000"})
    assert stale.status_code == 403
    bad = site.client.post(FORM, data={**again, "csrf": token, "phone": "13900000000", "q2": "很好"})
    assert bad.status_code == 422 and "q2" in bad.text


def test_office_enters_tallies_and_the_published_json_shows_n_and_margin(site: SignedInSite) -> None:
    assert _answer(site, "s1", ("满意", "满意", "满意"), "13800000001") == 200
    assert _answer(site, "s1", ("满意", "基本满意", "基本满意"), "13800000003") == 200
    site.login("admin")
    page = site.client.get(f"{OFFICE}?period=2024-03").text
    token = _csrf(page)
    phone = {"csrf": token, "period": "2024-03", "unit": "s1", "phone": "13800000002"}
    entered = site.client.post(f"{OFFICE}/phone", data={**phone, "q1": "基本满意", "q2": "满意", "q3": "不满意"})
    assert entered.status_code == 200 and "已录入一份答卷" in entered.text
    page = entered.text
    row = re.search(r'<tr data-unit="s1">(.*?)</tr>', page, re.S)
    assert row is not None
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]
    assert cells == ["甲街道", "16.00", "3 / 3", "±4.53", "样本达标"]
    assert "答卷 #3（电话回访）：q1 基本满意、q2 满意、q3 不满意 → 60" in page and "1.96 × 标准差 ÷ √n" in page
    standing = re.compile(r'data-survey="social-evaluation-survey" data-tallied="(\d)"')
    period_page = site.client.get("/periods/social-evaluation/2024-03").text
    assert standing.findall(period_page) == ["0"] and "3 份答卷" in period_page
    tallied = site.client.post(f"{OFFICE}/tally", data={"csrf": token, "period": "2024-03"})
    assert tallied.status_code == 200 and "已汇总计分" in tallied.text
    assert standing.findall(site.client.get("/periods/social-evaluation/2024-03").text) == ["1"]
    assert site.client.get("/public/social-evaluation/2024-03/surveys.json").status_code == 404  # not published
    with transaction(site.factory) as s:
        draft = compute_draft(s, scheme="social-evaluation", period="2024-03", actor="admin", separate_duties=False)
        review(s, draft.id, actor="admin", separate_duties=False)
        publish(s, draft.id, actor="admin")
    body = site.client.get("/public/social-evaluation/2024-03/surveys.json").json()
    assert [(r["unit_id"], r["score"], r["n"], r["margin"], r["flag"]) for r in body["surveys"]] == [
        ("s1", 16.0, 3, 4.53, "样本达标")
    ]
    bulletin = site.client.get("/periods/social-evaluation/2024-03/bulletin.xlsx")
    assert bulletin.status_code == 200
    sheet = load_workbook(io.BytesIO(bulletin.content))["问卷调查"]
    assert [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        ["s1", "甲街道", "群众满意度", 16, 3, 3, "±4.53", "样本达标"]
    ]


def test_import_and_refusals(site: SignedInSite, tmp_path: Path) -> None:
    site.login("dept")
    assert site.client.get(OFFICE).status_code == 403
    site.login("admin")
    token = _csrf(site.client.get(f"{OFFICE}?period=2024-03").text)
    csv = (
        "单位,考评期,联系电话,q1,q2,q3\ns2,2024-03,13800000004,满意,满意,满意\ns2,2024-03,13800000005,满意,满意,满意\n"
    )
    done = site.client.post(f"{OFFICE}/import", data={"csrf": token}, files={"file": ("a.csv", csv.encode())})
    assert done.status_code == 200 and "已导入 2 份答卷" in done.text
    wrong = "单位,考评期,联系电话,q1,q2,q3\ns2,2024-03,13800000006,满意,好,满意\n"
    failed = site.client.post(f"{OFFICE}/import", data={"csrf": token}, files={"file": ("b.csv", wrong.encode())})
    assert failed.status_code == 422 and "第 2 行" in failed.text and "q2" in failed.text


def test_the_drill_down_cites_the_survey_row(site: SignedInSite) -> None:
    """The unit's page explains 群众满意度 like any score: the row it came from, its source and the note with n
    and the margin (which sheets: the survey page's 答卷明细)."""
    for phone, unit in (("13800000001", "s1"), ("13800000002", "s1")):
        assert _answer(site, unit, ("满意", "满意", "满意"), phone) == 200
    site.login("admin")
    token = _csrf(site.client.get(f"{OFFICE}?period=2024-03").text)
    assert site.client.post(f"{OFFICE}/tally", data={"csrf": token, "period": "2024-03"}).status_code == 200
    page = site.client.get("/units/s1?scheme=social-evaluation&period=2024-03").text
    assert "问卷:social-evaluation-survey:v1" in page
    assert "问卷 n=2，满意度均值 100.00%，误差范围 ±0.00（95%），配额 3，样本不足" in page
    assert "问卷答卷（按库中答卷）：样本量 2，误差范围 ±0.00（95%），样本不足" in page
    assert "答卷 #2（公众页面）：q1 满意、q2 满意、q3 满意 → 100" in page
    assert "13800000001" not in page


def test_import_a_workbook(site: SignedInSite, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "答卷"
    sheet.append(["单位", "考评期", "联系电话", "q1", "q2", "q3"])
    sheet.append(["s3", "2024-03", "13800000009", "不满意", "满意", "满意"])
    path = tmp_path / "answers.xlsx"
    book.save(path)
    site.login("admin")
    token = _csrf(site.client.get(f"{OFFICE}?period=2024-03").text)
    files = {"file": ("答卷.xlsx", path.read_bytes())}
    done = site.client.post(f"{OFFICE}/import", data={"csrf": token}, files=files)
    assert done.status_code == 200 and "已导入 1 份答卷" in done.text
    page = site.client.get(f"{OFFICE}?period=2024-03").text
    row = re.search(r'<tr data-unit="s3">(.*?)</tr>', page, re.S)
    assert row is not None and "10.00" in row.group(1)  # (50·0 + 30·100 + 20·100) / 100 = 50 → 50 × 20 / 100 = 10


def test_a_questionnaire_nobody_runs_is_a_page_saying_so(site: SignedInSite) -> None:
    public = site.client.get("/survey/no-such-survey")
    assert public.status_code == 404 and "没有问卷 no-such-survey" in public.text
    site.login("admin")
    office = site.client.get("/surveys/no-such-survey")
    assert office.status_code == 404 and "没有问卷 no-such-survey" in office.text
