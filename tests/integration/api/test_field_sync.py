"""The field app's sync endpoint (issue #16.3) on SQLite and PostgreSQL: a retried sync never doubles a row,
points come from the standard, conflicts are kept and answered (not lost), a point outside the unit's area is
only a warning, and the body is bounded.  Store and numbers: tests/field_testing.py (hand-worked there)."""

from __future__ import annotations

import base64
import io
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db_testing import Build, dispose
from field_testing import NOW, OUTSIDE, entry, jpeg, seed_field
from kaoping.api import routes_field
from kaoping.api.app import MAX_BODY as API_BODY
from kaoping.io.images import MAX_BYTES
from kaoping.server import create_app
from kaoping.store import users
from kaoping.store.db import open_store
from kaoping.store.field_tables import FieldEntryRow
from kaoping.store.tables import DeductionRow, Evidence
from web_testing import PASSWORD

SECRET = "field-sync-" + "f" * 32


@dataclass
class Field:
    client: TestClient
    factory: sessionmaker[Session]

    def headers(self, username: str) -> dict[str, str]:
        r = self.client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        self.client.cookies.clear()
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    def sync(self, *entries: dict[str, Any], who: str = "insp") -> list[dict[str, Any]]:
        r = self.client.post("/api/field/sync", json={"entries": list(entries)}, headers=self.headers(who))
        assert r.status_code == 200, r.text
        results: list[dict[str, Any]] = r.json()["results"]
        return results

    def count(self, table: Any, *where: Any) -> int:
        with self.factory() as s:
            return int(s.scalar(select(func.count()).select_from(table).where(*where)) or 0)


@pytest.fixture
def field(db_url: str, restore_snapshot: Callable[[Build], None], monkeypatch: pytest.MonkeyPatch) -> Iterator[Field]:
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    restore_snapshot(seed_field)
    factory = open_store(db_url)
    app = create_app(db_url, secret=SECRET, schemes=["district-onsite"], clock=lambda: NOW)
    try:
        with TestClient(app) as client:
            yield Field(client, factory)
    finally:
        dispose(factory)


FIELD_ROWS = DeductionRow.problem_kind != ""
"""district-onsite's example deductions name no kind: every row with one came through the field app here."""


def test_a_retried_sync_never_doubles_a_row(field: Field) -> None:
    one = entry()
    [first] = field.sync(one)
    assert first["status"] == "written", first
    assert first["points"] == "1.000000" and first["warnings"] == []  # SJ0104: 1 a finding
    [again] = field.sync(one)
    assert again["status"] == "duplicate"
    assert (again["deduction_id"], again["evidence_id"]) == (first["deduction_id"], first["evidence_id"])
    assert field.count(DeductionRow, FIELD_ROWS) == 1
    assert field.count(FieldEntryRow) == 1
    assert field.count(Evidence, Evidence.target == f"deductions:{first['deduction_id']}") == 1
    with field.factory() as s:
        row = s.get(DeductionRow, first["deduction_id"])
        assert row is not None
        stored = (row.unit_id, row.part, row.item, row.problem_kind, row.points)
        assert stored == ("u1", "日常考评", "道路保洁", "SJ0104", 1)
        assert (row.lat, row.lon, row.accuracy_m) == (Decimal("30.01"), Decimal("120.01"), 8)
        assert str(row.date) == "2024-06-03" and str(row.time) == "08:30:00" and row.source == "督查员甲"


def test_one_batch_with_a_key_twice_writes_it_once(field: Field) -> None:
    one = entry()
    results = field.sync(one, one)
    assert [r["status"] for r in results] == ["written", "duplicate"]
    assert field.count(DeductionRow, FIELD_ROWS) == 1


def test_points_come_from_the_standard(field: Field) -> None:
    waste = {"problem_kind": "SJ0103", "location": "人民路", "photo": None}
    four, twenty = field.sync(entry(**waste, quantity=4), entry(**(waste | {"quantity": 20, "location": "解放路"})))
    assert (four["status"], four["points"]) == ("written", "2.000000")  # 0.5 × 4 m²
    assert (twenty["status"], twenty["points"]) == ("written", "5.000000")  # 0.5 × 20 = 10, capped at 5
    [wrong] = field.sync(entry(**(waste | {"quantity": 4, "points": 3, "location": "中山路"})))
    assert wrong["status"] == "invalid" and "应为 2 分" in " ".join(wrong["messages"])  # not kept: fixed on the phone
    assert field.count(FieldEntryRow) == 2


def test_the_same_problem_under_another_key_is_a_conflict_kept_and_shown(field: Field) -> None:
    [first] = field.sync(entry())
    second = entry(recorded_at="2024-06-03T08:45:00", photo={"name": "b.jpg", "data": _b64(jpeg(1))})
    [clash] = field.sync(second)
    assert clash["status"] == "conflict" and clash["conflict"] == "same_problem"
    assert clash["other_deduction_id"] == first["deduction_id"] and clash["messages"]
    assert field.count(DeductionRow, FIELD_ROWS) == 1
    kept = field.count(FieldEntryRow, FieldEntryRow.key == second["key"], FieldEntryRow.status == "conflict")
    assert kept == 1  # nothing lost: the entry is in the store
    [still] = field.sync(second)
    assert still["status"] == "conflict"
    [confirmed] = field.sync(second | {"confirm": True, "reason": "同一路段另一处垃圾"})
    assert confirmed["status"] == "written" and confirmed["deduction_id"] != first["deduction_id"]
    assert field.count(DeductionRow, FIELD_ROWS) == 2
    assert field.count(FieldEntryRow) == 2


def test_a_task_reassigned_is_a_conflict(field: Field) -> None:
    [mine] = field.sync(entry(task=1))
    assert mine["status"] == "written"
    [theirs] = field.sync(entry(task=2, unit_id="u2", location="城南"))
    assert theirs["status"] == "conflict" and theirs["conflict"] == "task_reassigned"
    assert field.count(DeductionRow, DeductionRow.unit_id == "u2", FIELD_ROWS) == 0


def test_a_point_outside_the_units_area_is_a_warning_not_a_refusal(field: Field) -> None:
    lat, lon = OUTSIDE
    [far] = field.sync(entry(lat=lat, lon=lon))
    assert far["status"] == "written"
    assert far["warnings"] == ["定位点不在该单位的辖区范围内（仅提示，已保存）"]
    [no_area] = field.sync(entry(unit_id="u2", lat=lat, lon=lon, location="城南"))  # u2 has no area: nothing to say
    assert no_area["status"] == "written" and no_area["warnings"] == []


def test_the_sync_is_bounded_and_guarded(field: Field, monkeypatch: pytest.MonkeyPatch) -> None:
    insp = field.headers("insp")
    too_many = {"entries": [entry(photo=None) for _ in range(routes_field.MAX_ENTRIES + 1)]}
    assert field.client.post("/api/field/sync", json=too_many, headers=insp).status_code == 422
    bad_lat = field.client.post("/api/field/sync", json={"entries": [entry(lat=95)]}, headers=insp)
    assert bad_lat.status_code == 422
    monkeypatch.setattr(routes_field, "MAX_BODY", 1000)
    assert field.client.post("/api/field/sync", json={"entries": [entry()]}, headers=insp).status_code == 413
    unit = field.client.post("/api/field/sync", json={"entries": [entry()]}, headers=field.headers("u1-account"))
    assert unit.status_code == 403
    assert field.client.post("/api/field/sync", json={"entries": [entry()]}).status_code == 401
    assert field.count(FieldEntryRow) == 0


def test_a_full_size_photo_passes_the_api_body_limit(field: Field) -> None:
    """A 5 MB photo is 6.7 MB as base64: more than the API's usual body limit, which the sync widens."""
    noise = Image.frombytes("RGB", (2000, 1600), random.Random(7).randbytes(2000 * 1600 * 3))
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=97)
    data = out.getvalue()
    assert len(data) <= MAX_BYTES and len(_b64(data)) > API_BODY, len(data)  # over the API's usual limit
    [big] = field.sync(entry(photo={"name": "big.jpg", "data": _b64(data)}))
    assert big["status"] == "written", big
    with field.factory() as s:
        stored = s.get(Evidence, big["evidence_id"])
        assert stored is not None and stored.data == data


def test_a_key_of_another_account_is_refused(field: Field) -> None:
    one = entry()
    field.sync(one)
    [other] = field.sync(one, who="insp2")
    assert other["status"] == "refused" and other["deduction_id"] is None


def test_the_day_download_has_my_tasks_units_and_the_checklist(field: Field) -> None:
    r = field.client.get("/api/field/tasks", headers=field.headers("insp"))
    assert r.status_code == 200, r.text
    day = r.json()
    assert day["day"] == "2024-06-03"
    assert [(t["task"], t["unit_id"], t["part"]) for t in day["tasks"]] == [(1, "u1", "日常考评")]  # not task 2
    assert [u["unit_id"] for u in day["units"]] == ["u1", "u2", "u3", "u4"]
    waste = next(k for k in day["checklist"] if k["code"] == "SJ0103")
    assert (waste["points"], waste["per"], waste["cap"], waste["item"]) == ("0.5", "m2", "5", "道路保洁")
    assert list(day["areas"]) == ["u1"]  # the only area; as polygons of rings of [lon, lat]
    assert day["areas"]["u1"][0][0][:2] == [[120.0, 30.0], [120.02, 30.0]]


def test_the_api_fact_write_takes_a_point_and_refuses_half_of_one(field: Field) -> None:
    insp = field.headers("insp")
    row = {"date": "2024-06-03", "unit_id": "u1", "part": "日常考评", "item": "道路保洁", "points": 1}
    row |= {"lat": 30.01, "lon": 120.01}
    r = field.client.post("/api/deductions", json=row, headers=insp)
    assert r.status_code == 201, r.text
    assert (r.json()["row"]["lat"], r.json()["row"]["lon"]) == (30.01, 120.01)
    half = field.client.post("/api/deductions", json=row | {"lon": None, "problem": "只有纬度"}, headers=insp)
    assert half.status_code == 422 and "位置须同时填写纬度和经度" in half.text


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_two_syncs_racing_with_one_key_write_one_row(field: Field) -> None:
    """Two requests with the same key at once (a phone retrying while the first is still running): the unique
    key (or the row's natural key) stops the second, which answers as a retry of the first."""
    one = entry(photo=None)
    headers = field.headers("insp")
    start = threading.Barrier(2)
    answers: list[dict[str, Any]] = []

    def send() -> None:
        start.wait()
        r = field.client.post("/api/field/sync", json={"entries": [one]}, headers=headers)
        answers.append(r.json()["results"][0])

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(a["status"] for a in answers) == ["duplicate", "written"], answers
    assert len({a["deduction_id"] for a in answers}) == 1
    assert field.count(DeductionRow, FIELD_ROWS) == 1 and field.count(FieldEntryRow) == 1


def test_a_device_time_with_a_zone_is_kept_as_local_time(field: Field) -> None:
    sent = datetime(2024, 6, 3, 0, 30, tzinfo=UTC)
    [one] = field.sync(entry(recorded_at=sent.isoformat()))
    local = sent.astimezone().replace(tzinfo=None)
    with field.factory() as s:
        row = s.get(DeductionRow, one["deduction_id"])
        assert row is not None and (row.date, row.time) == (local.date(), local.time())
