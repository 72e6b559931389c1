"""Entry checks through the REST API (issue 12, point 3), on SQLite and PostgreSQL: the 2031 typo is
refused even when confirmed; the 250-point deduction and the 23:45 entry answer 409 with the warning until
the row is sent again with ``confirm: true`` and a reason, which lands in the audit trail; a row in a
published period asks the same; a fact dated after today is refused."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from entry_checks_testing import (
    CASES,
    COLUMN,
    REFUSED,
    Client,
    audit_reasons,
    confirmed_events,
    deduction,
)


def _token(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/auth/login", json={"username": username, "password": "password-1"})
    assert r.status_code == 200, r.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_a_plain_deduction_is_written_without_a_question(appearance: Client) -> None:
    client, _ = appearance
    r = client.post("/api/deductions", json=deduction(), headers=_token(client, "dcy"))
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("case", list(CASES))
def test_each_case_is_refused_or_asks_for_confirmation(appearance: Client, case: str) -> None:
    client, factory = appearance
    auth = _token(client, "dcy")
    r = client.post("/api/deductions", json=deduction(**CASES[case]), headers=auth)
    errors = r.json()["errors"]
    assert [e["column"] for e in errors] == [COLUMN[case]]
    assert errors[0]["file"] == "api:deductions" and errors[0]["row"] == 0
    if case in REFUSED:
        assert r.status_code == 422, r.text
        assert "2031-01-01" in errors[0]["message"] and "考评年度" in errors[0]["message"]
        assert "evaluated years" in errors[0]["message_en"]
        again = client.post(
            "/api/deductions", json=deduction(**CASES[case], confirm=True, reason="确实如此"), headers=auth
        )
        assert again.status_code == 422, "a refusal can never be confirmed"
        return
    assert r.status_code == 409, r.text
    assert errors[0]["confirmable"] is True
    assert ("100" in errors[0]["message"]) if case == "points-250" else ("07:00–22:00" in errors[0]["message"])
    # a confirmation without a reason is no confirmation
    bare = client.post("/api/deductions", json=deduction(**CASES[case], confirm=True), headers=auth)
    assert bare.status_code == 409
    reason = f"现场核实无误（{case}）"
    done = client.post("/api/deductions", json=deduction(**CASES[case], confirm=True, reason=reason), headers=auth)
    assert done.status_code == 201, done.text
    assert any(reason in r and "我已核实，确认提交" in r for r in audit_reasons(factory))
    [event] = confirmed_events(factory)
    assert (event.actor, event.table_name, event.row_key) == ("dcy", "deductions", "api:deductions")
    assert reason in event.reason and COLUMN[case] in event.after["warnings"][0]


def test_a_row_in_a_published_period_asks_for_confirmation(appearance: Client) -> None:
    client, factory = appearance
    auth = _token(client, "admin")
    r = client.post("/api/deductions", json=deduction(date="2024-07-20"), headers=auth)
    assert r.status_code == 409, r.text
    [problem] = r.json()["errors"]
    assert problem["column"] == "date" and "2024-07" in problem["message"] and "已发布" in problem["message"]
    done = client.post(
        "/api/deductions", json=deduction(date="2024-07-20", confirm=True, reason="迟报，待更正"), headers=auth
    )
    assert done.status_code == 201, done.text
    assert any("迟报，待更正" in r for r in audit_reasons(factory))


def test_a_fact_dated_after_today_is_refused(appearance: Client) -> None:
    client, _ = appearance
    auth = _token(client, "admin")
    r = client.post("/api/deductions", json=deduction(date="2024-12-21"), headers=auth)  # the clock: 12-20
    assert r.status_code == 422, r.text
    assert "晚于当前时间" in r.json()["errors"][0]["message"]
    honor: dict[str, Any] = {"date": "2024-12-25", "unit_id": "zf1", "kind": "award", "level": "national"}
    assert client.post("/api/honors", json=honor, headers=auth).status_code == 422
