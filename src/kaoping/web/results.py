"""Results the office's pages show, computed from the store and kept while the facts do not change.

The dashboard and the unit pages show *current* numbers (like ``kaoping score --db``), not only published
ones, and a dashboard asks for a year of periods at once.  Scoring a quarter of a city with 50,000 cases
takes a moment, so a result is cached under the store's data version: the highest audit-trail id (every
fact write leaves an audit row) and the highest case and transition ids (case intake).  Any write changes
the version, so a cached result is never stale; the cache is per process and bounded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaoping.app.scoring import score_facts
from kaoping.engine.evaluate import UnsupportedPeriod
from kaoping.engine.result import PeriodResult
from kaoping.facts import Facts
from kaoping.periods import Period, PeriodKind, parse_period
from kaoping.scheme import Scheme
from kaoping.store.facts import load_facts
from kaoping.store.tables import AuditEntry, CaseRow, CaseTransition

MAX_ENTRIES = 64


@dataclass(frozen=True)
class Scored:
    """A period's result with the facts it was computed from (pages look rows up by id in them)."""

    scheme: Scheme
    result: PeriodResult
    facts: Facts


_lock = threading.Lock()
_results: OrderedDict[tuple[str, str, str, tuple[int, ...]], Scored] = OrderedDict()
_facts: dict[tuple[str, str, tuple[int, ...]], Facts] = {}


def data_version(session: Session) -> tuple[int, ...]:
    """Changes whenever any fact in the store does (see the module docstring)."""
    return tuple(
        int(session.scalar(select(func.coalesce(func.max(col), 0))) or 0)
        for col in (AuditEntry.id, CaseRow.id, CaseTransition.id)
    )


def _store_key(session: Session) -> str:
    return str(session.get_bind().engine.url)


def scored(session: Session, scheme: Scheme, period: str | Period) -> Scored:
    """The result of ``period`` under ``scheme`` from the store's current facts (cached by data version).

    Raises UnsupportedPeriod, PeriodError or InputErrors like ``kaoping score``.
    """
    text = str(period if isinstance(period, Period) else parse_period(period))
    version = data_version(session)
    store = _store_key(session)
    key = (store, scheme.scheme, text, version)
    with _lock:
        hit = _results.get(key)
        if hit is not None:
            _results.move_to_end(key)
            return hit
        facts = _facts.get((store, scheme.scheme, version))
    if facts is None:
        facts = load_facts(session, scheme)
    result = score_facts(scheme, facts, text)
    out = Scored(scheme, result, facts)
    with _lock:
        stale = [k for k in _facts if k[:2] == (store, scheme.scheme) and k[2] != version]
        for k in stale:
            del _facts[k]
        _facts[(store, scheme.scheme, version)] = facts
        _results[key] = out
        while len(_results) > MAX_ENTRIES:
            _results.popitem(last=False)
    return out


def evaluated_kinds(scheme: Scheme) -> list[PeriodKind]:
    """The period kinds the scheme evaluates, shortest first (month, quarter, year)."""
    order = [PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR]
    return [k for k in order if k in scheme.periods]


def try_scored(session: Session, scheme: Scheme, period: Period) -> Scored | None:
    """Like ``scored`` but None for a period kind the scheme does not evaluate."""
    try:
        return scored(session, scheme, period)
    except UnsupportedPeriod:
        return None
