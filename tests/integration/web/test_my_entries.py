"""我的录入 on SQLite and PostgreSQL (issue 15, point 1): an inspector changes or deletes a deduction it
entered, with a reason kept in the audit trail (before and after); another inspector's row and a row of a
published period are refused (the latter saying the office corrects it); two edits of one row made from
the same page: the first wins, the second is told to reload (409), never a lost update or a 500."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from entry_checks_testing import PASSWORD, Client, deduction, login
from kaoping.app.own_entries import STALE
from kaoping.store.db import transaction
from kaoping.store.tables import AuditEntry, DeductionRow
from kaoping.store.users import create_user

PUBLISHED_REFUSAL = "已发布结果，不能再由录入人修改或删除"


@pytest.fixture
def inspectors(appearance: Client) -> Client:
    """The entry-check store (2024-07 published, dcy an inspector) with a second inspector, dce."""
    _, factory = appearance
    with transaction(factory) as s:
        create_user(s, username="dce", password=PASSWORD, role="inspector", display_name="督查二组")
    return appearance


def _enter(client: TestClient, account: str = "dcy", **changes: Any) -> int:
    """A deduction posted through the API as ``account``; its id."""
    headers = login(client, account)
    r = client.post("/api/deductions", json=deduction(**changes), headers=headers)
    assert r.status_code == 201, r.text
    return int(r.json()["row"]["id"])


def _form(client: TestClient, row_id: int) -> dict[str, str]:
    """What the row page's edit form sends unchanged: every input's value, the token and the version."""
    page = client.get(f"/my-entries/deductions/{row_id}")
    assert page.status_code == 200, page.text
    form = page.text[page.text.index('id="edit-form"') : page.text.index("</form>", page.text.index('id="edit-form"'))]
    inputs = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    return inputs | {"action": "edit"}


def _points(factory: sessionmaker[Session], row_id: int) -> Any:
    """The stored points of the row (None: no such row)."""
    with factory() as s:
        row = s.get(DeductionRow, row_id)
        return None if row is None else row.points


def _audit(factory: sessionmaker[Session], action: str) -> list[AuditEntry]:
    with factory() as s:
        stmt = select(AuditEntry).where(AuditEntry.table_name == "deductions", AuditEntry.action == action)
        return list(s.scalars(stmt.order_by(AuditEntry.id)))


def test_the_page_lists_the_accounts_rows_with_edit_and_delete(inspectors: Client) -> None:
    client, _ = inspectors
    row_id = _enter(client)
    page = client.get("/my-entries")
    assert page.status_code == 200 and '<a href="/my-entries"' in page.text  # the header link
    row = re.search(rf'<tr data-id="{row_id}" data-kind="deductions">(.*?)</tr>', page.text, re.S)
    assert row and "店外堆放杂物" in row.group(1) and "修改记录" in row.group(1) and "删除记录" in row.group(1)
    assert 'id="rows-scores"' not in page.text  # an inspector writes no scores
    login(client, "dce")
    assert f'data-id="{row_id}"' not in client.get("/my-entries").text
    assert "My entries" in client.get("/my-entries?lang=en").text


def test_an_edit_with_a_reason_is_audited_with_before_and_after(inspectors: Client) -> None:
    client, factory = inspectors
    row_id = _enter(client)
    sent = _form(client, row_id) | {"points": "3", "reason": "复核：应扣3分"}
    r = client.post(f"/my-entries/deductions/{row_id}", data=sent, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/my-entries/deductions/{row_id}?saved=update"
    update = _audit(factory, "update")[-1]
    assert (update.actor, update.reason) == ("dcy", "复核：应扣3分")
    assert update.before is not None and update.after is not None
    assert (update.before["points"], update.after["points"]) == (2.0, 3.0)
    page = client.get(r.headers["location"]).text
    assert "修改已保存" in page and "复核：应扣3分" in page[page.index('id="history-table"') :]


def test_an_edit_without_a_reason_changes_nothing(inspectors: Client) -> None:
    client, factory = inspectors
    row_id = _enter(client)
    r = client.post(f"/my-entries/deductions/{row_id}", data=_form(client, row_id) | {"points": "3", "reason": " "})
    assert r.status_code == 422 and "须填写原因" in r.text
    assert _points(factory, row_id) == 2


def test_a_bad_value_is_named_in_chinese(inspectors: Client) -> None:
    client, _ = inspectors
    row_id = _enter(client)
    r = client.post(f"/my-entries/deductions/{row_id}", data=_form(client, row_id) | {"points": "两分", "reason": "改"})
    assert r.status_code == 422 and "扣分：应为数字" in r.text and 'value="两分"' in r.text


def test_changing_the_key_replaces_the_row_in_one_step(inspectors: Client) -> None:
    """The problem text is part of a deduction's natural key: the old row is deleted, a new one written."""
    client, factory = inspectors
    row_id = _enter(client)
    sent = _form(client, row_id) | {"problem": "店外堆放纸箱", "reason": "问题描述写错"}
    r = client.post(f"/my-entries/deductions/{row_id}", data=sent, follow_redirects=False)
    assert r.status_code == 303, r.text
    with factory() as s:
        assert s.scalar(select(DeductionRow).where(DeductionRow.problem == "店外堆放杂物")) is None
        new = s.scalar(select(DeductionRow).where(DeductionRow.problem == "店外堆放纸箱"))
        assert new is not None and r.headers["location"].startswith(f"/my-entries/deductions/{new.id}?")
    assert "问题描述写错" in _audit(factory, "delete")[-1].reason
    assert _audit(factory, "insert")[-1].reason == "问题描述写错"


def test_a_delete_with_a_reason_is_audited(inspectors: Client) -> None:
    client, factory = inspectors
    row_id = _enter(client)
    sent = _form(client, row_id) | {"action": "delete", "reason": "重复录入"}
    r = client.post(f"/my-entries/deductions/{row_id}", data=sent, follow_redirects=False)
    assert r.status_code == 303 and "deleted=" in r.headers["location"]
    with factory() as s:
        assert s.scalar(select(DeductionRow).where(DeductionRow.problem == "店外堆放杂物")) is None
    deleted = _audit(factory, "delete")[-1]
    assert (deleted.actor, deleted.reason) == ("dcy", "重复录入")
    assert deleted.before is not None and deleted.before["problem"] == "店外堆放杂物"


def test_another_accounts_row_is_refused_and_the_attempt_recorded(inspectors: Client) -> None:
    client, factory = inspectors
    row_id = _enter(client)
    sent = _form(client, row_id) | {"points": "9", "reason": "我来改"}
    login(client, "dce")
    page = client.get(f"/my-entries/deductions/{row_id}")
    assert page.status_code == 403 and "只能修改或删除本账号录入的记录" in page.text
    token = client.get("/api/auth/csrf").json()["csrf_token"]
    r = client.post(f"/my-entries/deductions/{row_id}", data=sent | {"csrf": token})
    assert r.status_code == 403 and "只能修改或删除本账号录入的记录" in r.text
    denied = _audit(factory, "denied")[-1]
    assert denied.actor == "dce"
    assert _points(factory, row_id) == 2


def test_a_published_periods_row_is_left_to_the_office(inspectors: Client) -> None:
    client, factory = inspectors
    row_id = _enter(client, date="2024-07-10", confirm=True, reason="补录七月巡查")  # 2024-07 is published
    page = client.get(f"/my-entries/deductions/{row_id}")
    assert page.status_code == 200 and PUBLISHED_REFUSAL in page.text and "考评办" in page.text
    assert 'id="edit-form"' not in page.text and 'id="history-table"' in page.text
    token = client.get("/api/auth/csrf").json()["csrf_token"]
    version = re.search(r'data-version="([^"]+)"', page.text)
    assert version
    sent = deduction(date="2024-07-10", points="1") | {"csrf": token, "version": version.group(1), "reason": "改"}
    r = client.post(f"/my-entries/deductions/{row_id}", data={k: str(v) for k, v in sent.items()})
    assert r.status_code == 403 and PUBLISHED_REFUSAL in r.text
    # the office corrects it: asked to confirm (a published period), then saved
    login(client, "admin")
    office = _form(client, row_id) | {"points": "1", "reason": "更正七月扣分"}
    asked = client.post(f"/my-entries/deductions/{row_id}", data=office)
    assert asked.status_code == 409 and 'id="edit-confirm"' in asked.text and "已发布" in asked.text
    r = client.post(f"/my-entries/deductions/{row_id}", data=office | {"confirm": "on"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert _audit(factory, "update")[-1].actor == "admin"


def test_two_edits_from_one_page_one_wins(inspectors: Client) -> None:
    client, factory = inspectors
    row_id = _enter(client)
    sent = _form(client, row_id)
    first = client.post(f"/my-entries/deductions/{row_id}", data=sent | {"points": "3", "reason": "甲"})
    assert first.status_code == 200 and "修改已保存" in first.text
    second = client.post(f"/my-entries/deductions/{row_id}", data=sent | {"points": "4", "reason": "乙"})
    assert second.status_code == 409 and STALE in second.text
    assert _points(factory, row_id) == 3


def test_two_edits_at_the_same_time_one_wins(inspectors: Client) -> None:
    """Two browsers post at once, both from the page as it was: one 303, one 409, the row as the winner left it."""
    client, factory = inspectors
    row_id = _enter(client)
    sent = _form(client, row_id)
    app: Any = client.app
    answers: list[int] = []
    start = threading.Barrier(2)

    def post(points: str) -> None:
        browser = TestClient(app, cookies=dict(client.cookies))  # the same signed-in session, another browser
        start.wait()
        data = sent | {"points": points, "reason": f"改为{points}"}
        answers.append(browser.post(f"/my-entries/deductions/{row_id}", data=data, follow_redirects=False).status_code)

    threads = [threading.Thread(target=post, args=(p,)) for p in ("3", "4")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [303, 409]
    assert _points(factory, row_id) in (3, 4)
    assert len(_audit(factory, "update")) == 1


def test_a_unit_account_has_no_such_page(inspectors: Client) -> None:
    client, factory = inspectors
    with transaction(factory) as s:
        create_user(s, username="zf", password=PASSWORD, role="unit", display_name="单位", unit_id="zf1")
    login(client, "zf")
    assert client.get("/my-entries").status_code == 403
    assert "/my-entries" not in client.get("/public").text


def test_an_unknown_kind_or_row_is_not_found(inspectors: Client) -> None:
    client, _ = inspectors
    row_id = _enter(client)
    sent = _form(client, row_id) | {"reason": "改"}
    assert client.post(f"/my-entries/users/{row_id}", data=sent).status_code == 404
    assert client.get(f"/my-entries/users/{row_id}").status_code == 404
    assert client.get("/my-entries/deductions/999999").status_code == 404


def test_a_change_outside_the_accounts_parts_is_refused_in_chinese(inspectors: Client) -> None:
    client, factory = inspectors
    with transaction(factory) as s:
        create_user(s, username="dcp", password=PASSWORD, role="inspector", display_name="督查三组",
                    parts=["市容环境/市容秩序"])  # fmt: skip
    row_id = _enter(client, "dcp")
    r = client.post(
        f"/my-entries/deductions/{row_id}", data=_form(client, row_id) | {"item": "门前三包", "reason": "改"}
    )
    assert r.status_code == 403 and "本账号只能录入所负责的考评部分" in r.text
    assert _audit(factory, "denied")[-1].actor == "dcp"
