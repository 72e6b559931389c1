"""How an Open311 endpoint is configured, and how a request finds its configuration and store.

API keys (GeoReport's ``api_key``, required to POST) come from ``KAOPING_OPEN311_KEYS``: a comma-separated
list of ``name:key`` (or bare ``key``) entries.  An environment list rather than a table, because keys are
handed to a few partner apps (12345 hotline, WeChat mini-program) by the office's administrator, change
rarely, and must be revocable without a database migration or an admin screen; the ``name`` becomes the
actor of the audit row, so the trail says which channel filed a case without storing the secret.  With no
key configured every POST is refused (403): an endpoint is never open by accident.

Public reports have no known responsible unit yet, but a case row must name one (``cases.unit_id`` is a
foreign key to ``units``): ``KAOPING_OPEN311_UNIT`` names the unit that holds reports until the centre
dispatches them — it must already be in the store and in one of the scheme's groups (kaoping never invents
a unit, which would appear in rankings).  Case metrics count cases by dispatch, so an undispatched report
weighs on no unit's rates.

Times: the store keeps naive wall-clock times (数字城管 timestamps are Beijing time), GeoReport wants
offsets; ``KAOPING_OPEN311_TZ`` (default Asia/Shanghai) is the zone those naive times are in.

Channel (案件来源): a filed case's ``channel`` is the client's name (``12345:key`` files 12345 work orders, 工单),
or ``KAOPING_OPEN311_CHANNEL`` for every client when set.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import FastAPI, Request
from sqlalchemy.orm import Session, sessionmaker

from kaoping.cases.calendar import Overrides

KEYS_ENV = "KAOPING_OPEN311_KEYS"
UNIT_ENV = "KAOPING_OPEN311_UNIT"
TZ_ENV = "KAOPING_OPEN311_TZ"
CHANNEL_ENV = "KAOPING_OPEN311_CHANNEL"
"""The channel (案件来源) written on every case filed here (default: the client's name); ``12345`` makes them
12345 work orders (工单)."""
DEFAULT_TZ = "Asia/Shanghai"
MAX_RESULTS = 1000
"""GeoReport's customary cap on one GET requests answer (newest first)."""


def zone(name: str) -> tzinfo:
    """The named zone; China's fixed +08:00 if this machine has no tz database (China keeps no DST)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if name == DEFAULT_TZ:
            return timezone(timedelta(hours=8), "CST")
        raise


def parse_keys(raw: str) -> dict[str, str]:
    """``name:key,key2`` → {key: name}; a bare key is named by its fingerprint."""
    keys: dict[str, str] = {}
    for entry in (e.strip() for e in raw.split(",")):
        if not entry:
            continue
        name, sep, key = entry.partition(":")
        if not sep:
            name, key = fingerprint(entry), entry
        keys[key.strip()] = name.strip()
    return keys


def fingerprint(key: str) -> str:
    return "key-" + hashlib.sha256(key.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Open311Settings:
    api_keys: dict[str, str] = field(default_factory=dict)
    """key → client name."""
    intake_unit: str | None = None
    tz: tzinfo = field(default_factory=lambda: zone(DEFAULT_TZ))
    overrides: Overrides = field(default_factory=Overrides)
    """The office's calendar corrections (调休, local holidays) for expected_datetime."""
    clock: Callable[[], datetime] | None = None
    """Current naive local time; replaceable so tests can fix "now" (default: now in ``tz``)."""
    max_results: int = MAX_RESULTS
    channel: str = ""
    """案件来源 of the cases filed here (:data:`CHANNEL_ENV`, at most 50 characters); empty: the client's name."""

    def now(self) -> datetime:
        if self.clock is not None:
            return self.clock()
        return datetime.now(UTC).astimezone(self.tz).replace(tzinfo=None, microsecond=0)

    def client(self, api_key: str) -> str | None:
        """The client name of ``api_key``, None if it is not one of ours (compared in constant time)."""
        found = None
        for key, name in self.api_keys.items():
            if hmac.compare_digest(key.encode(), api_key.encode()):
                found = name
        return found


def load_settings(
    *,
    api_keys: dict[str, str] | None = None,
    intake_unit: str | None = None,
    tz: str | None = None,
    overrides: Overrides | None = None,
    clock: Callable[[], datetime] | None = None,
    channel: str | None = None,
) -> Open311Settings:
    """Arguments win over the environment, which wins over the defaults (as in kaoping.api)."""
    keys = api_keys if api_keys is not None else parse_keys(os.environ.get(KEYS_ENV, ""))
    unit = intake_unit or os.environ.get(UNIT_ENV, "").strip() or None
    return Open311Settings(
        api_keys=dict(keys),
        intake_unit=unit,
        tz=zone(tz or os.environ.get(TZ_ENV, "").strip() or DEFAULT_TZ),
        overrides=overrides or Overrides(),
        clock=clock,
        channel=_channel(channel or os.environ.get(CHANNEL_ENV, "").strip()),
    )


def _channel(text: str) -> str:
    if len(text) > 50:
        raise ValueError(f"{CHANNEL_ENV}: at most 50 characters (the cases' channel column), got {len(text)}")
    return text


@dataclass(frozen=True)
class Open311Context:
    settings: Open311Settings
    factory: sessionmaker[Session]


def configure(app: FastAPI, factory: sessionmaker[Session], settings: Open311Settings | None = None) -> Open311Context:
    """Give ``app``'s Open311 routes their store and settings (call once, when the app is built)."""
    ctx = Open311Context(settings or load_settings(), factory)
    app.state.open311 = ctx
    return ctx


def context(request: Request) -> Open311Context:
    """The app's Open311 context.  An app that only included the router (the main kaoping API) gets one
    on first use, from the environment and the main app's session factory (``app.state.ctx.factory``)."""
    state = request.app.state
    ctx = getattr(state, "open311", None)
    if ctx is None:
        factory = getattr(getattr(state, "ctx", None), "factory", None)
        if factory is None:
            raise RuntimeError("kaoping.open311: call configure(app, factory) before serving the router")
        ctx = configure(request.app, cast(sessionmaker[Session], factory))
    return cast(Open311Context, ctx)
