"""Accounts and roles (用户与角色): who may sign in, and as what.

Passwords are stored only as argon2id hashes (argon2-cffi's ``PasswordHasher``): a leaked database must not
give away passwords that people reuse elsewhere.  A role decides what an account may touch, and some
roles only make sense with a scope — a 被考评单位 account sees its own unit, a 考评部门 or 第三方机构 scores
only its parts — so ``create_user`` refuses an account whose scope is missing instead of letting it see
everything (or nothing) later.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import NotRequired, TypedDict

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.roles import ROLE_NAMES, ROLES, Role
from kaoping.store.tables import Unit, User

__all__ = [
    "MIN_PASSWORD",
    "PARTS_ALLOWED",
    "PARTS_REQUIRED",
    "ROLES",
    "ROLE_NAMES",
    "NewAccount",
    "UserError",
    "authenticate",
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
MIN_PASSWORD = 8

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the user is unknown, so a wrong username costs as long as a wrong password and
    the response time does not reveal which usernames exist (made on first use, not at import)."""
    return _hasher.hash("kaoping-timing-equaliser")


class UserError(ValueError):
    """An account that cannot be created as asked (the message says which field and why)."""


def hash_password(password: str) -> str:
    """An argon2id hash with the library's current parameters (``$argon2id$v=19$m=...``)."""
    return _hasher.hash(password)


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
    one; ``department`` and ``third_party`` need ``parts``; the password needs at least 8 characters;
    the username must be new.
    """
    username = username.strip()
    if not username:
        raise UserError("username: must not be empty")
    if role not in ROLES:
        known = ", ".join(f"{r} ({ROLE_NAMES[r]})" for r in ROLES)
        raise UserError(f"role: unknown role '{role}'; roles: {known}")
    if role == Role.UNIT:
        if not unit_id:
            raise UserError("unit_id: role 'unit' (被考评单位) needs the unit it belongs to")
        if session.get(Unit, unit_id) is None:
            raise UserError(f"unit_id: no unit '{unit_id}' in the store (import units.csv first)")
    elif unit_id:
        raise UserError(f"unit_id: only role 'unit' belongs to a unit, not role '{role}'")
    clean_parts = [p.strip() for p in parts if p.strip()]
    if role in PARTS_REQUIRED and not clean_parts:
        raise UserError(f"parts: role '{role}' ({ROLE_NAMES[role]}) needs the parts (or 'part/item') it scores")
    if clean_parts and role not in PARTS_ALLOWED:
        raise UserError(f"parts: role '{role}' ({ROLE_NAMES[role]}) is not limited to parts; leave parts empty")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"password: needs at least {MIN_PASSWORD} characters")
    if get_user(session, username) is not None:
        raise UserError(f"username: '{username}' already exists")
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
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if _needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.flush()
    return user


def _needs_rehash(password_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return True


def get_user(session: Session, username: str) -> User | None:
    """The account with this username, active or not."""
    return session.scalars(select(User).where(User.username == username.strip())).first()
