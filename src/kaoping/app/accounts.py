"""Accounts (用户): the office adds an account, with its audit event, through the API or the CLI alike;
signing in (throttled, failures audited) and out (every session and token of the account ended); changing
a password (the holder with the current one, or the office as a reset), which ends every other session.

The store (:func:`kaoping.store.users.create_user`) checks the account's scope against its role; here a
refusal becomes invalid input naming the field, and the creation is recorded (who added whom, as what).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Unpack

from sqlalchemy.orm import Session

from kaoping.app.errors import Invalid, NotFound, Problem
from kaoping.app.policy import Perm, Principal, allowed, deny, forbidden
from kaoping.input_messages import Msg, say
from kaoping.store import login_guard
from kaoping.store.audit import AuditWriter
from kaoping.store.tables import User
from kaoping.store.users import NewAccount, UserError, authenticate, check_password, create_user, get_user, set_password


def add_account(session: Session, who: Principal, **account: Unpack[NewAccount]) -> User:
    """Create an account and its audit event, committed; invalid when its scope does not fit its role."""
    try:
        user = create_user(session, **account)
    except UserError as exc:
        field, _, message = str(exc).partition(": ")
        english = exc.message_en.partition(": ")[2] if exc.message_en else None
        problem = Problem(file="request body", row=None, column=field, message=message, message_en=english)
        raise Invalid((str(exc), exc.message_en or str(exc)), [problem]) from exc
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


@dataclass(frozen=True)
class PasswordChange:
    """A new password for ``username``'s account; ``old_password`` None: an office reset (no current one)."""

    username: str
    new_password: str
    old_password: str | None = None
    address: str = ""
    """The caller's address, counted with the account when the current password is wrong (as at sign-in)."""


def _invalid(field: str, message: str) -> Invalid:
    return Invalid(f"{field}: {message}", [Problem(file="request body", row=None, column=field, message=message)])


def change_password(session: Session, who: Principal, change: PasswordChange, now: datetime) -> User:
    """Set a new password, end every session and token of the account made before, audit it (committed).

    The holder of an account changes its password with the current one; the office (``Perm.USERS_WRITE``)
    may also set any account's password without it (a reset: a forgotten password, a departed colleague).
    The new password must pass the policy (:func:`~kaoping.store.users.check_password`).  A wrong current
    password counts as a failed sign-in of the account (and locks it alike), so the form is no way to guess
    it; raises :class:`SignInLocked` while locked, :class:`Invalid` naming the field otherwise.
    """
    if not who.authenticated:
        raise forbidden(who, "change a password")
    own = change.username.strip() == who.username
    office = allowed(who.role, Perm.USERS_WRITE)
    if not own and not office:
        deny(session, who, f"change the password of '{change.username[:100]}'", table="users")
    user = get_user(session, change.username)
    if user is None:
        raise NotFound(say(Msg.NO_ACCOUNT, username=change.username[:100]))
    try:
        check_password(change.new_password, user.username)
    except UserError as exc:
        raise _invalid("new_password", str(exc).partition(": ")[2]) from exc
    if own and not (office and change.old_password is None):
        _check_current(session, user, change, now)
    set_password(user, change.new_password)
    audit = AuditWriter(session, who.actor, reason="password changed" if own else "password reset by the office")
    audit.event("password", "users", user.username, detail={"by": "self" if own else "office", "via": who.via})
    audit.flush()
    session.commit()
    return user


def _check_current(session: Session, user: User, change: PasswordChange, now: datetime) -> None:
    """The holder's current password, checked like a sign-in: refused while locked, a failure counted."""
    if not change.old_password:
        raise _invalid("old_password", "请输入当前密码")
    keys = login_guard.Keys.of(user.username, change.address)
    until = login_guard.locked_until(session, (keys.account, keys.address), now)
    if until is not None:
        raise SignInLocked(until)
    if authenticate(session, user.username, change.old_password) is None:
        locked = login_guard.record_failure(session, keys, now)
        audit = AuditWriter(session, user.username, reason="password change: wrong current password")
        audit.event("login_failed", "users", user.username, detail={"address": change.address, "via": "password"})
        audit.flush()
        session.commit()
        if locked is not None:
            raise SignInLocked(locked)
        raise _invalid("old_password", "当前密码不正确")
    if change.old_password == change.new_password:
        raise _invalid("new_password", "新密码不能与当前密码相同")
    login_guard.forget_account(session, keys)
