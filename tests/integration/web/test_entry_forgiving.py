"""Entry that forgives Excel habits through the entry page (issue 15, point 3), on SQLite and PostgreSQL:
a CSV with Chinese headers, unit names and 2024/12/5 dates imports; a CSV with five different mistakes
comes back as one table of all five, in Chinese (English with ?lang=en)."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from entry_checks_testing import Client, login
from forgiving_testing import FIVE_FOUND, FIVE_MISTAKES, FORGIVEN, FORGIVEN_ROWS
from kaoping.store.tables import DeductionRow


def _upload(client: TestClient, text: str, name: str = "12月巡查扣分.csv", lang: str = "") -> Any:
    page = client.get("/entry").text
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token
    url = "/entry/upload" + (f"?lang={lang}" if lang else "")
    data = {"csrf": token.group(1), "kind": "deductions"}
    return client.post(url, data=data, files={"file": (name, text.encode("utf-8"))})


def test_an_upload_with_chinese_headers_unit_names_and_slashed_dates_imports(appearance: Client) -> None:
    client, factory = appearance
    login(client, "dcy")
    r = _upload(client, FORGIVEN)
    assert r.status_code == 200, r.text
    assert 'id="upload-summary"' in r.text and 'id="upload-errors"' not in r.text
    with factory() as s:
        stmt = select(DeductionRow.date, DeductionRow.unit_id, DeductionRow.points, DeductionRow.location)
        got = sorted(tuple(row) for row in s.execute(stmt.where(DeductionRow.date >= FORGIVEN_ROWS[0][0])))
    assert got == FORGIVEN_ROWS


def test_five_different_mistakes_come_back_in_one_table_in_chinese(appearance: Client) -> None:
    client, factory = appearance
    login(client, "dcy")
    with factory() as s:
        before = len(list(s.scalars(select(DeductionRow.id))))
    r = _upload(client, FIVE_MISTAKES)
    assert r.status_code == 422
    table = r.text[r.text.index('id="upload-errors"') :]
    rows = re.findall(r'<tr data-row="(\d+)" data-column="([^"]*)">(.*?)</tr>', table, flags=re.S)
    assert [(int(row), column) for row, column, _ in rows] == [(row, column) for row, column, _ in FIVE_FOUND]
    for (_, _, cells), (_, _, what) in zip(rows, FIVE_FOUND, strict=True):
        assert what in cells.replace("&#34;", '"'), cells
    assert "共 5 处问题" in r.text
    with factory() as s:
        assert len(list(s.scalars(select(DeductionRow.id)))) == before

    english = _upload(client, FIVE_MISTAKES, lang="en")
    assert "&#39;两分&#39; is not a number" in english.text or "'两分' is not a number" in english.text


def test_a_form_post_names_a_unit_by_name_and_hears_field_errors_in_chinese(appearance: Client) -> None:
    """What entry.js sends: the API answers pydantic's errors in Chinese, each with the field's Chinese name."""
    client, _ = appearance
    headers = login(client, "dcy")
    bad = {"date": "2024-12-05", "part": "市容环境", "points": "两分"}
    r = client.post("/api/deductions", json=bad, headers=headers)
    assert r.status_code == 422
    found = {e["column"]: e["message"] for e in r.json()["errors"]}
    assert found == {"unit_id": "考评对象编号（unit_id）：必填", "points": "扣分（points）：应为数字"}
    assert {e["message_en"] for e in r.json()["errors"]} == {"unit_id: required", "points: expected a number"}

    row = {"date": "2024-12-05", "unit_id": "综合执法二大队", "part": "市容环境", "points": 1, "problem": "按名称"}
    r = client.post("/api/deductions", json=row, headers=headers)
    assert r.status_code == 201, r.text
    assert r.json()["row"]["unit_id"] == "zf2"
    r = client.post("/api/deductions", json=row | {"unit_id": "执法二大队"}, headers=headers)
    assert r.status_code == 422
    (error,) = r.json()["errors"]
    assert error["column"] == "unit_id" and error["message"].startswith("没有考评对象“执法二大队”")
    assert "相近的有：zf2 综合执法二大队（第一系列）" in error["message"]
