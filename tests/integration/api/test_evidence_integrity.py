"""Evidence integrity (issue #16, point 4), on SQLite and PostgreSQL: the frauds were staged photos, so each
stored photo is checked and what looks wrong is flagged for the office — never refused, never deleted.

* the same photo for two units (and a re-encoded, resized copy for a third) → flagged as reused;
* a photo whose EXIF ``DateTimeOriginal`` is a month off its deduction's date → flagged (time);
* a photo taken on the deduction's day, and the same photo again for the same row → not flagged;
* the office sees them on /evidence/flags with links to the photos and rows, marks one reviewed (audited,
  the first review kept); other roles may not; every photo is still there.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from images_testing import photo, scene
from kaoping.store.integrity_tables import EvidenceFlag
from kaoping.store.tables import Evidence

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.api.conftest import Api


def _upload(api: Api, data: bytes, unit: str, target: str, user: str = "admin") -> int:
    files = {"file": ("photo.jpg", data, "image/jpeg")}
    form = {"target": target} | ({"unit_id": unit} if user == "admin" else {})
    r = api.client.post("/api/evidence", files=files, data=form, headers=api.as_(user))
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _flags(api: Api) -> list[dict[str, Any]]:
    r = api.client.get("/api/evidence/flags", headers=api.as_("admin"))
    assert r.status_code == 200, r.text
    return list(r.json())


def _deduction(api: Api, **changes: Any) -> int:
    r = api.client.post("/api/deductions", json=api.deduction_row(**changes), headers=api.as_("admin"))
    assert r.status_code == 201, r.text
    return int(r.json()["row"]["id"])


def test_a_photo_reused_for_two_units_is_flagged_not_refused(api: Api) -> None:
    same = photo(scene(0), "2024:05:20 09:00:00")
    first = _upload(api, same, "d1", "notices:P1")
    again = _upload(api, same, "d1", "notices:P1")  # the same photo again for the same row, same month
    assert _flags(api) == []
    second = _upload(api, same, "d2", "notices:P7")
    resized = _upload(api, photo(scene(0).resize((250, 190)), quality=60), "d3", "notices:P9")
    _upload(api, photo(scene(1)), "d4", "notices:P4")  # another picture: nothing
    flags = _flags(api)
    assert {(f["kind"], f["evidence_id"], f["other_id"]) for f in flags} == {
        ("reused", second, first),
        ("reused", second, again),
        ("reused", resized, first),
        ("reused", resized, again),
        ("reused", resized, second),
    }
    exact = next(f for f in flags if f["evidence_id"] == second and f["other_id"] == first)["detail"]
    assert exact["same_file"] is True and exact["units"] == ["d1", "d2"] and "unit" in exact["differs"]
    near = next(f for f in flags if f["evidence_id"] == resized and f["other_id"] == first)["detail"]
    assert near["same_file"] is False and near["distance"] <= 6
    assert all(f["reviewed_at"] is None for f in flags)


def test_a_photo_taken_a_month_before_its_deduction_is_flagged(api: Api) -> None:
    row = _deduction(api, date="2024-05-20")
    on_the_day = _upload(api, photo(scene(2), "2024:05:20 15:40:00"), "d1", f"deductions:{row}")
    staged = _upload(api, photo(scene(3), "2024:04:18 10:00:00", gps=True), "d1", f"deductions:{row}")
    flags = _flags(api)
    assert [(f["kind"], f["evidence_id"]) for f in flags] == [("time", staged)]
    detail = flags[0]["detail"]
    assert detail["taken_at"] == "2024-04-18T10:00:00" and detail["claimed"] == "2024-05-20T12:00:00"
    assert detail["days_off"] == -32 and "no coordinates" in detail["place"]
    with api.factory() as s:
        assert s.get(Evidence, on_the_day) is not None
        kept = s.get(Evidence, staged)
        assert kept is not None and kept.latitude is not None and kept.taken_at is not None


def test_the_office_screen_shows_both_and_marks_one_reviewed_nothing_deleted(api: Api) -> None:
    same = photo(scene(0))
    first = _upload(api, same, "d1", "notices:P1")
    reused = _upload(api, same, "d2", "notices:P2")
    row = _deduction(api, date="2024-05-20")
    staged = _upload(api, photo(scene(3), "2024:04:18 10:00:00"), "d1", f"deductions:{row}")
    page = api.client.get("/evidence/flags", headers=api.as_("admin"))
    assert page.status_code == 200
    html = page.text
    assert "照片核验" in html and "待核：2 条" in html
    assert 'data-kind="reused"' in html and 'data-kind="time"' in html
    for photo_id in (first, reused, staged):
        assert f'href="/api/evidence/{photo_id}"' in html
    assert f'href="/units/d1/deductions/{row}"' in html and 'href="/units/d2"' in html
    for user in ("jiaqu", "dcy", "cgj"):
        assert api.client.get("/evidence/flags", headers=api.as_(user)).status_code == 403
        assert api.client.get("/api/evidence/flags", headers=api.as_(user)).status_code == 403
    time_flag = next(f for f in _flags(api) if f["kind"] == "time")
    review = f"/api/evidence/flags/{time_flag['id']}/review"
    assert api.client.post(review, headers=api.as_("dcy")).status_code == 403
    done = api.client.post(review, headers=api.as_("admin"))
    assert done.status_code == 200 and done.json()["reviewed_by"] == "admin"
    api.shift[0] = timedelta(hours=2)
    again = api.client.post(review, headers=api.as_("admin")).json()
    assert again["reviewed_at"] == done.json()["reviewed_at"]  # the first review is kept
    html = api.client.get("/evidence/flags", headers=api.as_("admin")).text
    assert "待核：1 条" in html and "已核：admin" in html
    assert any(e["table_name"] == "evidence_flags" and e["action"] == "update" for e in api.audit())
    with api.factory() as s:
        assert s.scalar(select(func.count()).select_from(Evidence)) == 3
        assert s.scalar(select(func.count()).select_from(EvidenceFlag)) == 2
    assert api.client.post("/api/evidence/flags/999999/review", headers=api.as_("admin")).status_code == 404


def test_the_office_marks_a_flag_reviewed_from_the_page(api: Api) -> None:
    same = photo(scene(0))
    _upload(api, same, "d1", "notices:P1")
    _upload(api, same, "d2", "notices:P2")
    (flag,) = _flags(api)
    login = {"username": "admin", "password": api.PASSWORD}
    assert api.client.post("/api/auth/login", json=login).status_code == 200  # a browser's cookie session
    page = api.client.get("/evidence/flags").text
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token is not None and f'action="/evidence/flags/{flag["id"]}/review"' in page
    url = f"/evidence/flags/{flag['id']}/review"
    assert api.client.post(url, data={"csrf": "wrong"}, follow_redirects=False).status_code == 403
    r = api.client.post(url, data={"csrf": token.group(1)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/evidence/flags?saved={flag['id']}"
    after = api.client.get(r.headers["location"]).text
    assert "待核：0 条" in after and "已核：admin" in after and "已记入审计" in after
    api.client.cookies.clear()


def test_time_rules_worked_by_hand(api: Api) -> None:
    """A deduction entered at 09:00 on 2024-05-20: the problem's photo must be within 3 hours of it (13:30 is
    4.5 hours off: flagged; 11:00 is not).  A unit's rectification photo may be taken any time after the
    problem, never two days or more before it (05-18: flagged; 05-27: not).  No EXIF time: not compared."""
    row = _deduction(api, date="2024-05-20", time="09:00:00")
    target = f"deductions:{row}"
    late = _upload(api, photo(scene(4), "2024:05:20 13:30:00"), "d1", target)
    _upload(api, photo(scene(5), "2024:05:20 11:00:00"), "d1", target)
    before = _upload(api, photo(scene(6), "2024:05:18 08:00:00"), "d1", target, user="jiaqu")
    _upload(api, photo(scene(7), "2024:05:27 16:00:00"), "d1", target, user="jiaqu")
    _upload(api, photo(scene(8)), "d1", target)
    flags = {f["evidence_id"]: f["detail"] for f in _flags(api) if f["kind"] == "time"}
    assert sorted(flags) == [late, before]
    assert flags[late]["timed"] is True and flags[late]["days_off"] == 0
    assert flags[before]["days_off"] == -2
