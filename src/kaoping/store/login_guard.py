"""Throttling failed sign-ins (登录失败锁定), per account name and per client address.

Without it anyone may try passwords without end, and since each try costs an argon2 hash a flood of tries
also slows every other request.  So failures are counted per ``user:<name>`` and per ``addr:<ip>`` in a
window; past the limit the key is locked for a while, and a locked key is refused *before* any hash is
computed (the refusal costs one indexed read).  The counts live in the store, not in memory, so every
worker process of ``kaoping serve --workers N`` sees the same lock, and a row is updated under
``FOR UPDATE`` so two workers counting at once do not lose a failure.

Unknown account names are counted and locked like real ones: a lock then says nothing about which names
exist.  An address gets a higher limit than an account: a whole office may sit behind one address.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kaoping.store.db import savepoint
from kaoping.store.tables import LoginThrottle

WINDOW = timedelta(minutes=15)
"""Failures older than this (counted from the window's first one) are forgotten."""
LOCK = timedelta(minutes=15)
"""How long a key stays locked once it reached its limit."""
ACCOUNT_LIMIT = 5
"""Failures of one account name within :data:`WINDOW` that lock it."""
ADDRESS_LIMIT = 20
"""Failures from one client address within :data:`WINDOW` that lock it (higher: shared office NAT)."""


@dataclass(frozen=True)
class Keys:
    """The two things a sign-in is counted against."""

    account: str
    address: str

    @staticmethod
    def of(username: str, address: str) -> Keys:
        # names are compared as typed at sign-in (stripped, case-folded) so 'Admin' and 'admin ' share a count
        return Keys(account=f"user:{username.strip().casefold()[:150]}", address=f"addr:{address[:150]}")

    def limits(self) -> tuple[tuple[str, int], ...]:
        return ((self.account, ACCOUNT_LIMIT), (self.address, ADDRESS_LIMIT))


def locked_until(session: Session, keys: Iterable[str], now: datetime) -> datetime | None:
    """The latest lock still running on any of ``keys``, or None when none is locked."""
    stmt = select(func.max(LoginThrottle.locked_until)).where(
        LoginThrottle.key.in_(list(keys)), LoginThrottle.locked_until > now
    )
    return session.scalar(stmt)


def record_failure(session: Session, keys: Keys, now: datetime) -> datetime | None:
    """Count one failure against both keys (flushed; the caller commits).  Returns the time a lock set by
    this failure ends, None when no key reached its limit."""
    locked: datetime | None = None
    for key, limit in keys.limits():
        row = _row_for_update(session, key, now)
        if now - row.first_at > WINDOW or (row.locked_until is not None and row.locked_until <= now):
            row.failures, row.first_at, row.locked_until = 0, now, None
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = now + LOCK
            row.failures, row.first_at = 0, now
            locked = max(locked or row.locked_until, row.locked_until)
    session.flush()
    return locked


def forget_account(session: Session, keys: Keys) -> None:
    """A successful sign-in clears the account's failures (not the address's: one right password from an
    address must not reset the count of a guessing run from it)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == keys.account))


def sweep(session: Session, now: datetime) -> None:
    """Delete the rows whose window and lock have both run out (flushed; the caller commits at once), so
    names tried once do not pile up.  Rows another transaction holds are skipped, not waited for: a sweep
    running beside a sign-in never deadlocks with it (run it in its own short transaction)."""
    stale = (
        select(LoginThrottle.key)
        .where(
            LoginThrottle.first_at < now - WINDOW,
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= now),
        )
        .with_for_update(skip_locked=True)
    )
    keys = list(session.scalars(stale))
    if keys:
        session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(keys)))


def _row_for_update(session: Session, key: str, now: datetime) -> LoginThrottle:
    """The key's row, locked; made when missing (another worker making it at the same moment is fine)."""
    stmt = select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()
    row = session.scalars(stmt).first()
    if row is not None:
        return row
    try:
        with savepoint(session):
            session.add(LoginThrottle(key=key, failures=0, first_at=now, locked_until=None))
    except IntegrityError:
        pass  # inserted by another worker since the read: take theirs
    row = session.scalars(stmt.execution_options(populate_existing=True)).first()
    assert row is not None
    return row
