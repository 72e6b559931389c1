"""Results the office's pages show, computed from the store and kept while the facts do not change.

A published period is shown as published: its frozen version (:mod:`kaoping.app.frozen`), whatever the
live rows say since.  Other periods show *current* numbers (like ``kaoping score --db``), and a dashboard
asks for a year of periods at once.  Scoring a quarter of a city with 50,000 cases
takes a moment, so a result is cached under the store's data version: the highest audit-trail id (every
fact write leaves an audit row) and the highest case and transition ids (case intake).  Any write changes
the version, so a cached result is never stale; the cache is per process and bounded.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaoping.app import frozen
from kaoping.app.scoring import score_facts
from kaoping.caching import Bounded
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
    version: int | None = None
    """The published version shown (its frozen facts and scheme), or None for live numbers."""


_results: Bounded[tuple[str, str, str, tuple[int, ...]], Scored] = Bounded(MAX_ENTRIES)
_facts: Bounded[tuple[str, str, tuple[int, ...]], Facts] = Bounded(MAX_ENTRIES)


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
    kept = frozen.published_frozen(session, scheme.scheme, text)
    if kept is not None:
        return Scored(kept.scheme, kept.result, kept.facts, kept.version)
    version = data_version(session)
    store = _store_key(session)
    key = (store, scheme.scheme, text, version)
    hit = _results.get(key)
    if hit is not None:
        return hit
    facts = live_facts(session, scheme, version)
    return _results.put(key, Scored(scheme, score_facts(scheme, facts, text), facts))


def live_facts(session: Session, scheme: Scheme, version: tuple[int, ...] | None = None) -> Facts:
    """The store's current facts for ``scheme``, kept under the data version (one copy per scheme)."""
    version = version if version is not None else data_version(session)
    store = _store_key(session)
    key = (store, scheme.scheme, version)
    hit = _facts.get(key)
    if hit is not None:
        return hit
    facts = load_facts(session, scheme)
    _facts.drop(lambda k: k[:2] != (store, scheme.scheme))  # an older version of these facts is never read again
    return _facts.put(key, facts)


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
