"""The 公示 pages on the demo city (issue 15, point 6): every total checkable by hand, money as 奖惩 with sign and
separators, the index by year with Chinese period names and the scheme's title, legends, /static compressed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kaoping.demo.build import build_demo
from kaoping.server import create_app
from kaoping.store import publishing
from kaoping.store.db import open_store

SECRET = "public-secret-" + "p" * 32
CELL = re.compile(r'<td class="([^"]*)"[^>]*>(.*?)</td>', re.S)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    """The demo city (2024-01 … 2024-Q3 published) served on SQLite; yields the client and the store URL."""
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('public')) / 'demo.db'}"
    build_demo(url, cases=300)
    app = create_app(url, secret=SECRET, schemes=["demo-city"])
    with TestClient(app) as client:
        yield client, url


def public_rows(page: str) -> list[dict[str, str]]:
    """Each ranked row of the public tables as {cell class (the first but ``num``): text}."""
    rows = []
    for table in re.findall(r'<table class="ranking public-ranking".*?</table>', page, re.S):
        for row in re.findall(r"<tr(?: class=\"flagged\")?>(.*?)</tr>", table, re.S):
            cells = {
                next(c for c in cls.split() if c != "num"): re.sub(r"<[^>]+>", "", text).strip()
                for cls, text in CELL.findall(row)
            }
            if "total" in cells:
                rows.append(cells)
    return rows


def test_each_total_is_base_plus_bonus_minus_deductions(demo: tuple[TestClient, str]) -> None:
    client, url = demo
    page = client.get("/public/demo-city/2024-Q3").text
    rows = public_rows(page)
    assert len(rows) == 13
    for th in ("名次", "单位", "总分", "基础分", "加分", "扣减", "奖惩（元）"):
        assert f">{th}</th>" in page
    assert "奖励（元）" not in page
    with open_store(url)() as s:
        document = publishing.current(s, scheme="demo-city", period="2024-Q3").document
    engine = {u["unit"]: u for g in document["groups"] for u in g["ranking"]}
    for row in rows:
        total, base = Decimal(row["total"].rstrip("※")), Decimal(row["base"])
        bonus, penalty = Decimal(row["bonus"]), Decimal(row["penalty"])
        # four figures each rounded half-up to 2 places (error under 0.005): the printed sum is off by 0.01 at most
        assert abs(base + bonus - penalty - total) <= Decimal("0.01"), row
        unit = engine[row["name"]]
        assert (base, bonus, penalty) == tuple(
            Decimal(str(unit[k])).quantize(Decimal("0.01")) for k in ("base", "bonus", "penalty")
        )
    # the quarter's bonus and deductions are not all zero: the columns carry something to check
    assert any(Decimal(r["bonus"]) > 0 for r in rows) and any(Decimal(r["penalty"]) > 0 for r in rows)


def test_money_is_signed_with_thousands_separators(demo: tuple[TestClient, str]) -> None:
    client, _ = demo
    rows = public_rows(client.get("/public/demo-city/2024-Q3").text)
    money = [r["money"] for r in rows]
    assert "+300,000" in money and "-100,000" in money
    assert all(re.fullmatch(r"0|[+-]\d{1,3}(,\d{3})*", m) for m in money), money


def test_legends_explain_red_rows_and_substitution(demo: tuple[TestClient, str]) -> None:
    client, _ = demo
    page = client.get("/public/demo-city/2024-Q3").text
    assert 'id="legend-flagged"' in page and "红色文字的行" in page
    assert 'id="legend-substitution"' in page and "递补" in page
    assert 'id="legend-money"' in page
    # 金川新区 is never rewarded or penalised: its row says so
    assert any(r["name"] == "金川新区" and "不参加经济奖惩" in r["remarks"] for r in public_rows(page))
    # a month has no money and no flags: nothing to explain
    month = client.get("/public/demo-city/2024-09").text
    assert 'id="legend-substitution"' not in month and 'id="legend-flagged"' not in month


def test_flags_use_the_schemes_labels(demo: tuple[TestClient, str]) -> None:
    client, _ = demo
    remarks = [r["remarks"] for r in public_rows(client.get("/public/demo-city/2024-Q3").text)]
    assert any("末位表态发言" in r for r in remarks)
    assert not any(re.search(r"[a-z_]{4,}", r) for r in remarks), remarks


def test_index_groups_by_year_with_chinese_period_names(demo: tuple[TestClient, str]) -> None:
    client, _ = demo
    page = client.get("/public").text
    assert '<h2 id="year-2024">2024年</h2>' in page
    for name in ("2024年第三季度", "2024年第一季度", "2024年9月", "2024年1月"):
        assert f"{name} 考评结果" in page
    assert "金川市城市管理综合考评方案（演示）" in page
    assert "（demo-city）" not in page
    # the quarter comes before its months, the newest quarter first
    assert page.index("2024年第三季度") < page.index("2024年9月") < page.index("2024年第二季度")
    assert "2024年第三季度" in client.get("/public/demo-city/2024-Q3").text
    assert '<h2 id="year-2024">2024</h2>' in client.get("/public?lang=en").text


def test_echarts_is_sent_gzipped_and_revalidated(demo: tuple[TestClient, str]) -> None:
    client, _ = demo
    path = "/static/vendor/echarts.min.js"
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    r = client.get(path, headers={"Accept-Encoding": "gzip, deflate"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
    assert r.headers["vary"] == "Accept-Encoding" and r.headers["cache-control"] == "no-cache"
    assert int(r.headers["content-length"]) < len(plain.content) / 2
    assert r.content == plain.content  # the client decoded it: the same script
    assert "content-encoding" not in plain.headers and plain.headers["etag"] != r.headers["etag"]
    again = client.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert "script-src 'self'" in r.headers["content-security-policy"]


def test_brotli_when_the_browser_accepts_it(demo: tuple[TestClient, str]) -> None:
    client, _ = demo
    path = "/static/vendor/echarts.min.js"
    gz = client.get(path, headers={"Accept-Encoding": "gzip"})
    br = client.get(path, headers={"Accept-Encoding": "gzip, br"})
    assert br.headers["content-encoding"] == "br" and br.headers["etag"] != gz.headers["etag"]
    assert int(br.headers["content-length"]) < int(gz.headers["content-length"])
    assert br.content == gz.content  # both decode to the same script


def test_a_refused_gzip_gets_the_file_as_it_is(demo: tuple[TestClient, str]) -> None:
    client, _ = demo
    r = client.get("/static/style.css", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    raw = client.get("/static/style.css", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in raw.headers and raw.headers["cache-control"] == "no-cache"
    assert raw.content == r.content


def test_public_page_keeps_the_content_security_policy(demo: tuple[TestClient, str]) -> None:
    client, _ = demo
    r = client.get("/public/demo-city/2024-Q3")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    # no inline script and no inline handler: only JSON islands and scripts from /static
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", r.text, re.S)
    assert all('type="application/json"' in attrs or ("src=" in attrs and not body.strip()) for attrs, body in scripts)
    assert not re.search(r"\son[a-z]+=", r.text)


def test_the_bar_charts_start_at_zero_and_say_so(demo: tuple[TestClient, str]) -> None:
    client, _ = demo
    page = client.get("/public/demo-city/2024-Q3?lang=zh").text  # an earlier test may have left English chosen
    island = re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', page, re.S)
    assert island is not None
    groups = json.loads(island.group(1))
    assert groups and all(g["axis"]["min"] <= 0 and g["axis"]["includes_zero"] for g in groups)
    assert all(g["axis"]["max"] >= max(float(t) for t in g["totals"]) for g in groups)
    assert page.count("柱高从 0 起，按比例反映总分。") == len(groups)
    english = client.get("/public/demo-city/2024-Q3?lang=en").text
    assert "Bars start at 0: their heights are in proportion to the totals." in english
    client.get("/public?lang=zh")  # the module's client reads Chinese again
