"""The account behind a request is cached (kaoping.app.account_cache, issue 13 point 4), and a disabled
account, a changed role or a new password still counts from the very next request — on both stores."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from kaoping.app import account_cache
from kaoping.app.account_cache import AccountCache
from kaoping.store.tables import User


def _change(api: Any, username: str, **values: Any) -> None:
    """Change an account through a session of its own, as another use case (or the CLI in this process) would."""
    with api.factory() as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        for name, value in values.items():
            setattr(user, name, value)
        s.commit()


def test_the_account_is_read_once_for_many_requests(api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    headers = api.as_("dcy")
    calls: list[str] = []
    real = account_cache.get_user
    monkeypatch.setattr(account_cache, "get_user", lambda s, name: calls.append(name) or real(s, name))
    for _ in range(5):
        assert api.client.get("/api/auth/me", headers=headers).status_code == 200
    assert calls == ["dcy"]


def test_a_disabled_account_is_refused_at_once(api: Any) -> None:
    headers = api.as_("dcy")
    assert api.client.get("/api/auth/me", headers=headers).status_code == 200
    _change(api, "dcy", active=False)
    assert api.client.get("/api/auth/me", headers=headers).status_code == 401
    _change(api, "dcy", active=True)
    assert api.client.get("/api/auth/me", headers=headers).status_code == 200


def test_a_changed_role_counts_at_once(api: Any) -> None:
    headers = api.as_("dcy")
    row = api.deduction_row() | {"reason": "督查"}
    assert api.client.post("/api/deductions", json=row, headers=headers).status_code == 201
    _change(api, "dcy", role="public")
    assert api.client.get("/api/auth/me", headers=headers).json()["role"] == "public"
    row = api.deduction_row(problem="井盖缺失") | {"reason": "督查"}
    assert api.client.post("/api/deductions", json=row, headers=headers).status_code == 403


def test_a_new_password_ends_the_old_token_at_once(api: Any) -> None:
    old = api.as_("dcy")
    assert api.client.get("/api/auth/me", headers=old).status_code == 200
    body = {"old_password": api.PASSWORD, "new_password": "another-pass-77"}
    r = api.client.post("/api/auth/password", json=body, headers=old)
    assert r.status_code == 200, r.text
    assert api.client.get("/api/auth/me", headers=old).status_code == 401
    new = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert api.client.get("/api/auth/me", headers=new).status_code == 200


def test_a_bulk_update_of_users_drops_every_entry(api: Any) -> None:
    headers = api.as_("dcy")
    assert api.client.get("/api/auth/me", headers=headers).status_code == 200
    with api.factory() as s:
        s.execute(update(User).where(User.username == "dcy").values(active=False))
        s.commit()
    assert api.client.get("/api/auth/me", headers=headers).status_code == 401


def test_a_change_this_process_cannot_see_counts_after_the_ttl(api: Any) -> None:
    """SQL run outside the ORM (or by another worker process) is seen when the entry expires."""
    clock = [0.0]
    cache = AccountCache(ttl=1.0, clock=lambda: clock[0])
    with api.factory() as s:
        found = cache.account(s, "dcy")
        assert found is not None and found.active
    with api.factory.kw["bind"].begin() as conn:  # a plain connection: no session, no ORM event
        conn.execute(User.__table__.update().where(User.__table__.c.username == "dcy").values(active=False))
    with api.factory() as s:
        assert cache.account(s, "dcy") == found  # within the second: the entry stands
        clock[0] = 1.5
        again = cache.account(s, "dcy")
        assert again is not None and not again.active


def test_a_load_overtaken_by_a_write_is_not_kept(api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = AccountCache(ttl=60.0)
    real = account_cache.get_user

    def racing(s: Any, name: str) -> Any:
        user = real(s, name)
        cache.forget([name])  # a write of the account committed while this request was reading it
        return user

    monkeypatch.setattr(account_cache, "get_user", racing)
    with api.factory() as s:
        assert cache.account(s, "dcy") is not None
    calls: list[str] = []
    monkeypatch.setattr(account_cache, "get_user", lambda s, name: calls.append(name) or real(s, name))
    with api.factory() as s:
        cache.account(s, "dcy")
    assert calls == ["dcy"]  # read again: the overtaken load was not kept
