"""数据录入 on SQLite and PostgreSQL: each staff role gets the forms of its kinds only, uploads go through
the importer (all or nothing, errors by row), the role rules hold for every uploaded row, and a form post
without the session's CSRF token is refused."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from psycopg import errors
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from kaoping.app import import_cells
from kaoping.app import imports as importer
from kaoping.store.db import transaction
from kaoping.store.tables import AuditEntry, ScoreRow
from kaoping.store.users import create_user
from kaoping.web import entry_upload
from kaoping.web.entry_upload import MAX_BYTES, Refused, save

PASSWORD = "password-1"
SCORE_HEADER = ["period", "unit_id", "part", "item", "score", "source", "note"]
ITEM = "生活垃圾收运(含城乡环卫一体化)"
ACCOUNTS: dict[str, dict[str, Any]] = {
    "cgj": {"role": "department", "display_name": "市城管局", "parts": ["部门考评"]},
    "dcy": {"role": "inspector", "display_name": "督查一组"},
    "dsf": {"role": "third_party", "display_name": "第三方机构", "parts": ["第三方测评"]},
}


@pytest.fixture
def staff(web: Any) -> Any:
    """``web`` with a department (市城管局: 部门考评), an inspector and a third party added."""
    with transaction(web.factory) as s:
        for username, spec in ACCOUNTS.items():
            create_user(s, username=username, password=PASSWORD, **spec)
    return web


def csrf(web: Any) -> str:
    token = web.client.get("/api/auth/csrf").json()["csrf_token"]
    assert isinstance(token, str) and token
    return token


def page_token(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the upload form carries the CSRF token"
    return found.group(1)


def workbook(rows: list[list[Any]], sheet: str = "scores", header: list[str] = SCORE_HEADER) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(web: Any, content: bytes, name: str = "本季度得分.xlsx", **extra: Any) -> Any:
    token = page_token(web.client.get("/entry").text)
    data = {"csrf": token, **{k: v for k, v in extra.items() if k != "headers"}}
    return web.client.post(
        "/entry/upload", data=data, files={"file": (name, content)}, headers=extra.get("headers", {})
    )


def score_count(web: Any) -> int:
    with web.factory() as s:
        return int(s.scalar(select(func.count()).select_from(ScoreRow)) or 0)


# --- who sees what -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "present", "absent"),
    [
        ("admin", ["scores", "deductions", "notices", "honors", "ranks", "cases"], []),
        ("cgj", ["scores"], ["deductions", "notices", "honors"]),
        ("dcy", ["deductions", "notices"], ["scores", "honors"]),
        ("dsf", ["scores"], ["deductions", "notices"]),
    ],
)
def test_each_staff_role_sees_its_forms_only(staff: Any, username: str, present: list[str], absent: list[str]) -> None:
    staff.login(username)
    r = staff.client.get("/entry")
    assert r.status_code == 200, r.text
    page = r.text
    for kind in present:
        assert f'id="fact-{kind}"' in page
    for kind in absent:
        assert f'id="fact-{kind}"' not in page
    assert 'id="upload-file"' in page and 'id="upload-submit"' in page and "/entry/template.xlsx" in page
    assert "/static/entry.js" in page and "/static/entry.css" in page


def test_department_is_offered_its_parts_and_its_name_as_scorer(staff: Any) -> None:
    staff.login("cgj")
    page = staff.client.get("/entry").text
    form = page[page.index('id="fact-scores"') : page.index("</form>", page.index('id="fact-scores"'))]
    assert '<option value="部门考评">' in form
    assert "第三方测评" not in form and "社会评价" not in form
    source = re.search(r'<input id="scores-source"[^>]*>', form)
    assert source and 'value="市城管局"' in source.group(0) and "readonly" in source.group(0)
    assert ITEM in form  # the items of its part are suggested
    assert 'id="entry-parts">部门考评<' in page


def test_no_unit_is_chosen_and_items_are_picked_from_the_part(staff: Any) -> None:
    """Issue 15, point 3: the unit field starts empty (the API names it if it stays so); 考评细项 is a
    pick-list of the scheme's items for the chosen part, tagged by part for the page's script to narrow."""
    staff.login("admin")
    page = staff.client.get("/entry").text
    form = page[page.index('id="fact-scores"') : page.index("</form>", page.index('id="fact-scores"'))]
    unit = re.search(r'<select id="scores-unit_id"[^>]*>\s*<option value="">([^<]*)</option>', form)
    assert unit and unit.group(1) == "请选择", "the first option of the unit is empty"
    start = form.index('<select id="scores-item"')
    item = form[start : form.index("</select>", start)]
    assert 'data-depends-on="part"' in item
    assert f'<option value="{ITEM}" data-part="部门考评">{ITEM}</option>' in item
    assert '<input id="scores-item-text" name="item" type="text" hidden disabled' in form
    script = staff.client.get("/static/entry.js").text
    assert "function narrowItems" in script


def test_every_input_has_a_label_and_an_error_slot(staff: Any) -> None:
    staff.login("admin")
    page = staff.client.get("/entry").text
    ids = re.findall(r'<(?:input|select)\s+id="([^"]+)"', page)
    assert len(ids) > 20
    for element_id in ids:
        assert f'for="{element_id}"' in page
    for element_id in ids:
        if element_id.startswith(("upload-",)):
            continue
        assert f'aria-describedby="{element_id}-error"' in page and f'id="{element_id}-error"' in page


def test_unit_and_anonymous_are_refused(staff: Any) -> None:
    r = staff.client.get("/entry", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/entry"
    staff.login("jiaqu")
    r = staff.client.get("/entry")
    assert r.status_code == 403 and "无权访问" in r.text
    assert staff.client.get("/entry/template.xlsx").status_code == 403
    r = staff.client.post("/entry/upload", data={"csrf": csrf(staff)}, files={"file": ("a.xlsx", workbook([]))})
    assert r.status_code == 403


# --- single rows through the JSON API ----------------------------------------------------------------


def test_a_row_posted_by_the_form_shows_in_the_recent_rows(staff: Any) -> None:
    staff.login("cgj")
    body = {"period": "2024-Q3", "unit_id": "d2", "part": "部门考评", "item": ITEM, "score": 123.5}
    r = staff.client.post("/api/scores", json=body, headers={"X-CSRF-Token": csrf(staff)})
    assert r.status_code == 201, r.text
    page = staff.client.get("/entry").text
    recent = page[page.index('id="recent-scores"') :]
    assert "2024-Q3" in recent and "123.5" in recent and "市城管局" in recent
    fragment = staff.client.get("/entry/recent/scores")
    assert fragment.status_code == 200 and "123.5" in fragment.text and "<html" not in fragment.text
    assert staff.client.get("/entry/recent/deductions").status_code == 404


# --- uploads -----------------------------------------------------------------------------------------


def test_good_workbook_is_imported_and_summarised(staff: Any) -> None:
    staff.login("cgj")
    rows = [
        ["2024-Q3", "d1", "部门考评", ITEM, 140, "市城管局", ""],
        ["2024-Q3", "d2", "部门考评", ITEM, 150, "市城管局", "复核"],
        ["2024-Q3", "c1", "部门考评", ITEM, 120, "市城管局", ""],
    ]
    r = upload(staff, workbook(rows))
    assert r.status_code == 200, r.text
    assert 'id="upload-summary"' in r.text and 'id="upload-errors"' not in r.text
    assert 'data-file="scores"' in r.text
    mine = staff.client.get("/api/scores", params={"period": "2024-Q3"}).json()
    assert sorted((m["unit_id"], m["score"]) for m in mine) == [("c1", 120.0), ("d1", 140.0), ("d2", 150.0)]
    # the same file again changes nothing (idempotent by content)
    again = upload(staff, workbook(rows))
    assert again.status_code == 200 and "此前已导入" in again.text


def test_bad_workbook_shows_row_errors_and_writes_nothing(staff: Any) -> None:
    staff.login("admin")
    before = score_count(staff)
    rows = [
        ["2024-Q3", "d1", "部门考评", ITEM, 140, "市城管局", ""],  # row 2
        ["2024-Q3", "d2", "部门考评", ITEM, 150, "市城管局", ""],  # row 3
        ["2024-Q3", "d3", "部门考评", ITEM, 130, "市城管局", ""],  # row 4
        ["2024-Q3", "d4", "部门考评", ITEM, 9999, "市城管局", ""],  # row 5: above the part's 300
        ["2024-Q3", "d5", "部门考评", ITEM, 110, "市城管局", ""],  # row 6
        ["2024-Q3", "nope", "部门考评", ITEM, 100, "市城管局", ""],  # row 7: no such unit
    ]
    r = upload(staff, workbook(rows), name="坏数据.xlsx")
    assert r.status_code == 422, r.text
    table = r.text[r.text.index('id="upload-errors"') :]
    assert 'data-row="5" data-column="score"' in table
    assert 'data-row="7" data-column="unit_id"' in table
    assert "坏数据.xlsx[scores]" in table and "kaoping-upload" not in r.text
    assert score_count(staff) == before


def test_unreadable_cells_are_reported_by_row(staff: Any) -> None:
    staff.login("admin")
    rows = [["2024-Q3", "d1", "部门考评", ITEM, "很多", "市城管局", ""]]
    r = upload(staff, workbook(rows))
    assert r.status_code == 422
    assert 'data-row="2" data-column="score"' in r.text


def test_htmx_upload_gets_only_the_result(staff: Any) -> None:
    staff.login("admin")
    rows = [["2024-Q3", "nope", "部门考评", ITEM, 100, "市城管局", ""]]
    r = upload(staff, workbook(rows), headers={"HX-Request": "true"})
    assert r.status_code == 422
    assert 'id="upload-errors"' in r.text and "<html" not in r.text and 'role="alert"' in r.text


def test_csv_upload_takes_its_kind_from_the_name_or_the_choice(staff: Any) -> None:
    staff.login("dsf")
    text = "period,unit_id,part,item,score,source,note\n2024-07,d1,第三方测评,,455,第三方机构,\n"
    r = upload(staff, text.encode("utf-8"), name="scores-7月.csv")
    assert r.status_code == 200, r.text
    r = upload(staff, text.replace("455", "456").encode("utf-8"), name="七月.csv")
    assert r.status_code == 422 and "数据类型" in r.text
    r = upload(staff, text.replace("455", "456").encode("utf-8"), name="七月.csv", kind="scores")
    assert r.status_code == 200, r.text
    mine = staff.client.get("/api/scores", params={"period": "2024-07"}).json()
    assert [m["score"] for m in mine] == [456.0]


def test_department_may_not_upload_another_part_or_name(staff: Any) -> None:
    staff.login("cgj")
    before = score_count(staff)
    rows = [
        ["2024-Q3", "d1", "部门考评", ITEM, 140, "市城管局", ""],  # fine
        ["2024-Q3", "d1", "社会评价", ITEM, 150, "市城管局", ""],  # row 3: not its part
        ["2024-Q3", "d2", "部门考评", ITEM, 150, "市交警支队", ""],  # row 4: another scorer's name
        ["2024-Q3", "d3", "部门考评", ITEM, 150, "", ""],  # row 5: no name
    ]
    r = upload(staff, workbook(rows))
    assert r.status_code == 403, r.text
    table = r.text[r.text.index('id="upload-errors"') :]
    assert 'data-row="3" data-column="part"' in table
    assert 'data-row="4" data-column="source"' in table and 'data-row="5" data-column="source"' in table
    assert 'data-row="2"' not in table
    assert score_count(staff) == before
    with staff.factory() as s:
        denied = s.scalars(select(AuditEntry).where(AuditEntry.action == "denied", AuditEntry.actor == "cgj")).all()
    assert len(denied) == 1 and denied[0].table_name == "import"


def test_inspector_may_not_upload_scores(staff: Any) -> None:
    staff.login("dcy")
    r = upload(staff, workbook([["2024-Q3", "d1", "部门考评", ITEM, 140, "督查一组", ""]]))
    assert r.status_code == 403
    assert "不能导入" in r.text and 'data-column=""' in r.text


def test_upload_without_the_csrf_token_is_refused(staff: Any) -> None:
    staff.login("admin")
    before = score_count(staff)
    content = workbook([["2024-Q3", "d1", "部门考评", ITEM, 140, "市城管局", ""]])
    for data in ({}, {"csrf": "forged"}):
        r = staff.client.post("/entry/upload", data=data, files={"file": ("a.xlsx", content)})
        assert r.status_code == 403 and "CSRF" in r.text
    assert score_count(staff) == before
    # the header htmx sends is accepted in place of the field
    r = staff.client.post("/entry/upload", files={"file": ("a.xlsx", content)}, headers={"X-CSRF-Token": csrf(staff)})
    assert r.status_code == 200, r.text


def test_wrong_type_and_missing_file(staff: Any) -> None:
    staff.login("admin")
    r = upload(staff, b"not a workbook", name="notes.txt")
    assert r.status_code == 415 and 'role="alert"' in r.text
    r = upload(staff, b"PK broken", name="broken.xlsx")
    assert r.status_code == 422 and "broken.xlsx" in r.text
    token = page_token(staff.client.get("/entry").text)
    r = staff.client.post("/entry/upload", data={"csrf": token})
    assert r.status_code == 422 and "请选择" in r.text


def test_oversized_upload_is_refused(staff: Any, tmp_path: Path) -> None:
    staff.login("admin")
    before = score_count(staff)
    r = upload(staff, b"x" * (MAX_BYTES + 1024 * 1024), name="huge.xlsx")
    assert r.status_code == 413
    assert score_count(staff) == before
    # without a Content-Length to go by, the copy stops at the limit
    with pytest.raises(Refused) as refused:
        save(io.BytesIO(b"x" * (MAX_BYTES + 1)), "huge.xlsx", "", tmp_path)
    assert refused.value.status == 413


def test_an_upload_the_database_keeps_refusing_is_a_409_saying_so(staff: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A collision with another writer every time (issue 14): the page says so in Chinese, nothing imported."""

    def colliding(*args: Any, **kw: Any) -> Any:
        raise OperationalError("UPDATE scores ...", {}, errors.DeadlockDetected("deadlock detected"))

    monkeypatch.setattr(import_cells, "write_facts", colliding)
    monkeypatch.setattr(importer, "RETRY_DELAYS", (0.0, 0.0, 0.0))
    staff.login("cgj")
    before = score_count(staff)
    r = upload(staff, workbook([["2024-Q3", "d1", "部门考评", ITEM, 140, "市城管局", ""]]))
    assert r.status_code == 409 and "数据库正忙" in r.text and "未导入任何内容" in r.text
    assert score_count(staff) == before


def test_a_workbook_larger_than_a_photo_reaches_the_import(staff: Any) -> None:
    """The app-wide 5 MB body limit (photos) is wider for /entry/upload: a 6 MB file is read and judged."""
    staff.login("admin")
    r = upload(staff, b"PK" + b"x" * (6 * 1024 * 1024), name="big.xlsx")
    assert r.status_code == 422 and "big.xlsx" in r.text


def test_template_download(staff: Any) -> None:
    staff.login("cgj")
    r = staff.client.get("/entry/template.xlsx")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert {"考评对象", "考评得分", "督查扣分"} <= set(book.sheetnames)


def test_english_headings(staff: Any) -> None:
    staff.login("admin")
    page = staff.client.get("/entry?lang=en").text
    assert "Data entry" in page and "Upload" in page and "数据录入" not in page.split("<main", 1)[1]


def test_an_upload_with_a_key_twice_is_422_naming_the_rows(staff: Any) -> None:
    """Issue 14: a notices file giving one notice twice made the import die on the unique key (a 500)."""
    staff.login("admin")
    text = "problem_id,unit_id,notified_on,rectified_on\nP9,d1,2024-07-02,\nP9,d1,2024-07-02,2024-07-05\n"
    r = upload(staff, text.encode("utf-8"), name="notices.csv")
    assert r.status_code == 422, r.text
    table = r.text[r.text.index('id="upload-errors"') :]
    assert 'data-row="3" data-column="problem_id"' in table and "重复行" in table


def test_an_account_without_the_role_is_refused_before_the_upload_is_read(
    staff: Any, forms_parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14, point 1: the role is checked from the session before the multipart body is parsed, so a
    unit account (or nobody) cannot make the server spool and read a workbook it may never import."""
    read: list[str] = []

    def saving(*args: Any) -> Any:
        read.append(args[1])
        return save(*args)

    monkeypatch.setattr(entry_upload, "save", saving)
    content = workbook([["2024-Q3", "d1", "部门考评", ITEM, 140, "市城管局", ""]])
    staff.login("jiaqu")
    token = csrf(staff)
    r = staff.client.post("/entry/upload", data={"csrf": token}, files={"file": ("a.xlsx", content)})
    assert r.status_code == 403 and "数据录入仅限" in r.text
    staff.client.post("/api/auth/logout", headers={"X-CSRF-Token": token})
    staff.client.cookies.clear()
    r = staff.client.post("/entry/upload", files={"file": ("a.xlsx", content)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert forms_parsed == [] and read == []
    # an account that may enter data has its form read (the spy sees what it is there to catch)
    staff.login("cgj")
    assert upload(staff, content).status_code == 200
    assert forms_parsed == ["/entry/upload"] and read == ["本季度得分.xlsx"]
