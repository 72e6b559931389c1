"""应报分数 pages on SQLite and PostgreSQL: a department's owed scores, entered on its screen through the fact
API; the reminder on its home page; the office's matrix; refusals by the policy table; `kaoping owed`.

The store of tests/integration/store/test_owed.py (current month; u2 乙项 owed by 城管局 and 园林局)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from db_testing import dispose
from kaoping.cli import app as cli
from kaoping.periods import PeriodKind, period_of
from kaoping.server import create_app
from kaoping.store import users
from kaoping.store.db import open_store, transaction
from kaoping.store.users import create_user
from owed_testing import SCHEME
from store_testing import write_all_facts
from web_testing import PASSWORD, SignedInSite

MONTH = str(period_of(date.today(), PeriodKind.MONTH))
ROWS = [("u1", "甲项", "城管局"), ("u1", "乙项", "城管局"), ("u1", "乙项", "园林局"), ("u2", "甲项", "城管局")]


@pytest.fixture
def site(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[SignedInSite, str]]:
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    path = tmp_path / "owed-test.yaml"
    path.write_text(SCHEME, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "units.csv").write_text("unit_id,name,group\nu1,一区,各区\nu2,二区,各区\n", encoding="utf-8")
    lines = [f"{MONTH},{u},部门考评,{i},90,{s}" for u, i, s in ROWS]
    (data / "scores.csv").write_text("period,unit_id,part,item,score,source\n" + "\n".join(lines) + "\n", "utf-8")
    factory = open_store(db_url)
    try:
        with transaction(factory) as s:
            write_all_facts(s, data)
            create_user(s, username="admin", password=PASSWORD, role="admin", display_name="考评办")
            create_user(
                s, username="yuanlin", password=PASSWORD, role="department", display_name="园林局", parts=["部门考评"]
            )
            create_user(s, username="u1", password=PASSWORD, role="unit", display_name="一区", unit_id="u1")
        server = create_app(db_url, secret="test-secret-" + "o" * 32, schemes=[str(path)], separation_of_duties=False)
        with TestClient(server) as client:
            yield SignedInSite(client=client, factory=factory), str(path)
    finally:
        dispose(factory)


def _rows(page: str) -> list[tuple[str, str, str]]:
    return re.findall(r'<tr class="owed-\w+" data-unit="(\w+)" data-part="[^"]*" data-item="([^"]*)"[^>]*'
                      r'data-status="(\w+)"', page)  # fmt: skip


def test_a_department_enters_what_it_owes(site: tuple[SignedInSite, str]) -> None:
    web, _ = site
    web.login("yuanlin")
    home = web.client.get("/entry").text
    assert 'id="owed-reminder"' in home and f"{MONTH} 尚有 1 项应报分数未报（其中逾期 0 项）" in home
    page = web.client.get("/owed").text  # opens on the period it owes in
    assert _rows(page) == [("u2", "乙项", "pending"), ("u1", "乙项", "filled")]
    body = {"period": MONTH, "unit_id": "u2", "part": "部门考评", "item": "乙项", "score": 88}
    r = web.client.post("/api/scores", json=body, headers=web.csrf())
    assert r.status_code in (200, 201), r.text
    assert _rows(web.client.get(f"/owed?period={MONTH}").text) == [("u1", "乙项", "filled"), ("u2", "乙项", "filled")]
    assert 'id="owed-reminder"' not in web.client.get("/entry").text
    assert web.client.get("/owed/matrix").status_code == 403


def test_the_office_sees_the_matrix(site: tuple[SignedInSite, str]) -> None:
    web, _ = site
    web.login("admin")
    page = web.client.get(f"/owed/matrix?period={MONTH}").text
    assert "共应报 6 项：已报 4 项，逾期报送 0 项，逾期未报 0 项，未到期未报 2 项。" in page
    cells = re.findall(
        r'<tr data-unit="(\w+)"><td>[^<]*</td>\s*<td class="owed-(\w+)"[^>]*>.*?<td class="owed-(\w+)"', page, re.S
    )
    assert cells == [("u1", "filled", "filled"), ("u2", "filled", "pending")]
    assert web.client.get("/owed").status_code == 403


def test_a_unit_sees_no_owed_page(site: tuple[SignedInSite, str]) -> None:
    web, _ = site
    web.login("u1")
    assert web.client.get("/owed").status_code == 403
    assert web.client.get("/owed/matrix").status_code == 403


def test_cli_lists_who_owes_what(site: tuple[SignedInSite, str], db_url: str) -> None:
    _, path = site
    result = CliRunner().invoke(cli, ["owed", "--period", MONTH, "--scheme", path, "--db", db_url], terminal_width=200)
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if "二区" in ln]
    assert len(lines) == 2 and any("园林局" in ln for ln in lines) and any("城管局" in ln for ln in lines)
    assert "逾期未报 0 项，未到期未报 2 项，共应报 6 项" in result.output


def test_the_bulletin_reports_what_is_not_in(site: tuple[SignedInSite, str]) -> None:
    import io

    import openpyxl

    from kaoping.app.bulletins import from_store
    from kaoping.reports.pdf_bulletin import render_html
    from kaoping.scheme import load_scheme

    web, path = site
    web.login("admin")
    r = web.client.get(f"/periods/owed-test/{MONTH}/bulletin.xlsx")
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content))["应报分数"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted((row[0], row[1], row[4], row[7]) for row in rows) == [
        ("园林局", "u2", "乙项", "未报（未到期）"),
        ("城管局", "u2", "乙项", "未报（未到期）"),
    ]
    with web.factory() as s:
        html = render_html(from_store(s, load_scheme(path), MONTH))
    assert "应报分数：截至本通报生成时，未报（未到期） 2 项；明细如下。" in html


def test_publishing_with_scores_missing_needs_the_office_s_reason(
    site: tuple[SignedInSite, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import kaoping.app.owed as owed

    class Later(date):  # the day after the due day: u2 乙项 is missing from 城管局 and 园林局
        @classmethod
        def today(cls) -> date:
            return period_of(date.today(), PeriodKind.MONTH).next().start().replace(day=26)

    monkeypatch.setattr(owed, "date", Later)
    web, _ = site
    web.login("admin")
    r = web.client.post("/api/results/compute", json={"scheme": "owed-test", "period": MONTH}, headers=web.csrf())
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    assert web.client.post(f"/api/results/{rid}/review", headers=web.csrf()).status_code == 200
    page = web.client.get(f"/periods/owed-test/{MONTH}").text
    assert 'id="missing-reason"' in page and "2 项应报分数逾期未报" in page
    refused = web.client.post(f"/api/results/{rid}/publish", headers=web.csrf())
    assert refused.status_code == 409 and "尚有 2 项应报分数逾期未报" in refused.text
    reason = {"missing_reason": "园林局机构调整，经领导同意先行发布"}
    done = web.client.post(f"/api/results/{rid}/publish", params=reason, headers=web.csrf())
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "published"
