"""Published versions read as they were published (冻结版本), and what has changed in the store since.

A published ranking is evidence: the public page, the dashboard, the unit pages, the bulletins and the API
must show it the same way for ever.  So a published period is never re-scored from live rows: its result is
recomputed from the version's facts snapshot with the scheme text stored with it (the same engine on the
same frames gives the same numbers, which ``kaoping verify --period`` proves), and live rows that differ
from the snapshot are *drift* — shown to the office as "库中数据已变化（N 条）" with a way to start a
correction, never silently mixed into the published numbers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from kaoping.app.scoring import score_facts
from kaoping.engine.result import PeriodResult
from kaoping.facts import Facts
from kaoping.facts.snapshot import ChangedRow, changes, within
from kaoping.periods import parse_period
from kaoping.scheme import Scheme, parse_scheme
from kaoping.store import publishing, snapshots
from kaoping.store.tables import PublishedResult, SchemeVersion

__all__ = ["Frozen", "drift", "frozen", "published_frozen", "stored_scheme"]

_CACHE_SIZE = 32
_lock = threading.Lock()
_results: OrderedDict[tuple[str, int, int, int], Frozen] = OrderedDict()
_schemes: dict[str, Scheme] = {}


@dataclass(frozen=True)
class Frozen:
    """A version's result recomputed from its own facts and scheme, with its number and status."""

    scheme: Scheme
    result: PeriodResult
    facts: Facts
    version: int
    result_id: int


def stored_scheme(session: Session, scheme_version_id: int) -> Scheme:
    """The scheme a version was computed with, parsed from the exact text stored with it."""
    row = session.get(SchemeVersion, scheme_version_id)
    if row is None:
        raise LookupError(f"no scheme version {scheme_version_id}")
    with _lock:
        hit = _schemes.get(row.sha256)
    if hit is None:
        hit = parse_scheme(row.text, f"store:{row.name}@{row.sha256[:12]}")
        with _lock:
            _schemes[row.sha256] = hit
    return hit


def frozen(session: Session, row: PublishedResult) -> Frozen | None:
    """The result of version ``row`` from its snapshot, or None for a version kept without one (before
    snapshots existed).  Cached per store, version, snapshot and scheme text: a frozen version never
    changes, and an open one recomputed in place (same row) gets a new key when its facts or scheme do."""
    if row.snapshot_id is None:
        return None
    key = (str(session.get_bind().engine.url), row.id, row.snapshot_id, row.scheme_version_id)
    with _lock:
        hit = _results.get(key)
        if hit is not None:
            _results.move_to_end(key)
            return hit
    scheme = stored_scheme(session, row.scheme_version_id)
    facts = snapshots.snapshot_facts(session, row.snapshot_id)
    out = Frozen(scheme, score_facts(scheme, facts, row.period), facts, row.version, row.id)
    with _lock:
        _results[key] = out
        while len(_results) > _CACHE_SIZE:
            _results.popitem(last=False)
    return out


def published_frozen(session: Session, scheme: str, period: str) -> Frozen | None:
    """The published version of (scheme, period) as published, or None when nothing published has a
    snapshot (then callers show live numbers, as before publication)."""
    row = publishing.current(session, scheme=scheme, period=period)
    return frozen(session, row) if row is not None else None


def drift(version: Frozen, live: Facts) -> list[ChangedRow]:
    """Rows dated in the version's period that differ between its snapshot and the store's live facts
    (added, changed or deleted since the computation), in kind and id order."""
    period = parse_period(version.result.period)
    return changes(within(version.facts, period), within(live, period))
