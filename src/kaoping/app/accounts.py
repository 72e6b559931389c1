"""Accounts (用户): the office adds an account, with its audit event, through the API or the CLI alike;
signing in (throttled, failures audited) and out (every session and token of the account ended).

The store (:func:`kaoping.store.users.create_user`) checks the account's scope against its role; here a
refusal becomes invalid input naming the field, and the creation is recorded (who added whom, as what).
"""

from __future__ import annotations

from datetime import datetime
from typing import Unpack

from sqlalchemy.orm import Session

from kaoping.app.errors import Invalid, Problem
from kaoping.app.policy import Principal
from kaoping.store import login_guard
from kaoping.store.audit import AuditWriter
from kaoping.store.tables import User
from kaoping.store.users import NewAccount, UserError, authenticate, create_user, get_user


def add_account(session: Session, who: Principal, **account: Unpack[NewAccount]) -> User:
    """Create an account and its audit event, committed; invalid when its scope does not fit its role."""
    try:
        user = create_user(session, **account)
    except UserError as exc:
        field, _, message = str(exc).partition(": ")
        raise Invalid(str(exc), [Problem(file="request body", row=None, column=field, message=message)]) from exc
    audit = AuditWriter(session, who.actor, reason="account created")
    detail = {"role": user.role, "unit_id": user.unit_id, "parts": list(user.parts)}
    audit.event("insert", "users", user.username, unit_id=user.unit_id, detail=detail)
    audit.flush()
    session.commit()
    return user


class SignInLocked(Exception):
    """The account name or the client address is locked after too many failures; ``until`` says till when."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"locked until {until:%Y-%m-%d %H:%M}")
        self.until = until


def sign_in(session: Session, username: str, password: str, address: str, now: datetime) -> User | None:
    """The account when the password is right, None when not (committed either way).

    A locked name or address is refused (:class:`SignInLocked`) before the password is looked at, so a
    guessing run costs no argon2 hash.  A failure is audited and counted against both; the failure that
    reaches a limit locks them and is audited as a lock.  A success clears the account's failures.
    """
    keys = login_guard.Keys.of(username, address)
    until = login_guard.locked_until(session, (keys.account, keys.address), now)
    if until is not None:
        raise SignInLocked(until)
    user = authenticate(session, username, password)
    if user is not None:
        login_guard.forget_account(session, keys)
        session.commit()  # authenticate may also have upgraded the password hash
        return user
    locked = login_guard.record_failure(session, keys, now)
    audit = AuditWriter(session, f"anonymous@{address}", reason="sign-in failed")
    name = username.strip()[:100]
    audit.event("login_failed", "users", name, detail={"address": address})
    if locked is not None:
        detail = {"address": address, "until": locked.isoformat(timespec="minutes")}
        audit.event("login_locked", "users", name, detail=detail)
    audit.flush()
    session.commit()
    login_guard.sweep(session, now)
    session.commit()
    if locked is not None:
        raise SignInLocked(locked)
    return None


def sign_out(session: Session, who: Principal) -> None:
    """End every session and token of the caller's account (the session version moves on), audited."""
    user = get_user(session, who.username) if who.username else None
    if user is None:
        return
    user.session_version = (user.session_version or 0) + 1
    audit = AuditWriter(session, who.actor, reason="signed out")
    audit.event("logout", "users", user.username, detail={"via": who.via})
    audit.flush()
    session.commit()
