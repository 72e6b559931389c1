"""The web pages on SQLite and PostgreSQL: 公示 shows exactly the published ranking, the office page and
its bulletin downloads are for 考评办 only, and every asset is served locally (no CDN)."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import unquote

import openpyxl
import pytest

from kaoping.store.publishing import current


def published_document(web: Any) -> dict[str, Any]:
    with web.factory() as s:
        row = current(s, scheme=web.SCHEME, period=web.PERIOD)
        assert row is not None
        return dict(row.document)


def test_root_redirects_to_public(web: Any) -> None:
    r = web.client.get("/", follow_redirects=False)
    assert r.status_code in (302, 307) and r.headers["location"] == "/public"


def test_public_lists_published_periods(web: Any) -> None:
    r = web.client.get("/public")
    assert r.status_code == 200
    assert 'lang="zh-CN"' in r.text
    assert f"/public/{web.SCHEME}/{web.PERIOD}" in r.text


def test_public_period_shows_every_unit_and_total(web: Any) -> None:
    r = web.client.get(f"/public/{web.SCHEME}/{web.PERIOD}")
    assert r.status_code == 200, r.text
    page = r.text
    document = published_document(web)
    for g in document["groups"]:
        assert g["group"] in page
        for u in g["ranking"]:
            assert u["unit"] in page
            assert f"{u['total']:.2f}" in page
    assert "/static/vendor/echarts.min.js" in page
    assert 'id="chart-data"' in page
    assert "历次版本" not in page
    assert "cdn" not in page.lower() and "https://" not in page


def test_correction_is_noted(web: Any) -> None:
    web.publish(reason="更正甲区得分")
    page = web.client.get(f"/public/{web.SCHEME}/{web.PERIOD}").text
    assert "历次版本" in page and "更正甲区得分" in page and "第 2 版" in page


UNPUBLISHED = ["/public/city-1000/2024-Q3", "/public/city-1000/not-a-period", "/public/nope/2024-Q2"]


@pytest.mark.parametrize("path", UNPUBLISHED)
def test_unpublished_is_404_in_chinese(web: Any, path: str) -> None:
    r = web.client.get(path)
    assert r.status_code == 404
    assert "尚未发布" in r.text


@pytest.mark.parametrize("name", ["htmx.min.js", "echarts.min.js", "VERSIONS.txt"])
def test_vendor_files_are_served(web: Any, name: str) -> None:
    r = web.client.get(f"/static/vendor/{name}")
    assert r.status_code == 200 and len(r.content) > 0


def test_static_own_files_are_served(web: Any) -> None:
    for name in ("style.css", "charts.js"):
        r = web.client.get(f"/static/{name}")
        assert r.status_code == 200 and r.content


def test_login_page(web: Any) -> None:
    r = web.client.get("/login?next=/periods/city-1000/2024-Q2")
    assert r.status_code == 200
    assert "/static/login.js" in r.text and 'data-next="/periods/city-1000/2024-Q2"' in r.text
    assert "/api/auth/login" in web.client.get("/static/login.js").text


def test_login_page_ignores_foreign_next(web: Any) -> None:
    r = web.client.get("/login?next=//evil.example/")
    assert 'data-next="/"' in r.text


def test_admin_period_page_and_bulletins(web: Any) -> None:
    web.login("admin")
    base = f"/periods/{web.SCHEME}/{web.PERIOD}"
    page = web.client.get(base)
    assert page.status_code == 200, page.text
    assert "已发布" in page.text and f"{base}/bulletin.xlsx" in page.text and f"{base}/bulletin.pdf" in page.text

    xlsx = web.client.get(f"{base}/bulletin.xlsx")
    assert xlsx.status_code == 200, xlsx.text
    disposition = xlsx.headers["content-disposition"]
    assert "filename*=UTF-8''" in disposition and unquote(disposition).endswith("考评通报.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames

    pdf = web.client.get(f"{base}/bulletin.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"


@pytest.mark.parametrize("suffix", ["", "/bulletin.xlsx", "/bulletin.pdf"])
def test_anonymous_is_sent_to_login(web: Any, suffix: str) -> None:
    r = web.client.get(f"/periods/city-1000/2024-Q2{suffix}", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login")


@pytest.mark.parametrize("suffix", ["", "/bulletin.xlsx", "/bulletin.pdf"])
def test_unit_user_is_refused(web: Any, suffix: str) -> None:
    web.login("jiaqu")
    r = web.client.get(f"/periods/city-1000/2024-Q2{suffix}", follow_redirects=False)
    assert r.status_code == 403
    assert "无权访问" in r.text


def test_signed_in_user_is_named_in_header(web: Any) -> None:
    web.login("jiaqu")
    assert "甲区（被考评单位）" in web.client.get("/public").text


def test_public_period_prints_the_audit_chain_head_of_its_publication(web: Any) -> None:
    from sqlalchemy import select

    from kaoping.store.tables import PublishedResult

    with web.factory() as s:
        head = s.scalars(select(PublishedResult.audit_head).where(PublishedResult.status == "published")).one()
    assert head is not None and len(head) == 64
    page = web.client.get(f"/public/{web.SCHEME}/{web.PERIOD}").text
    assert "审计链头" in page and f"<code>{head[:12]}</code>" in page
