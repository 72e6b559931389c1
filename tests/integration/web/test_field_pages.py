"""The field app's pages (issue #16.3/5): /field/ for inspectors, third parties and the office only; the service
worker served from a path whose scope covers the app, and the manifest; and on the unit's page, a deduction's
point beside its place and the points drawn over the unit's area (store: tests/field_testing.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator

import pytest

from db_testing import Build
from field_testing import NOW, OUTSIDE, entry, seed_field
from kaoping.server import create_app
from web_testing import SignedInSite, fast_passwords, signed_in_site

SECRET = "field-pages-" + "p" * 32


@pytest.fixture
def site(
    db_url: str, restore_snapshot: Callable[[Build], None], monkeypatch: pytest.MonkeyPatch
) -> Iterator[SignedInSite]:
    fast_passwords(monkeypatch)
    restore_snapshot(seed_field)
    with signed_in_site(
        db_url, create_app(db_url, secret=SECRET, schemes=["district-onsite"], clock=lambda: NOW)
    ) as site:
        yield site


def test_the_app_is_for_inspectors_and_the_office(site: SignedInSite) -> None:
    anonymous = site.client.get("/field/", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    site.login("u1-account")
    assert site.client.get("/field/").status_code == 403
    site.login("insp")
    page = site.client.get("/field/")
    assert page.status_code == 200
    assert '<link rel="manifest" href="/field/manifest.webmanifest">' in page.text
    assert 'accept="image/*" capture="environment"' in page.text
    assert '<script src="/static/field.js"></script>' in page.text
    assert site.client.get("/field", follow_redirects=False).headers["location"] == "/field/"


def test_worker_and_manifest(site: SignedInSite) -> None:
    worker = site.client.get("/field/sw.js")
    assert worker.status_code == 200 and worker.headers["content-type"].startswith("application/javascript")
    assert worker.headers["service-worker-allowed"] == "/field/" and "/api/field/tasks" in worker.text
    manifest = site.client.get("/field/manifest.webmanifest").json()
    assert (manifest["start_url"], manifest["scope"], manifest["lang"]) == ("/field/", "/field/", "zh-CN")


def test_the_unit_page_shows_the_points_over_the_area(site: SignedInSite) -> None:
    site.login("insp")
    lat, lon = OUTSIDE
    sent = {"entries": [entry(), entry(problem_kind="SJ0102", item="暴露垃圾", lat=lat, lon=lon, location="北门")]}
    r = site.client.post("/api/field/sync", json=sent, headers=site.csrf())
    assert [x["status"] for x in r.json()["results"]] == ["written", "written"], r.text
    ids = [x["deduction_id"] for x in r.json()["results"]]
    site.login("admin")
    page = site.client.get("/units/u1?scheme=district-onsite&period=2024-06").text
    assert "30.010000, 120.010000（±8 米）" in page and "30.050000, 120.010000" in page
    circles = re.findall(r'<circle class="point-map-point" data-id="(\d+)" cx="([\d.]+)" cy="([\d.]+)"', page)
    assert sorted(int(i) for i, _, _ in circles) == sorted(ids)
    assert page.count('class="point-map-area"') == 1
    ys = {int(i): float(y) for i, _, y in circles}
    assert ys[ids[1]] < ys[ids[0]]  # further north is higher on the map
    detail = site.client.get(f"/units/u1/deductions/{ids[0]}?scheme=district-onsite").text
    assert 'id="deduction-point"' in detail and "30.010000, 120.010000" in detail


def test_no_map_without_points(site: SignedInSite) -> None:
    site.login("admin")
    page = site.client.get("/units/u1?scheme=district-onsite&period=2024-05").text
    assert "point-map" not in page and 'id="deduction-table"' in page


def test_the_dashboard_draws_the_counted_points(site: SignedInSite) -> None:
    site.login("insp")
    sent = {"entries": [entry(), entry(problem_kind="SJ0102", item="暴露垃圾", location="北门")]}
    assert site.client.post("/api/field/sync", json=sent, headers=site.csrf()).status_code == 200
    site.login("admin")
    page = site.client.get("/dashboard/district-onsite/2024-06").text
    assert 'id="problem-points"' in page and '<script src="/static/dashboard-points.js"></script>' in page
    island = re.search(r'<script type="application/json" id="points-data">(.*?)</script>', page, re.S)
    assert island is not None
    data = json.loads(island.group(1))
    assert data["categories"] == ["暴露垃圾", "道路保洁"] and data["total"] == 2
    assert sorted((p[3], p[2]) for p in data["points"]) == [(0, 1.0), (1, 1.0)]
    before = site.client.get("/dashboard/district-onsite/2024-05").text
    assert 'id="problem-points"' not in before  # May has no point
