"""Accounts and roles (用户与角色): who may sign in, and as what.

Passwords are stored only as argon2id hashes (argon2-cffi's ``PasswordHasher``): a leaked database must not
give away passwords that people reuse elsewhere.  A role decides what an account may touch, and some
roles only make sense with a scope — a 被考评单位 account sees its own unit, a 考评部门 or 第三方机构 scores
only its parts — so ``create_user`` refuses an account whose scope is missing instead of letting it see
everything (or nothing) later.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import cache
from typing import NotRequired, TypedDict

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.input_messages import Msg, say
from kaoping.roles import ROLE_NAMES, ROLES, Role
from kaoping.store.tables import Unit, User

__all__ = [
    "COMMON_PASSWORDS",
    "MIN_PASSWORD",
    "PARTS_ALLOWED",
    "PARTS_REQUIRED",
    "ROLES",
    "ROLE_NAMES",
    "LoginBusy",
    "NewAccount",
    "UserError",
    "authenticate",
    "check_password",
    "create_user",
    "get_user",
    "hash_password",
    "verify_password",
]

PARTS_REQUIRED = (Role.DEPARTMENT, Role.THIRD_PARTY)
"""Roles that score only some parts: an account of these roles without parts would be useless or, worse,
be mistaken for an unrestricted one."""
PARTS_ALLOWED = (*PARTS_REQUIRED, Role.INSPECTOR)
"""督查员 may optionally be limited to parts; for the other roles parts mean nothing and are refused."""
MIN_PASSWORD = 10
COMMON_PASSWORDS = frozenset(
    [
        "12345678",
        "123456789",
        "1234567890",
        "0123456789",
        "12345678910",
        "1234567891",
        "11111111",
        "1111111111",
        "00000000",
        "0000000000",
        "88888888",
        "8888888888",
        "66666666",
        "6666666666",
        "123123123",
        "1231231231",
        "147258369",
        "147258369a",
        "987654321",
        "9876543210",
        "password",
        "password1",
        "password123",
        "passw0rd",
        "p@ssw0rd",
        "p@ssword",
        "password12",
        "password1234",
        "qwertyuiop",
        "qwerty123",
        "1qaz2wsx",
        "1qaz2wsx3edc",
        "1q2w3e4r5t",
        "1q2w3e4r5t6y",
        "asdfghjkl",
        "zxcvbnm123",
        "iloveyou",
        "woaini1314",
        "woaini520",
        "5201314520",
        "abc123456",
        "abc1234567",
        "abcd123456",
        "a123456789",
        "aa123456",
        "admin123",
        "admin1234",
        "admin12345",
        "administrator",
        "changeme",
        "welcome1",
        "welcome123",
        "letmein123",
        "qwer1234",
        "asdf1234",
        "zxcv1234",
        "abcdefghij",
        "kaoping123",
        "kaoping1234",
        "kaoping12345",
        "chengguan123",
    ]
)
"""Passwords an attacker tries first (the usual lists' top entries that are 10 characters or more, and the
obvious local ones); compared case-insensitively.  Short on purpose: the length rule does most of the work."""

_hasher = PasswordHasher()
VERIFY_SLOTS = max(1, (os.cpu_count() or 2) // 2)
"""argon2 verifications run at once in this process.  Each costs tens of MiB and a core for a good part of a
second, so a flood of sign-ins would otherwise take every core from the pages; a try waits its turn."""
VERIFY_WAIT_SECONDS = 10.0
_verifying = threading.BoundedSemaphore(VERIFY_SLOTS)


class LoginBusy(RuntimeError):
    """Too many sign-ins are being checked at once; the caller answers 503 and the client tries later."""


@cache
def _dummy_hash() -> str:
    """Verified against when the user is unknown, so a wrong username costs as long as a wrong password and
    the response time does not reveal which usernames exist (made on first use, not at import)."""
    return _hasher.hash("kaoping-timing-equaliser")


class UserError(ValueError):
    """An account that cannot be created as asked (the message says which field and why: ``field: text``),
    in Chinese, with its English twin where it was written from the catalogue."""

    def __init__(self, message: str | tuple[str, str]) -> None:
        zh, en = message if isinstance(message, tuple) else (message, None)
        super().__init__(zh)
        self.message_en = en


def hash_password(password: str) -> str:
    """An argon2id hash with the library's current parameters (``$argon2id$v=19$m=...``)."""
    return _hasher.hash(password)


def check_password(password: str, username: str) -> None:
    """The password policy for a new or changed password (raises :class:`UserError`, message in Chinese):
    at least :data:`MIN_PASSWORD` characters, not one of :data:`COMMON_PASSWORDS`, not containing the username."""
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password: 密码至少需要 {MIN_PASSWORD} 个字符")
    if password.casefold() in COMMON_PASSWORDS:
        raise UserError("password: 密码过于常见，容易被猜中，请换一个")
    name = username.strip().casefold()
    if name and name in password.casefold():
        raise UserError("password: 密码不能包含用户名")


def _verify_bounded(password_hash: str, password: str) -> bool:
    """:func:`verify_password` holding one of the :data:`VERIFY_SLOTS` (raises :class:`LoginBusy` after
    waiting :data:`VERIFY_WAIT_SECONDS` for one)."""
    if not _verifying.acquire(timeout=VERIFY_WAIT_SECONDS):
        raise LoginBusy("too many sign-ins at once")
    try:
        return verify_password(password_hash, password)
    finally:
        _verifying.release()


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; a malformed or foreign hash is a mismatch, never an exception."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


class NewAccount(TypedDict):
    """What an account is created from: the keyword arguments of :func:`create_user`, named once so the
    use case that adds an account (with its audit event) passes them through instead of listing them again."""

    username: str
    password: str
    role: str
    display_name: NotRequired[str]
    unit_id: NotRequired[str | None]
    parts: NotRequired[Sequence[str]]


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    unit_id: str | None = None,
    parts: Sequence[str] = (),
) -> User:
    """Add an account (flushed, so ``id`` is set; the caller commits).

    Checked here rather than left to the database so the message is one an administrator can act on:
    the role must be one of ``ROLES``; role ``unit`` needs an existing ``unit_id`` and only it may have
    one; ``department`` and ``third_party`` need ``parts``; the password must pass
    :func:`check_password`; the username must be new.
    """
    username = username.strip()
    if not username:
        raise UserError(say(Msg.ACCOUNT_NO_NAME))
    if role not in ROLES:
        known = ", ".join(f"{r} ({ROLE_NAMES[r]})" for r in ROLES)
        raise UserError(say(Msg.ACCOUNT_UNKNOWN_ROLE, role=role, known=known))
    named = (ROLE_NAMES[role], str(role))
    if role == Role.UNIT:
        if not unit_id:
            raise UserError(say(Msg.ACCOUNT_NEEDS_UNIT))
        if session.get(Unit, unit_id) is None:
            raise UserError(say(Msg.ACCOUNT_NO_UNIT, unit=unit_id))
    elif unit_id:
        raise UserError(say(Msg.ACCOUNT_UNIT_ONLY, role=named))
    clean_parts = [p.strip() for p in parts if p.strip()]
    if role in PARTS_REQUIRED and not clean_parts:
        raise UserError(say(Msg.ACCOUNT_NEEDS_PARTS, role=named))
    if clean_parts and role not in PARTS_ALLOWED:
        raise UserError(say(Msg.ACCOUNT_NO_PARTS, role=named))
    check_password(password, username)
    if get_user(session, username) is not None:
        raise UserError(say(Msg.ACCOUNT_EXISTS, username=username))
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        display_name=display_name,
        unit_id=unit_id if role == Role.UNIT else None,
        parts=clean_parts,
        active=True,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The account if ``password`` is right and the account active, else None (never says which failed).

    When the stored hash was made with weaker parameters than the current ones it is replaced by a fresh
    hash in the session, so the caller's commit upgrades it — the only moment the plain password is known.
    """
    user = get_user(session, username)
    if user is None:
        _verify_bounded(_dummy_hash(), password)
        return None
    if not _verify_bounded(user.password_hash, password) or not user.active:
        return None
    if _needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """Give ``user`` a new password (policy checked, :class:`UserError` if it fails) and move its session
    version on, so every session and token made before ends; the caller audits and commits."""
    check_password(password, user.username)
    user.password_hash = hash_password(password)
    user.session_version = (user.session_version or 0) + 1


def _needs_rehash(password_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return True


def get_user(session: Session, username: str) -> User | None:
    """The account with this username, active or not."""
    return session.scalars(select(User).where(User.username == username.strip())).first()
