"""Changing a password (issue 14, follow-up to point 8): one use case for the API, the page and the CLI —
the current password for self-service, the office's reset without it, the password policy, every other
session and token ended, audited; a wrong current password counts like a failed sign-in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.api.conftest import Api

import json

import pytest
from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.store.login_guard import ACCOUNT_LIMIT

NEW = "river-stone-77"
runner = CliRunner()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _change(api: Api, token: str, old: str, new: str) -> Any:
    return api.client.post(
        "/api/auth/password", json={"old_password": old, "new_password": new}, headers=_bearer(token)
    )


def _login(api: Api, username: str, password: str) -> Any:
    r = api.client.post("/api/auth/login", json={"username": username, "password": password})
    api.client.cookies.clear()
    return r


def _events(api: Api, action: str) -> list[dict[str, Any]]:
    return [e for e in api.audit() if e["action"] == action]


def test_own_password_with_the_current_one_ends_every_other_session(api: Api) -> None:
    first = _login(api, "jiaqu", api.PASSWORD).json()["access_token"]
    other = _login(api, "jiaqu", api.PASSWORD).json()["access_token"]  # another browser or script
    r = _change(api, first, api.PASSWORD, NEW)
    assert r.status_code == 200, r.text
    fresh = r.json()["access_token"]
    assert r.json()["csrf_token"] is None  # a bearer caller has no cookie session to renew
    assert api.client.get("/api/auth/me", headers=_bearer(fresh)).json()["username"] == "jiaqu"
    for ended in (first, other):
        assert api.client.get("/api/auth/me", headers=_bearer(ended)).status_code == 401
    assert _login(api, "jiaqu", api.PASSWORD).status_code == 401
    assert _login(api, "jiaqu", NEW).status_code == 200
    [event] = _events(api, "password")
    assert (event["actor"], event["row_key"], event["after"]) == ("jiaqu", "jiaqu", {"by": "self", "via": "bearer"})
    assert NEW not in json.dumps(api.audit(), ensure_ascii=False) and api.PASSWORD not in json.dumps(api.audit())


def test_a_cookie_session_that_changes_its_password_stays_signed_in(api: Api) -> None:
    csrf = api.client.post("/api/auth/login", json={"username": "cgj", "password": api.PASSWORD}).json()["csrf_token"]
    body = {"old_password": api.PASSWORD, "new_password": NEW}
    assert api.client.post("/api/auth/password", json=body).status_code == 403  # a cookie write needs the CSRF token
    r = api.client.post("/api/auth/password", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
    assert r.json()["csrf_token"] and r.json()["csrf_token"] != csrf  # a fresh session (no fixation)
    assert api.client.get("/api/auth/me").json()["username"] == "cgj"


@pytest.mark.parametrize(
    ("new", "words"),
    [
        ("short-1", "至少需要 10 个字符"),
        ("1234567890", "过于常见"),
        ("password12", "过于常见"),
        ("my-jiaqu-pass", "用户名"),
    ],
)
def test_the_password_policy_holds(api: Api, new: str, words: str) -> None:
    r = _change(api, api.token("jiaqu"), api.PASSWORD, new)
    assert r.status_code == 422 and words in r.json()["detail"]
    assert r.json()["errors"][0]["column"] == "new_password"
    assert _login(api, "jiaqu", api.PASSWORD).status_code == 200  # unchanged


def test_a_wrong_current_password_is_refused_counted_and_locks(api: Api) -> None:
    token = api.token("yiqu")
    r = _change(api, token, "not-my-password-9", NEW)
    assert r.status_code == 422 and r.json()["errors"][0]["column"] == "old_password"
    assert "当前密码不正确" in r.json()["detail"]
    assert [e["row_key"] for e in _events(api, "login_failed")] == ["yiqu"]
    assert _change(api, token, api.PASSWORD, api.PASSWORD + "x").status_code == 200  # a right one clears the count
    token = _login(api, "yiqu", api.PASSWORD + "x").json()["access_token"]
    for _ in range(ACCOUNT_LIMIT - 1):
        assert _change(api, token, "not-my-password-9", NEW).status_code == 422
    assert _change(api, token, "not-my-password-9", NEW).status_code == 429  # locked, as sign-in would be
    assert _change(api, token, api.PASSWORD + "x", NEW).status_code == 429  # even with the right one
    assert _login(api, "yiqu", api.PASSWORD + "x").status_code == 429


def test_nobody_signed_in_has_no_password_to_change(api: Api) -> None:
    r = api.client.post("/api/auth/password", json={"old_password": "a", "new_password": NEW})
    assert r.status_code == 401


def test_only_the_office_sets_another_accounts_password(api: Api) -> None:
    body = {"new_password": NEW}
    assert api.client.put("/api/users/jiaqu/password", json=body, headers=api.as_("yiqu")).status_code == 403
    assert [e["actor"] for e in _events(api, "denied")] == ["yiqu"]
    before = api.token("jiaqu")
    r = api.client.put("/api/users/jiaqu/password", json=body, headers=api.as_("admin"))
    assert r.status_code == 200, r.text
    assert api.client.get("/api/auth/me", headers=_bearer(before)).status_code == 401
    assert _login(api, "jiaqu", NEW).status_code == 200
    [event] = _events(api, "password")
    assert (event["actor"], event["row_key"], event["after"]["by"]) == ("admin", "jiaqu", "office")
    assert api.client.put("/api/users/nobody/password", json=body, headers=api.as_("admin")).status_code == 404
    weak = api.client.put("/api/users/jiaqu/password", json={"new_password": "jiaqu12345"}, headers=api.as_("admin"))
    assert weak.status_code == 422


def test_cli_passwd_and_add_go_through_the_audited_use_cases(api: Api, db_url: str) -> None:
    before = api.token("jiaqu")
    base = ["user", "passwd", "jiaqu", "--password-stdin", "--actor", "office-clerk", "--db", db_url]
    result = runner.invoke(app, base, input="1234567890\n")
    assert result.exit_code == 2 and "过于常见" in result.stderr
    result = runner.invoke(app, base, input=NEW + "\n")
    assert result.exit_code == 0, result.stderr
    assert "密码已更新" in result.stdout
    assert api.client.get("/api/auth/me", headers=_bearer(before)).status_code == 401
    assert _login(api, "jiaqu", NEW).status_code == 200
    assert [(e["actor"], e["row_key"]) for e in _events(api, "password")] == [("office-clerk", "jiaqu")]
    missing = runner.invoke(app, ["user", "passwd", "nobody", "--password-stdin", "--db", db_url], input=NEW + "\n")
    assert missing.exit_code == 2 and "nobody" in missing.stderr

    add = ["user", "add", "bingqu", "--role", "public", "--password-stdin", "--actor", "office-clerk", "--db", db_url]
    result = runner.invoke(app, add, input=NEW + "\n")
    assert result.exit_code == 0, result.stderr
    inserted = [e for e in api.audit() if e["action"] == "insert" and e["table_name"] == "users"]
    assert [(e["actor"], e["row_key"], e["after"]["role"]) for e in inserted] == [("office-clerk", "bingqu", "public")]
