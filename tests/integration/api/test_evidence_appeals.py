"""整改材料 (images only, ≤ 5 MB, for one's own unit) and 申诉 (own unit, inside the appeal window)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.api.conftest import Api

from datetime import timedelta

from images_testing import JPEG, WEBP, png_of_size
from kaoping.io.images import check_image

FIVE_MB = 5 * 1024 * 1024


def _upload(api: Api, user: str, name: str, data: bytes, **form: str) -> int:
    files = {"file": (name, data, "image/png")}
    r = api.client.post("/api/evidence", files=files, data={"target": "notices:P1", **form}, headers=api.as_(user))
    return r.status_code


def test_images_are_accepted_by_their_bytes(api: Api) -> None:
    assert _upload(api, "jiaqu", "after.png", api.PNG) == 201
    assert _upload(api, "jiaqu", "after.jpg", JPEG) == 201
    assert _upload(api, "jiaqu", "after.webp", WEBP) == 201
    listed = api.client.get("/api/evidence", headers=api.as_("jiaqu")).json()
    assert [(e["unit_id"], e["content_type"]) for e in listed] == [
        ("d1", "image/png"),
        ("d1", "image/jpeg"),
        ("d1", "image/webp"),
    ]
    first = api.client.get(f"/api/evidence/{listed[0]['id']}", headers=api.as_("dcy"))  # inspectors check it
    assert first.status_code == 200 and first.content == check_image(api.PNG).shared
    assert first.headers["content-type"] == "image/png" and first.headers["x-content-type-options"] == "nosniff"
    assert api.client.get(f"/api/evidence/{listed[0]['id']}", headers=api.as_("yiqu")).status_code == 403
    assert api.client.get(f"/api/evidence/{listed[0]['id']}").status_code == 401


def test_a_text_file_named_png_is_415(api: Api) -> None:
    assert _upload(api, "jiaqu", "photo.png", b"<html><script>alert(1)</script></html>") == 415


def test_more_than_5_mb_is_413(api: Api) -> None:
    assert _upload(api, "jiaqu", "big.png", api.PNG + bytes(FIVE_MB)) == 413
    assert _upload(api, "jiaqu", "limit.png", png_of_size(FIVE_MB)) == 201  # exactly 5 MB is fine
    assert _upload(api, "jiaqu", "huge.png", api.PNG + bytes(2 * FIVE_MB)) == 413  # refused before reading


def test_a_unit_uploads_for_its_own_unit_only(api: Api) -> None:
    assert _upload(api, "jiaqu", "x.png", api.PNG, unit_id="d2") == 403
    assert [e["actor"] for e in api.audit(unit_id="d2") if e["action"] == "denied"] == ["jiaqu"]
    assert _upload(api, "admin", "x.png", api.PNG, unit_id="d2") == 201  # the office may, naming the unit
    assert _upload(api, "dcy", "x.png", api.PNG, unit_id="d2") == 403


def _publish(api: Api, period: str = "2024-Q2") -> None:
    admin = api.as_("admin")
    r = api.client.post("/api/results/compute", json={"scheme": api.SCHEME, "period": period}, headers=admin)
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    assert api.client.post(f"/api/results/{rid}/review", headers=admin).status_code == 200
    assert api.client.post(f"/api/results/{rid}/publish", headers=admin).status_code == 200


def test_appeal_is_accepted_inside_the_window_only(api: Api) -> None:
    unit = api.as_("jiaqu")
    appeal = {"period": "2024-Q2", "target": "社会评价", "text": "12345 工单重复计入"}
    r = api.client.post("/api/appeals", json=appeal, headers=unit)
    assert r.status_code == 409 and "尚未发布" in r.json()["detail"]  # nothing to dispute yet

    _publish(api)
    api.shift[0] = timedelta(days=6, hours=23)
    r = api.client.post("/api/appeals", json=appeal, headers=unit)
    assert r.status_code == 201, r.text
    assert (r.json()["unit_id"], r.json()["status"]) == ("d1", "open")

    api.shift[0] = timedelta(days=7, minutes=5)
    r = api.client.post("/api/appeals", json=appeal, headers=unit)
    assert r.status_code == 409 and "申诉期已于" in r.json()["detail"]


def test_appeals_are_a_units_own_and_the_office_answers(api: Api) -> None:
    _publish(api)
    mine = {"period": "2024-Q2", "text": "申诉"}
    assert api.client.post("/api/appeals", json=mine | {"unit_id": "d2"}, headers=api.as_("jiaqu")).status_code == 403
    r = api.client.post("/api/appeals", json=mine, headers=api.as_("jiaqu"))
    appeal_id = r.json()["id"]
    assert api.client.post("/api/appeals", json=mine, headers=api.as_("yiqu")).status_code == 201
    assert [a["unit_id"] for a in api.client.get("/api/appeals", headers=api.as_("jiaqu")).json()] == ["d1"]
    assert len(api.client.get("/api/appeals", headers=api.as_("admin")).json()) == 2

    answer = {"answer": "已核实, 予以更正", "status": "accepted"}
    assert api.client.post(f"/api/appeals/{appeal_id}/answer", json=answer, headers=api.as_("jiaqu")).status_code == 403
    r = api.client.post(f"/api/appeals/{appeal_id}/answer", json=answer, headers=api.as_("admin"))
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    again = api.client.post(f"/api/appeals/{appeal_id}/answer", json=answer, headers=api.as_("admin"))
    assert again.status_code == 409
