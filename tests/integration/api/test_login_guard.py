"""Sign-in hardening (issue 14, point 8): failed sign-ins lock the account and the address (in the store, so
every worker sees it, refused before any hash), the argon2 checks are bounded, sign-out ends copied cookies
and tokens, the Secure flag follows https, and new passwords follow the policy."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.api.conftest import Api

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kaoping.server import create_app
from kaoping.store import login_guard, users
from kaoping.store.tables import LoginThrottle

SECRET = "test-secret-" + "x" * 32
SCHEMES = [str(Path(__file__).with_name("office.yaml"))]


class Counting:
    """The test's argon2 hasher, wrapped to count verifications and how many run at once."""

    def __init__(self, hasher: Any, pause: float = 0.0) -> None:
        self.hasher, self.pause = hasher, pause
        self.calls = self.running = self.most = 0
        self.lock = threading.Lock()

    def verify(self, stored: str, password: str) -> bool:
        with self.lock:
            self.calls += 1
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(self.pause)
            return bool(self.hasher.verify(stored, password))
        finally:
            with self.lock:
                self.running -= 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self.hasher, name)


@pytest.fixture
def counting(api: Api, monkeypatch: pytest.MonkeyPatch) -> Counting:
    hasher = Counting(users._hasher)
    monkeypatch.setattr(users, "_hasher", hasher)
    return hasher


def _login(client: TestClient, username: str, password: str, **kwargs: Any) -> Any:
    return client.post("/api/auth/login", json={"username": username, "password": password}, **kwargs)


def test_five_failures_lock_the_account_before_any_hash_until_the_time_said(api: Api, counting: Counting) -> None:
    answers = [_login(api.client, "cgj", "wrong-password").status_code for _ in range(5)]
    assert answers == [401, 401, 401, 401, 429]
    calls = counting.calls
    r = _login(api.client, "cgj", api.PASSWORD)  # the right password, while locked
    assert r.status_code == 429 and counting.calls == calls  # refused before any argon2 hash
    detail = r.json()["detail"]
    assert "锁定" in detail and "后再试" in detail and int(r.headers["retry-after"]) > 14 * 60
    api.shift[0] = timedelta(minutes=16)
    assert _login(api.client, "cgj", api.PASSWORD).status_code == 200


def test_the_lock_is_in_the_store_so_another_worker_refuses_too(api: Api, db_url: str, counting: Counting) -> None:
    for _ in range(5):
        _login(api.client, "dcy", "wrong-password")
    other = create_app(db_url, secret=SECRET, schemes=SCHEMES)  # a second worker process's app
    with TestClient(other) as client:
        assert _login(client, "dcy", api.PASSWORD).status_code == 429
    with api.factory() as s:
        assert s.get(LoginThrottle, "user:dcy") is not None


def test_failures_and_the_lock_are_audited(api: Api) -> None:
    for _ in range(5):
        _login(api.client, "jj", "wrong-password")
    rows = [r for r in api.audit() if r["table_name"] == "users" and r["row_key"] == "jj"]
    assert [r["action"] for r in rows] == ["login_failed"] * 5 + ["login_locked"]
    assert rows[-1]["after"]["address"] == "testclient" and rows[-1]["after"]["until"]


def test_an_unknown_name_is_locked_like_a_real_one(api: Api) -> None:
    real = [_login(api.client, "yiqu", "wrong-password") for _ in range(5)]
    unknown = [_login(api.client, "nobody-here", "wrong-password") for _ in range(5)]
    assert [r.status_code for r in real] == [r.status_code for r in unknown]


def test_many_failures_from_one_address_lock_the_address(api: Api) -> None:
    for i in range(login_guard.ADDRESS_LIMIT):
        _login(api.client, f"guess-{i}", "wrong-password")  # a new name each time: no account reaches 5
    r = _login(api.client, "admin", api.PASSWORD)
    assert r.status_code == 429


def test_rows_whose_window_and_lock_ran_out_are_swept(api: Api) -> None:
    for _ in range(5):
        _login(api.client, "someone-old", "wrong-password")  # locked for 15 minutes
    _login(api.client, "someone-else", "wrong-password")
    api.shift[0] = timedelta(minutes=16)
    _login(api.client, "someone-new", "wrong-password")
    with api.factory() as s:
        keys = set(s.scalars(select(LoginThrottle.key)))
    assert keys == {"user:someone-new", "addr:testclient"}


def test_a_success_clears_the_accounts_failures(api: Api) -> None:
    for _ in range(4):
        _login(api.client, "dsf", "wrong-password")
    assert _login(api.client, "dsf", api.PASSWORD).status_code == 200
    assert _login(api.client, "dsf", "wrong-password").status_code == 401  # counting starts again


def test_argon2_checks_are_bounded(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    slow = Counting(users._hasher, pause=0.1)
    monkeypatch.setattr(users, "_hasher", slow)
    with api.factory() as s:
        stored = users.get_user(s, "admin")
        assert stored is not None
        hashed = stored.password_hash

    def check() -> None:
        users._verify_bounded(hashed, api.PASSWORD)

    threads = [threading.Thread(target=check) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert slow.calls == 8 and slow.most <= users.VERIFY_SLOTS


@pytest.fixture
def all_slots_taken(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(users, "VERIFY_WAIT_SECONDS", 0.05)
    for _ in range(users.VERIFY_SLOTS):
        users._verifying.acquire()
    try:
        yield
    finally:
        for _ in range(users.VERIFY_SLOTS):
            users._verifying.release()


def test_a_sign_in_that_finds_no_free_slot_is_503(api: Api, all_slots_taken: None) -> None:
    r = _login(api.client, "admin", api.PASSWORD)
    assert r.status_code == 503 and "稍后再试" in r.json()["detail"] and r.headers["retry-after"]


def test_logout_ends_a_copied_cookie_and_token(api: Api) -> None:
    r = _login(api.client, "admin", api.PASSWORD)
    token, csrf = r.json()["access_token"], r.json()["csrf_token"]
    copied = api.client.cookies.get("kaoping_session")
    assert copied
    assert api.client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
    with TestClient(api.client.app, cookies={"kaoping_session": copied}) as thief:
        assert thief.get("/api/scores").status_code == 401
    assert api.client.get("/api/scores", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert _login(api.client, "admin", api.PASSWORD).status_code == 200  # signing in again works


def test_logout_by_bearer_ends_the_token(api: Api) -> None:
    headers = api.as_("jiaqu")
    assert api.client.post("/api/auth/logout", headers=headers).status_code == 200
    assert api.client.get("/api/auth/me", headers=headers).status_code == 401


def test_logout_is_audited(api: Api) -> None:
    api.client.post("/api/auth/logout", headers=api.as_("cgj"))
    rows = [r for r in api.audit() if r["action"] == "logout"]
    assert [(r["actor"], r["row_key"]) for r in rows] == [("cgj", "cgj")]


def _cookie(client: TestClient, password: str, **kwargs: Any) -> str:
    r = _login(client, "admin", password, **kwargs)
    assert r.status_code == 200, r.text
    return str(r.headers["set-cookie"]).lower()


def test_the_cookie_is_secure_over_https_and_not_over_http(api: Api) -> None:
    assert "secure" not in _cookie(api.client, api.PASSWORD)
    with TestClient(api.client.app, base_url="https://testserver") as https:
        assert "; secure" in _cookie(https, api.PASSWORD)


def test_forwarded_proto_counts_only_from_a_trusted_proxy(
    api: Api, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    assert "secure" not in _cookie(api.client, api.PASSWORD, headers=forwarded)  # anyone may send the header
    monkeypatch.setenv("KAOPING_TRUSTED_PROXIES", "10.0.0.1, testclient")
    with TestClient(create_app(db_url, secret=SECRET, schemes=SCHEMES)) as behind_proxy:
        assert "; secure" in _cookie(behind_proxy, api.PASSWORD, headers=forwarded)
        _login(behind_proxy, "nobody-here", "wrong-password", headers=forwarded)
    with api.factory() as s:  # the failure was counted against the forwarded client, not the proxy
        assert s.get(LoginThrottle, "addr:203.0.113.9") is not None
        assert s.get(LoginThrottle, "addr:testclient") is None


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("123456789", "至少需要 10 个字符"),
        ("1234567890", "过于常见"),
        ("PASSWORD123", "过于常见"),
        ("my-newuser-pw", "不能包含用户名"),
    ],
)
def test_new_accounts_follow_the_password_policy(api: Api, password: str, message: str) -> None:
    body = {"username": "NewUser", "password": password, "role": "public"}
    r = api.client.post("/api/users", json=body, headers=api.as_("admin"))
    assert r.status_code == 422 and message in r.json()["detail"], r.text
