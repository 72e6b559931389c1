"""What every use case needs from the running application: settings, the store, the office's schemes.

Settings are read once, when the application is created (arguments first, then ``KAOPING_*`` environment
variables, then defaults), so a request never sees a half-changed configuration and tests can build
applications with different settings side by side.  Plain data: the API's dependencies that hand it to
an endpoint live in ``api/context.py``.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict, Unpack

from sqlalchemy.orm import Session, sessionmaker

from kaoping.app.account_cache import AccountCache
from kaoping.scheme import Scheme, load_scheme
from kaoping.store.audit import now

log = logging.getLogger("kaoping.api")

DEFAULT_SCHEMES = ("city-1000",)
DEFAULT_APPEAL_DAYS = 7
DEFAULT_ANSWER_DAYS = 7
DEFAULT_TOKEN_SECONDS = 8 * 3600
"""A working day: long enough not to interrupt an office session, short enough that a leaked token dies."""


@dataclass(frozen=True)
class Settings:
    """The configuration of one running application."""

    db_url: str | None
    schemes: tuple[str, ...]
    """Built-in scheme names or scheme files the office runs (``KAOPING_SCHEMES``, comma-separated)."""
    secret: str
    appeal_days: int
    """申诉期: appeals are accepted this many days after a period's first publication."""
    token_seconds: int
    cookie_secure: bool
    """Always mark the session cookie Secure (``KAOPING_COOKIE_SECURE``); otherwise it is marked so when the
    request came over https (directly, or as a trusted proxy's ``X-Forwarded-Proto`` says)."""
    separation_of_duties: bool = True
    """职责分离 (``KAOPING_SEPARATION_OF_DUTIES``, default on): the account that computed a draft may not
    review it, the one that reviewed may not compute it again — a second pair of eyes that is really a
    second person.  Off in the demo, where one office account plays every role."""
    clock: Callable[[], datetime] = now
    answer_days: int = DEFAULT_ANSWER_DAYS
    """The office answers an appeal within this many days of its filing (``KAOPING_ANSWER_DAYS``): the
    deadline the appeals inbox and the to-do panel show."""
    trusted_proxies: frozenset[str] = frozenset()
    """Addresses of the reverse proxies whose ``X-Forwarded-Proto`` / ``X-Forwarded-For`` are believed
    (``KAOPING_TRUSTED_PROXIES``, comma-separated): anyone else could claim any scheme or address."""
    """Current time (naive local, like the store's timestamps); replaceable so tests can move in time."""


def env_flag(name: str, default: bool) -> bool:
    """A yes/no setting from the environment (1/true/yes/on or 0/false/no/off; unset or empty: ``default``).

    Public because the CLI, which builds no application, reads the same variables the same way."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name}={raw!r}: expected 1/true/yes/on or 0/false/no/off")


def separation_of_duties(given: bool | None = None) -> bool:
    """Whether compute and review must be done by different accounts: ``given`` wins, then
    ``KAOPING_SEPARATION_OF_DUTIES``, then on (production is strict unless told otherwise)."""
    return given if given is not None else env_flag("KAOPING_SEPARATION_OF_DUTIES", True)


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r}: expected a whole number") from exc


class Given(TypedDict, total=False):
    """What a caller may set when it creates an application (the rest comes from the environment): the
    keyword arguments of :func:`load_settings`, named once so the factories that end in it
    (``kaoping.server.create_app``) pass them through instead of listing them again."""

    secret: str | None
    schemes: list[str] | tuple[str, ...] | None
    appeal_days: int | None
    clock: Callable[[], datetime] | None
    separation_of_duties: bool | None


def load_settings(db_url: str | None, **given: Unpack[Given]) -> Settings:
    """Arguments win over the environment, which wins over the defaults."""
    schemes, appeal_days = given.get("schemes"), given.get("appeal_days")
    env_schemes = [s.strip() for s in os.environ.get("KAOPING_SCHEMES", "").split(",") if s.strip()]
    chosen = tuple(schemes) if schemes else tuple(env_schemes) or DEFAULT_SCHEMES
    key = given.get("secret") or os.environ.get("KAOPING_SECRET", "")
    if not key:
        # Without a configured secret, sessions and tokens stay valid only while this process runs.
        log.warning("KAOPING_SECRET is not set: using a random secret; sign-ins end when the server restarts")
        key = secrets.token_urlsafe(32)
    return Settings(
        db_url=db_url,
        schemes=chosen,
        secret=key,
        appeal_days=appeal_days if appeal_days is not None else _env_int("KAOPING_APPEAL_DAYS", DEFAULT_APPEAL_DAYS),
        token_seconds=_env_int("KAOPING_TOKEN_SECONDS", DEFAULT_TOKEN_SECONDS),
        cookie_secure=os.environ.get("KAOPING_COOKIE_SECURE", "").lower() in ("1", "true", "yes"),
        separation_of_duties=separation_of_duties(given.get("separation_of_duties")),
        clock=given.get("clock") or now,
        answer_days=_env_int("KAOPING_ANSWER_DAYS", DEFAULT_ANSWER_DAYS),
        trusted_proxies=frozenset(
            a.strip() for a in os.environ.get("KAOPING_TRUSTED_PROXIES", "").split(",") if a.strip()
        ),
    )


@dataclass(frozen=True)
class OfficeScheme:
    """A scheme the office runs: where it comes from (name or file) and the parsed scheme."""

    source: str
    scheme: Scheme


@dataclass(frozen=True)
class AppContext:
    """The running application as a use case sees it (考评办's configuration, store and schemes)."""

    settings: Settings
    factory: sessionmaker[Session]
    schemes: dict[str, OfficeScheme]
    """By declared scheme name (what results are filed and addressed under)."""
    accounts: AccountCache = field(default_factory=AccountCache, compare=False)
    """Who a request is, kept for a moment (:mod:`kaoping.app.account_cache`)."""


def load_office_schemes(sources: tuple[str, ...]) -> dict[str, OfficeScheme]:
    """Load every configured scheme now, so a typo in KAOPING_SCHEMES stops the server at start."""
    out: dict[str, OfficeScheme] = {}
    for source in sources:
        scheme = load_scheme(source)
        out[scheme.scheme] = OfficeScheme(source, scheme)
    return out
