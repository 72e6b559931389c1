"""修改密码 from the header's user menu: a plain form post (CSRF token in the form), the current password
required, the policy's Chinese messages on the page, other sessions signed out, this browser still in."""

from __future__ import annotations

import re
from typing import Any

NEW = "river-stone-77"
PASSWORD = "password-1"


def _token(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the form carries the CSRF token"
    return found.group(1)


def _post(web: Any, old: str, new: str, again: str | None = None, csrf: str | None = None) -> Any:
    token = csrf if csrf is not None else _token(web.client.get("/account/password").text)
    form = {"csrf": token, "old_password": old, "new_password": new, "again": new if again is None else again}
    return web.client.post("/account/password", data=form)


def test_nobody_signed_in_is_sent_to_sign_in(web: Any) -> None:
    r = web.client.get("/account/password", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/account/password"
    form = {"csrf": "x", "old_password": PASSWORD, "new_password": NEW, "again": NEW}
    r = web.client.post("/account/password", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_the_user_menu_links_the_page(web: Any) -> None:
    assert 'href="/account/password"' not in web.client.get("/public").text
    web.login("jiaqu")
    assert 'id="password-link"' in web.client.get("/public").text
    page = web.client.get("/account/password")
    assert page.status_code == 200 and 'autocomplete="current-password"' in page.text
    assert "Change password" in web.client.get("/account/password?lang=en").text


def test_changing_the_password_on_the_page(web: Any) -> None:
    other = web.client.post("/api/auth/login", json={"username": "jiaqu", "password": PASSWORD}).json()
    web.client.cookies.clear()
    web.login("jiaqu")
    assert _post(web, PASSWORD, NEW, csrf="forged").status_code == 403
    r = _post(web, PASSWORD, NEW, again=NEW + "x")
    assert r.status_code == 422 and "两次输入的新密码不一致" in r.text
    r = _post(web, "not-my-password", NEW)
    assert r.status_code == 422 and "当前密码不正确" in r.text
    r = _post(web, PASSWORD, "1234567890")
    assert r.status_code == 422 and "过于常见" in r.text
    r = _post(web, PASSWORD, NEW)
    assert r.status_code == 200 and 'id="password-done"' in r.text
    assert web.client.get("/api/auth/me").json()["username"] == "jiaqu"  # this browser stays signed in
    ended = web.client.get("/api/auth/me", headers={"Authorization": f"Bearer {other['access_token']}"})
    assert ended.status_code == 401  # the other session is over
    web.client.cookies.clear()
    assert web.client.post("/api/auth/login", json={"username": "jiaqu", "password": NEW}).status_code == 200
