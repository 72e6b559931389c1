"""录入扣分 with a photo (issue 15, point 3: inspectors attach photos from the form), on SQLite and PostgreSQL:
the deduction and its photo are written together or not at all; a refused photo (not an image, too large,
too many pixels) or a refused row leaves nothing behind and names the reason in Chinese on the field; an
account that may not write deductions is refused before its body is parsed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from entry_checks_testing import PASSWORD, Client, deduction, login
from images_testing import JPEG, PNG, TEXT_AS_JPEG, gps_of, image, png_bomb, png_of_size
from kaoping.app import deduction_photo
from kaoping.errors import Conflict
from kaoping.io.images import MAX_BYTES
from kaoping.store.db import transaction
from kaoping.store.tables import AuditEntry, DeductionRow, Evidence
from kaoping.store.users import create_user
from kaoping.web.entry_photo import PHOTO_PATH

CHINESE = re.compile(r"^[\u4e00-\u9fff]")


def _count(factory: sessionmaker[Session], table: Any) -> int:
    with factory() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def _post(client: TestClient, headers: dict[str, str], photo: bytes, name: str = "现场.jpg", **changes: Any) -> Any:
    fields = {k: str(v) for k, v in deduction(**changes).items()}
    return client.post(PHOTO_PATH, data=fields, files={"photo": (name, photo, "image/jpeg")}, headers=headers)


def test_the_deduction_form_offers_the_camera(appearance: Client) -> None:
    client, _ = appearance
    login(client, "dcy")
    page = client.get("/entry").text
    start = page.index('id="fact-deductions"')
    form = page[start : page.index("</form>", start)]
    assert re.search(
        r'<input id="deductions-photo" name="photo" type="file" accept="image/\*" capture="environment"', form
    )


def test_a_deduction_and_its_photo_are_written_together(appearance: Client) -> None:
    client, factory = appearance
    headers = login(client, "dcy")
    before = _count(factory, DeductionRow)
    r = _post(client, headers, image("JPEG", gps=True))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["action"] == "insert" and body["row"]["unit_id"] == "zf1" and body["row"]["points"] == 2
    assert _count(factory, DeductionRow) == before + 1
    with factory() as s:
        evidence = s.get(Evidence, body["evidence_id"])
        assert evidence is not None
        assert (evidence.target, evidence.unit_id, evidence.filename) == (
            f"deductions:{body['row']['id']}",
            "zf1",
            "现场.jpg",
        )
        assert evidence.created_by == "dcy"
        assert evidence.shared is not None and not gps_of(evidence.shared), "the shared copy lost the GPS position"
        events = s.scalars(select(AuditEntry.row_key).where(AuditEntry.table_name == "evidence")).all()
        assert f"evidence:{evidence.id}" in events
    # the inspector is shown the cleaned copy; the office's deduction page shows the photo of the problem
    shown = client.get(f"/api/evidence/{body['evidence_id']}")
    assert shown.status_code == 200 and shown.headers["X-Evidence-Copy"] == "cleaned"
    login(client, "admin")
    page = client.get(f"/units/zf1/deductions/{body['row']['id']}").text
    assert f'src="/api/evidence/{body["evidence_id"]}"' in page


@pytest.mark.parametrize(
    ("photo", "status", "words"),
    [
        (TEXT_AS_JPEG, 422, "不是 PNG、JPEG 或 WebP 图片"),
        (png_bomb(), 422, "图片像素过多"),
        (png_of_size(MAX_BYTES + 1), 422, "图片超过 5 MB"),
        (png_of_size(MAX_BYTES + 100_000), 413, "图片超过 5 MB"),
    ],
    ids=["not-an-image", "too-many-pixels", "too-large", "far-too-large"],
)
def test_a_refused_photo_refuses_the_whole_entry(appearance: Client, photo: bytes, status: int, words: str) -> None:
    client, factory = appearance
    headers = login(client, "dcy")
    rows, photos = _count(factory, DeductionRow), _count(factory, Evidence)
    r = _post(client, headers, photo)
    assert r.status_code == status, r.text
    [error] = r.json()["errors"]
    assert error["column"] == "photo" and words in error["message"] and CHINESE.match(error["message"])
    assert (_count(factory, DeductionRow), _count(factory, Evidence)) == (rows, photos), "nothing written"


def test_a_refused_row_keeps_its_photo_out_too(appearance: Client) -> None:
    client, factory = appearance
    headers = login(client, "dcy")
    rows, photos = _count(factory, DeductionRow), _count(factory, Evidence)
    typo = _post(client, headers, PNG, date="2031-01-01")
    assert typo.status_code == 422 and [e["column"] for e in typo.json()["errors"]] == ["date"]
    words = _post(client, headers, PNG, points="两分")
    assert words.status_code == 422
    assert {e["column"]: e["message"] for e in words.json()["errors"]} == {"points": "扣分（points）：应为数字"}
    warned = _post(client, headers, PNG, points=250)
    assert warned.status_code == 409 and warned.json()["errors"][0]["confirmable"] is True
    assert (_count(factory, DeductionRow), _count(factory, Evidence)) == (rows, photos)
    confirmed = _post(client, headers, JPEG, points=250, confirm="true", reason="现场核实，严重堆放")
    assert confirmed.status_code == 200, confirmed.text
    assert (_count(factory, DeductionRow), _count(factory, Evidence)) == (rows + 1, photos + 1)


def test_a_photo_that_fails_to_store_takes_the_row_with_it(appearance: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    """One transaction: the row is staged before the photo, so a failure storing the photo must undo it."""
    client, factory = appearance
    headers = login(client, "dcy")
    rows = _count(factory, DeductionRow)

    def broken(*_args: Any, **_kw: Any) -> Any:
        raise Conflict("the photo could not be stored")

    monkeypatch.setattr(deduction_photo, "add_evidence", broken)
    r = _post(client, headers, PNG)
    assert r.status_code == 409
    assert _count(factory, DeductionRow) == rows, "the staged deduction was rolled back"


def test_without_the_right_or_the_token_nothing_is_read_or_written(appearance: Client, forms_parsed: list[str]) -> None:
    client, factory = appearance
    with transaction(factory) as s:
        create_user(
            s, username="cgj", password=PASSWORD, role="department", display_name="市城管局", parts=["市容环境"]
        )
    photos = _count(factory, Evidence)
    anonymous = _post(client, {}, PNG)
    assert anonymous.status_code == 401
    department = login(client, "cgj")
    refused = _post(client, department, PNG)
    assert refused.status_code == 403 and forms_parsed == [], "refused before the body is parsed"
    login(client, "dcy")
    no_token = _post(client, {}, PNG)
    assert no_token.status_code == 403 and "安全令牌" in no_token.json()["detail"]
    assert _count(factory, Evidence) == photos
