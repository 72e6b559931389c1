"""Who a request is, kept for a moment (账号缓存): the account behind a token or session cookie, without a
query per request.

Every API request and every page resolves its caller (``kaoping.api.auth.current_principal``): the token
names an account, and the account's role, scope, ``active`` flag and password fingerprint decide what it
may do.  Loading the account row each time is one query and an ORM object per request; this cache keeps
what those decisions need (:class:`Account`) per username, for :data:`TTL_SECONDS` at most.

Security decides when an entry goes, not speed: a disabled account, a changed role or scope, a new
password or a sign-out must count from the very next request.  So every committed write of a ``users``
row by this process — through any session, the API's, the pages', the CLI's or a test's — drops that
account from every cache of the process at once (SQLAlchemy session events: the usernames flushed are
collected, dropped at the flush and again at the commit, so a request that read the old row between
the two cannot put it back: each drop moves a generation on and a load begun before it is not kept).  An
ORM ``UPDATE``/``DELETE`` statement on users drops every entry.  What this process cannot see — another
worker process of ``kaoping serve --workers N``, or SQL run by hand — counts after :data:`TTL_SECONDS`
at most.
"""

from __future__ import annotations

import hashlib
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from kaoping.store.tables import User
from kaoping.store.users import get_user

TTL_SECONDS = 1.0
"""How long an entry is trusted without a write seen by this process: what another worker's change to an
account may lag behind by.  A second keeps nearly every request of a busy client off the users table."""
_CHANGED = "kaoping.account_cache.changed"
_ALL = "*"


def fingerprint(user: User) -> str:
    """Changes whenever the password or the session version does; reveals nothing usable about the hash."""
    return hashlib.sha256(f"{user.password_hash}\n{user.session_version or 0}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Account:
    """What deciding a request needs of an account: a snapshot, never an ORM object bound to a session."""

    username: str
    role: str
    display_name: str
    unit_id: str | None
    parts: tuple[str, ...]
    active: bool
    fingerprint: str

    @classmethod
    def of(cls, user: User) -> Account:
        parts = tuple(user.parts or ())
        return cls(user.username, user.role, user.display_name, user.unit_id, parts, user.active, fingerprint(user))


class AccountCache:
    """Accounts by username, each kept until :data:`TTL_SECONDS` pass or a write of it is seen."""

    def __init__(self, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.clock = ttl, clock
        self._entries: dict[str, tuple[float, Account]] = {}
        self._generation = 0
        self._lock = threading.Lock()
        _CACHES.add(self)

    def account(self, session: Session, username: str) -> Account | None:
        """The account ``username`` (active or not; None if there is none), from the cache when fresh."""
        now = self.clock()
        with self._lock:
            hit = self._entries.get(username)
            generation = self._generation
        if hit is not None and hit[0] > now:
            return hit[1]
        user = get_user(session, username)
        found = None if user is None else Account.of(user)
        with self._lock:
            if found is not None and user is not None and generation == self._generation and self.ttl > 0:
                self._entries[user.username] = (now + self.ttl, found)
        return found

    def forget(self, usernames: Iterable[str]) -> None:
        """Drop these accounts (``*``: every account); a load begun before is not kept."""
        with self._lock:
            self._generation += 1
            for name in usernames:
                if name == _ALL:
                    self._entries.clear()
                else:
                    self._entries.pop(name, None)


_CACHES: weakref.WeakSet[AccountCache] = weakref.WeakSet()


def _forget_everywhere(usernames: Iterable[str]) -> None:
    names = list(usernames)
    if names:
        for cache in list(_CACHES):
            cache.forget(names)


@event.listens_for(Session, "after_flush")
def _users_flushed(session: Session, _flush: UOWTransaction) -> None:
    """Note (and drop at once) the accounts this flush wrote; the session's lists still show them here."""
    names = {o.username for o in chain(session.new, session.dirty, session.deleted) if isinstance(o, User)}
    if names:
        session.info.setdefault(_CHANGED, set()).update(names)
        _forget_everywhere(names)


@event.listens_for(Session, "do_orm_execute")
def _users_statement(state: ORMExecuteState) -> None:
    """An ORM UPDATE or DELETE statement may change any account: drop all (at once and at the commit)."""
    if (state.is_update or state.is_delete) and any(m.class_ is User for m in state.all_mappers):
        state.session.info.setdefault(_CHANGED, set()).add(_ALL)
        _forget_everywhere([_ALL])


@event.listens_for(Session, "after_commit")
def _users_committed(session: Session) -> None:
    _forget_everywhere(session.info.pop(_CHANGED, ()))


@event.listens_for(Session, "after_rollback")
def _users_rolled_back(session: Session) -> None:
    _forget_everywhere(session.info.pop(_CHANGED, ()))
