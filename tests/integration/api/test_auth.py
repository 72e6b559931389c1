"""Signing in: cookie and bearer token, /me, logout, and CSRF on cookie-authenticated writes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.api.conftest import Api

import time

import pytest
from itsdangerous import TimestampSigner


def _login(api: Api, username: str) -> dict[str, object]:
    r = api.client.post("/api/auth/login", json={"username": username, "password": api.PASSWORD})
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


def test_login_sets_a_safe_cookie_and_returns_a_token_and_me_follows(api: Api) -> None:
    r = api.client.post("/api/auth/login", json={"username": "jiaqu", "password": api.PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["access_token"] and body["csrf_token"]
    assert body["user"] == {
        "username": "jiaqu",
        "role": "unit",
        "display_name": "甲区",
        "unit_id": "d1",
        "parts": [],
        "via": "cookie",
    }
    cookie = r.headers["set-cookie"].lower()
    assert cookie.startswith("kaoping_session=") and "httponly" in cookie and "samesite=lax" in cookie
    assert api.client.get("/api/auth/me").json()["username"] == "jiaqu"  # by cookie
    api.client.cookies.clear()
    me = api.client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"}).json()
    assert (me["username"], me["via"]) == ("jiaqu", "bearer")


def test_wrong_password_and_unknown_user_get_the_same_401(api: Api) -> None:
    wrong = api.client.post("/api/auth/login", json={"username": "admin", "password": "nope-nope"})
    unknown = api.client.post("/api/auth/login", json={"username": "nobody", "password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert "set-cookie" not in wrong.headers


def test_anonymous_is_public(api: Api) -> None:
    me = api.client.get("/api/auth/me").json()
    assert (me["username"], me["role"]) == (None, "public")


def test_cookie_write_needs_the_csrf_token_and_bearer_does_not(api: Api) -> None:
    body = _login(api, "admin")
    csrf = str(body["csrf_token"])
    assert api.client.get("/api/auth/csrf").json()["csrf_token"] == csrf  # the same token, tied to the session

    r = api.client.post("/api/scores", json=api.score_row(score=121))
    assert r.status_code == 403 and "X-CSRF-Token" in r.json()["detail"]
    r = api.client.post("/api/scores", json=api.score_row(score=121), headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403
    r = api.client.post("/api/scores", json=api.score_row(score=121), headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text

    token = str(body["access_token"])
    api.client.cookies.clear()
    r = api.client.post("/api/scores", json=api.score_row(score=122), headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201, r.text
    assert r.json()["action"] == "update"  # same natural key as the row just written


def test_csrf_token_of_one_session_does_not_work_in_another(api: Api) -> None:
    first = str(_login(api, "admin")["csrf_token"])
    api.client.cookies.clear()
    _login(api, "admin")  # a new session, with a new token
    r = api.client.post("/api/scores", json=api.score_row(score=123), headers={"X-CSRF-Token": first})
    assert r.status_code == 403


def test_logout_ends_the_cookie_session(api: Api) -> None:
    csrf = str(_login(api, "cgj")["csrf_token"])
    assert api.client.post("/api/auth/logout").status_code == 403  # a cookie POST without CSRF
    assert api.client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
    assert api.client.get("/api/auth/me").json()["role"] == "public"
    assert api.client.get("/api/scores").status_code == 401


def test_bad_or_expired_bearer_is_401_and_never_falls_back_to_the_cookie(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    _login(api, "admin")  # the client now holds an admin cookie
    r = api.client.get("/api/scores", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"

    with monkeypatch.context() as m:  # a token signed 9 hours ago (tokens last 8)
        m.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 9 * 3600)
        old = api.client.post("/api/auth/login", json={"username": "admin", "password": api.PASSWORD}).json()
    r = api.client.get("/api/scores", headers={"Authorization": f"Bearer {old['access_token']}"})
    assert r.status_code == 401


def test_openapi_and_docs_are_served_under_api(api: Api) -> None:
    spec = api.client.get("/api/openapi.json")
    assert spec.status_code == 200
    assert "/api/scores" in spec.json()["paths"]
    assert api.client.get("/api/docs").status_code == 200
