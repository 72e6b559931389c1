"""Evidence photos are decoded before they are stored (issue 14, point 12): a bomb, a polyglot or text named
.jpg is refused with a Chinese message (never a 500, nothing stored); the office gets the original back,
every other role a copy without EXIF (GPS position).  And an upload's role is checked before its body is
read (point 1): a caller without the role never gets its form parsed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import func, select

from images_testing import GPS, JPEG, POLYGLOT_HTML, POLYGLOT_ZIP, TEXT_AS_JPEG, gps_of, image, png_bomb, real_png_bomb
from kaoping.store.audit import now
from kaoping.store.tables import AuditEntry, Evidence

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.api.conftest import Api


def _post(api: Api, user: str | None, data: bytes, name: str = "photo.jpg", **form: str) -> Any:
    files = {"file": (name, data, "image/jpeg")}
    return api.client.post("/api/evidence", files=files, data={"target": "notices:P1", **form}, headers=api.as_(user))


def _stored(api: Api) -> int:
    with api.factory() as s:
        return s.scalar(select(func.count()).select_from(Evidence)) or 0


@pytest.mark.parametrize(
    ("data", "status", "words"),
    [
        (png_bomb(100_000, 100_000), 422, "像素过多"),
        (real_png_bomb(8000), 422, "像素过多"),
        (POLYGLOT_HTML, 422, "其他数据"),
        (POLYGLOT_ZIP, 422, "其他数据"),
        (TEXT_AS_JPEG, 415, "不是 PNG、JPEG 或 WebP 图片"),
        (JPEG[: len(JPEG) // 2], 422, "无法解码"),
    ],
    ids=["bomb-100000²", "bomb-8000²", "png+html", "jpeg+zip", "text.jpg", "cut-short"],
)
def test_files_that_are_not_one_clean_image_are_refused_in_chinese(
    api: Api, data: bytes, status: int, words: str
) -> None:
    r = _post(api, "jiaqu", data)
    assert r.status_code == status, r.text
    assert words in r.json()["detail"]
    assert _stored(api) == 0


def test_the_office_gets_the_original_every_other_reader_a_copy_without_gps(api: Api) -> None:
    photo = image("JPEG", (64, 48), gps=True)
    r = _post(api, "jiaqu", photo)
    assert r.status_code == 201, r.text
    url = f"/api/evidence/{r.json()['id']}"
    office = api.client.get(url, headers=api.as_("admin"))
    assert office.content == photo and gps_of(office.content) == GPS
    assert office.headers["x-evidence-copy"] == "original"
    for reader in ("jiaqu", "dcy"):  # the unit itself, an inspector
        shown = api.client.get(url, headers=api.as_(reader))
        assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"
        assert shown.headers["x-evidence-copy"] == "cleaned"
        assert shown.content != photo and gps_of(shown.content) == {}
    assert api.client.get(url, headers=api.as_("citizen")).status_code == 403  # the public sees no evidence
    with api.factory() as s:
        row = s.get(Evidence, r.json()["id"])
        assert row is not None and row.data == photo and row.shared is not None


def test_a_row_stored_before_the_check_gets_its_copy_when_first_read(api: Api) -> None:
    """Rows uploaded by an older version hold no cleaned copy: made on first read; a file that does not
    decode (a polyglot stored back then) is the office's to look at only."""
    photo = image("PNG", gps=True)
    with api.factory() as s:
        old = Evidence(unit_id="d1", target="notices:P1", filename="a.png", content_type="image/png", data=photo)
        bad = Evidence(unit_id="d1", target="notices:P1", filename="b.png", content_type="image/png")
        bad.data = POLYGLOT_HTML
        for row in (old, bad):
            row.created_at, row.created_by = now(), "jiaqu"
        s.add_all([old, bad])
        s.commit()
        ids = old.id, bad.id
    shown = api.client.get(f"/api/evidence/{ids[0]}", headers=api.as_("jiaqu"))
    assert shown.status_code == 200 and gps_of(shown.content) == {}
    with api.factory() as s:
        kept = s.get(Evidence, ids[0])
        assert kept is not None and kept.shared == shown.content
    assert api.client.get(f"/api/evidence/{ids[1]}", headers=api.as_("jiaqu")).status_code == 404
    office = api.client.get(f"/api/evidence/{ids[1]}", headers=api.as_("admin"))
    assert office.status_code == 200 and office.content == POLYGLOT_HTML


@pytest.mark.parametrize(("user", "status"), [("dcy", 403), ("cgj", 403), ("citizen", 403), (None, 401)])
def test_a_caller_without_the_role_is_refused_before_the_body_is_read(
    api: Api, forms_parsed: list[str], user: str | None, status: int
) -> None:
    r = _post(api, user, real_png_bomb(8000))
    assert r.status_code == status
    assert forms_parsed == []  # neither FastAPI nor the endpoint parsed the multipart body
    assert _stored(api) == 0
    if user is not None:  # a signed-in account's refused write is in the audit trail
        with api.factory() as s:
            denied = s.scalar(select(AuditEntry).where(AuditEntry.action == "denied", AuditEntry.actor == user))
        assert denied is not None and denied.table_name == "evidence"


def test_an_allowed_caller_has_its_form_read(api: Api, forms_parsed: list[str]) -> None:
    """The spy sees the reading it is meant to catch: an allowed upload is parsed, once."""
    assert _post(api, "jiaqu", JPEG).status_code == 201
    assert forms_parsed == ["/api/evidence"]


def test_form_fields_are_checked_as_documented(api: Api) -> None:
    no_target = api.client.post("/api/evidence", files={"file": ("a.jpg", JPEG)}, headers=api.as_("jiaqu"))
    assert no_target.status_code == 422 and no_target.json()["errors"][0]["column"] == "target"
    no_file = api.client.post("/api/evidence", data={"target": "notices:P1"}, headers=api.as_("jiaqu"))
    assert no_file.status_code == 422 and no_file.json()["errors"][0]["column"] == "file"
    long_target = _post(api, "jiaqu", JPEG, target="x" * 201)
    assert long_target.status_code == 422
    as_json = api.client.post("/api/evidence", json={"target": "notices:P1"}, headers=api.as_("jiaqu"))
    assert as_json.status_code == 422 and as_json.json()["errors"][0]["column"] == "file"
    broken = {"Content-Type": "multipart/form-data; boundary=xyz", **api.as_("jiaqu")}
    assert api.client.post("/api/evidence", content=b"--xyz\r\ngarbage", headers=broken).status_code == 422
    many = {f"f{i}": "x" for i in range(10)} | {"target": "notices:P1"}
    r = api.client.post("/api/evidence", files={"file": ("a.jpg", JPEG)}, data=many, headers=api.as_("jiaqu"))
    assert r.status_code == 400 and _stored(api) == 0  # a bounded form: too many fields
    schema = api.client.get("/api/openapi.json").json()["paths"]["/api/evidence"]["post"]["requestBody"]
    form = schema["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["file", "target"] and form["properties"]["file"]["format"] == "binary"
