"""综合看板 and the publishing panel on SQLite and PostgreSQL: the rankings are the engine's numbers, rank
changes are right, only 考评办 gets in, the picker offers the scheme's kinds, the map island carries the
stored areas and the period's deductions, English works, and publishing through the API reaches 公示."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from dashboard_testing import PASSWORD, island, office_client
from db_testing import Build, opened_store
from examples_testing import EXAMPLES
from kaoping.app.scoring import score_store
from kaoping.engine.phrases import flag_label as flag_text
from kaoping.server import create_app
from kaoping.store import users
from kaoping.store.db import open_store, transaction
from kaoping.store.tables import UnitArea
from kaoping.store.users import create_user
from store_testing import write_all_facts
from web_testing import ranking_rows

ONSITE = EXAMPLES / "district-onsite"
SECRET = "dashboard-secret-" + "d" * 32
AREAS = ("u1", "u2", "u3")  # u4 has no stored area


def square(i: int) -> dict[str, Any]:
    x = 120.0 + i * 0.1
    return {"type": "Polygon", "coordinates": [[[x, 30.0], [x + 0.1, 30.0], [x + 0.1, 30.1], [x, 30.1], [x, 30.0]]]}


def _onsite_with_areas(url: str) -> None:
    """district-onsite's facts, the office's account, and areas for three of its four units."""
    with opened_store(url) as factory:
        with transaction(factory) as s:
            write_all_facts(s, ONSITE)
            create_user(s, username="admin", password=PASSWORD, role="admin", display_name="考评办")
        with transaction(factory) as s:
            for i, unit_id in enumerate(AREAS):
                s.add(UnitArea(unit_id=unit_id, geometry=square(i)))


@pytest.fixture
def onsite(
    db_url: str, restore_snapshot: Callable[[Build], None], monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    """district-onsite (months; deductions, notices, cases) with areas for three of its four units; signed in."""
    with office_client(db_url, restore_snapshot, monkeypatch, _onsite_with_areas, "district-onsite", SECRET) as client:
        yield client


def select_values(page: str, element_id: str) -> list[str]:
    found = re.search(rf'<select id="{element_id}"[^>]*>(.*?)</select>', page, re.S)
    assert found, element_id
    return re.findall(r'<option value="([^"]*)"', found.group(1))


def test_admin_sees_the_engine_ranking(web: Any, db_url: str) -> None:
    web.login("admin")
    r = web.client.get("/dashboard/city-1000/2024-Q2")
    assert r.status_code == 200, r.text
    _, result = score_store("city-1000", db_url, "2024-Q2")
    expected = [(u.unit_id, str(u.rank), f"{u.shown_total:.2f}", f"{u.reward:,}") for u in result.units()]
    rows = ranking_rows(r.text)
    assert [(unit_id, cells[0], cells[-3], cells[-2]) for unit_id, cells in rows] == expected
    assert "/units/d1?scheme=city-1000&amp;period=2024-Q2" in r.text
    assert flag_text("statement") in r.text and ">statement<" not in r.text  # flags through the flag filter
    assert 'id="trend-chart"' in r.text and 'id="parts-chart"' in r.text and 'id="map-chart"' in r.text
    assert "/static/vendor/echarts.min.js" in r.text and "https://" not in r.text


def test_rank_change_against_the_previous_quarter(web: Any, db_url: str) -> None:
    web.login("admin")
    page = web.client.get("/dashboard/city-1000/2024-Q2").text
    _, before = score_store("city-1000", db_url, "2024-Q1")
    _, now = score_store("city-1000", db_url, "2024-Q2")
    was = {u.unit_id: u.rank for u in before.units()}
    changes = dict((unit_id, cells[1]) for unit_id, cells in ranking_rows(page))
    for u in now.units():
        step = was[u.unit_id] - u.rank
        assert changes[u.unit_id] == (f"↑{step}" if step > 0 else f"↓{-step}" if step < 0 else "—"), u.unit_id
    assert changes["d1"] == "↑1" and changes["d2"] == "↓1"  # 甲区 overtakes 乙区 in 2024-Q2


def test_rank_change_of_months_and_no_previous_data(onsite: TestClient) -> None:
    may = dict(
        (unit_id, cells[1]) for unit_id, cells in ranking_rows(onsite.get("/dashboard/district-onsite/2024-05").text)
    )
    # April: u2 1, u1 2, u3 2, u4 4; May (district-onsite v2, issue #17): u4 29 1st, u3 28 2nd, u1 19.5 3rd,
    # u2 4th (was u3 1, u4 2, u1 3, u2 4: u3 ↑1, u4 ↑2)
    assert may == {"u4": "↑3", "u3": "—", "u1": "↓1", "u2": "↓3"}
    february = onsite.get("/dashboard/district-onsite/2024-02").text  # January holds no fact
    assert all(cells[1] == "" for _, cells in ranking_rows(february))
    assert "上期（2024-01）无数据" in february


@pytest.mark.parametrize("path", ["/dashboard", "/dashboard/city-1000/2024-Q2", "/dashboard?scheme=city-1000"])
def test_anonymous_is_sent_to_login(web: Any, path: str) -> None:
    r = web.client.get(path, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


@pytest.mark.parametrize("path", ["/dashboard", "/dashboard/city-1000/2024-Q2"])
def test_unit_user_is_refused(web: Any, path: str) -> None:
    web.login("jiaqu")
    r = web.client.get(path, follow_redirects=False)
    assert r.status_code == 403 and "无权访问" in r.text


def test_picker_offers_only_the_schemes_kinds(web: Any) -> None:
    web.login("admin")
    city = web.client.get("/dashboard/city-1000/2024-Q2").text
    assert select_values(city, "pick-kind") == ["quarter", "year"]
    periods = select_values(city, "pick-period")
    assert "2024-Q2" in periods and "2024-Q1" in periods and not any(len(p) == 7 and "Q" not in p for p in periods)
    assert set(island(city, "picker-data")) == {"quarter", "year"}
    assert '<option value="2024-Q2" selected>' in city


def test_picker_of_a_monthly_scheme(onsite: TestClient) -> None:
    month = onsite.get("/dashboard/district-onsite/2024-05").text
    assert select_values(month, "pick-kind") == ["month"]
    # only months with evaluated data (issue 12.3): the data ends in May, so June–December are not offered
    assert select_values(month, "pick-period")[:2] == ["2024-05", "2024-04"]
    assert "2024-12" not in select_values(month, "pick-period")


def test_dashboard_goes_to_the_latest_period_and_follows_the_form(web: Any) -> None:
    web.login("admin")
    get = web.client.get
    assert get("/dashboard", follow_redirects=False).headers["location"] == "/dashboard/city-1000/2024-Q2"
    form = "/dashboard?current=city-1000&scheme=city-1000&kind=year&period=2024-Q2"
    assert get(form, follow_redirects=False).headers["location"] == "/dashboard/city-1000/2024"
    assert get("/dashboard?lang=en", follow_redirects=False).headers["location"].endswith("?lang=en")
    assert get("/dashboard/city-1000/2024-05").status_code == 404  # city-1000 has no monthly evaluation
    assert get("/dashboard/nope/2024-Q2").status_code == 404
    assert get("/dashboard/city-1000/2024").status_code == 200


def test_latest_month(onsite: TestClient) -> None:
    latest = onsite.get("/dashboard", follow_redirects=False)
    assert latest.headers["location"] == "/dashboard/district-onsite/2024-05"


def test_kpis_and_map_island(onsite: TestClient) -> None:
    page = onsite.get("/dashboard/district-onsite/2024-05").text
    data = island(page, "map-data")
    features = data["features"]["features"]
    assert {f["properties"]["unit_id"] for f in features} == set(AREAS)
    assert {f["properties"]["name"] for f in features} == {"城东街道办事处", "区市容环卫中心", "区园林绿化所"}
    assert features[0]["geometry"]["type"] == "Polygon"
    units = {u["unit_id"]: u for u in data["units"]}
    assert {k: u["deductions"] for k, u in units.items()} == {"u1": 3, "u2": 3, "u3": 0, "u4": 1}
    assert units["u1"]["deduction_points"] == pytest.approx(6.5) and units["u4"]["cases"] == 2
    assert units["u4"]["has_area"] is False
    assert 'data-mode="map"' in page
    kpi = dict(re.findall(r'data-kpi="([\w-]+)"><span class="kpi-value">([^<]*)<', page))
    assert kpi == {
        "units": "4",
        "mean": "19.13",  # (29 + 28 + 19.5 + 0) / 4 = 19.125 (district-onsite v2, issue #17; was 70.5 / 4 = 17.63)
        "deductions": "7",
        "deduction-points": "44.50",
        "cases": "3",
        "on-time": "66.7%",
    }


def test_trend_and_parts_islands(onsite: TestClient) -> None:
    page = onsite.get("/dashboard/district-onsite/2024-05").text
    trend = island(page, "trend-data")
    assert trend["periods"] == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"]
    by_unit = {s["unit_id"]: s["totals"] for s in trend["series"]}
    assert by_unit["u2"] == [None, 30.0, 30.0, 30.0, 0.0]
    assert [s["unit_id"] for s in trend["series"]] == ["u4", "u3", "u1", "u2"]  # May's ranking (v2: u4 29 first)
    parts = island(page, "parts-data")["groups"][0]
    assert parts["parts"] == ["日常考评", "月督查考评"] and parts["max"] == [20.0, 10.0]
    assert parts["mean"] == [13.375, 7.25]  # (20 + 19 + 14.5 + 0) / 4, (10 + 10 + 9 + 0) / 4


def test_map_falls_back_to_bars_without_areas(web: Any) -> None:
    web.login("admin")
    page = web.client.get("/dashboard/city-1000/2024-Q2").text
    assert island(page, "map-data")["features"] is None and 'data-mode="bars"' in page


def test_english(web: Any) -> None:
    web.login("admin")
    page = web.client.get("/dashboard/city-1000/2024-Q2?lang=en").text
    for text in ("Period overview", "Total score trend", "Part comparison", "Ranking", "Choose a period"):
        assert text in page
    assert "本期概况" not in page and 'lang="en"' in page
    labels = island(page, "dash-labels")
    assert labels["total"] == "Total"


def csrf(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": client.get("/api/auth/csrf").json()["csrf_token"]}


def test_publishing_from_the_period_page_reaches_the_public(web: Any) -> None:
    web.login("admin")
    client = web.client
    assert client.get("/public/city-1000/2024-Q1").status_code == 404
    page = client.get("/periods/city-1000/2024-Q1").text
    assert 'id="btn-compute"' in page and re.search(r'id="btn-review"[^>]*disabled', page)
    assert 'id="correction-reason"' not in page and "/dashboard/city-1000/2024-Q1" in page

    headers = csrf(client)
    r = client.post("/api/results/compute", json={"scheme": "city-1000", "period": "2024-Q1"}, headers=headers)
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    page = client.get("/periods/city-1000/2024-Q1").text
    assert re.search(rf'id="btn-review" data-step="review" data-id="{rid}"\s+data-enabled="1"', page)
    assert client.post(f"/api/results/{rid}/review", headers=headers).status_code == 200
    assert re.search(r'id="btn-publish"[^>]*data-enabled="1"', client.get("/periods/city-1000/2024-Q1").text)
    assert client.post(f"/api/results/{rid}/publish", headers=headers).status_code == 200

    public = client.get("/public/city-1000/2024-Q1")
    assert public.status_code == 200 and "乙区" in public.text
    assert 'id="link-public"' in client.get("/dashboard/city-1000/2024-Q1").text
    page = client.get("/periods/city-1000/2024-Q1").text
    assert 'id="correction-reason"' in page and 'data-published="1"' in page


def test_static_files(web: Any) -> None:
    for name in ("dashboard.js", "dashboard.css"):
        assert web.client.get(f"/static/{name}").status_code == 200


def test_empty_store_shows_the_picker(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    factory = open_store(db_url)
    with transaction(factory) as s:
        create_user(s, username="admin", password=PASSWORD, role="admin")
    with TestClient(create_app(db_url, secret=SECRET, schemes=["district-onsite"])) as client:
        client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
        r = client.get("/dashboard")
        assert r.status_code == 200 and "暂无数据" in r.text and 'id="period-picker"' in r.text
        assert select_values(r.text, "pick-kind") == ["month"] and select_values(r.text, "pick-period") == []
    engine = factory.kw.get("bind")
    if engine is not None:
        engine.dispose()
