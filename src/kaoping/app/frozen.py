"""Published versions read as they were published (冻结版本), and what has changed in the store since.

A published ranking is evidence: the public page, the dashboard, the unit pages, the bulletins and the API
must show it the same way for ever.  So a published period is never re-scored from live rows: its result is
the one kept when the version was computed from its facts snapshot with the scheme text stored with it
(:mod:`kaoping.app.version_results`, one row read), or, for a version kept before results were, recomputed
from that snapshot (the same engine on the same frames gives the same numbers, which ``kaoping verify
--period`` proves of both).  The snapshot's facts themselves are read only when a caller needs rows (drift,
the rows an explanation cites, excluded rows, whether cases were evaluated).  Live rows that differ from the
snapshot are *drift* — shown to the office as "库中数据已变化（N 条）" with a way to start a correction, never
silently mixed into the published numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.app.scoring import score_facts
from kaoping.app.version_results import kept_result
from kaoping.caching import Bounded
from kaoping.engine.result import PeriodResult
from kaoping.facts import Facts
from kaoping.facts.snapshot import ChangedRow, changes, within
from kaoping.periods import parse_period
from kaoping.scheme import Scheme, parse_scheme
from kaoping.store import publishing, snapshots
from kaoping.store.tables import FactSnapshot, PublishedResult, SchemeVersion

__all__ = ["Frozen", "SnapshotFacts", "drift", "frozen", "published_frozen", "stored_scheme"]

_results: Bounded[tuple[str, str, str], tuple[Scheme, PeriodResult]] = Bounded(32)
_schemes: Bounded[str, Scheme] = Bounded(32)


@dataclass
class SnapshotFacts:
    """A snapshot's facts, read through the session of the call that made this (the caller's, open while
    it holds the result) on first need and kept here; :func:`kaoping.store.snapshots.snapshot_facts` keeps
    them per process by content address too, so a later call's loader does not unpack them again."""

    session: Session
    snapshot_id: int
    _facts: Facts | None = field(default=None, repr=False)

    def __call__(self) -> Facts:
        if self._facts is None:
            self._facts = snapshots.snapshot_facts(self.session, self.snapshot_id)
        return self._facts


@dataclass(frozen=True)
class Frozen:
    """A version's result as published (kept, or recomputed from its own facts and scheme), with its number
    and status; its facts are read from the snapshot when first asked for (:attr:`facts`).  Made per call
    and valid within the caller's session: what is kept across sessions is the scheme and the result."""

    scheme: Scheme
    result: PeriodResult
    version: int
    result_id: int
    snapshot: SnapshotFacts = field(repr=False)

    @property
    def facts(self) -> Facts:
        """The facts the version was computed from (its snapshot), read now if not yet."""
        return self.snapshot()


def stored_scheme(session: Session, scheme_version_id: int) -> Scheme:
    """The scheme a version was computed with, parsed from the exact text stored with it."""
    row = session.get(SchemeVersion, scheme_version_id)
    if row is None:
        raise LookupError(f"no scheme version {scheme_version_id}")
    label = f"store:{row.name}@{row.sha256[:12]}"
    return _schemes.get_or_make(row.sha256, lambda: parse_scheme(row.text, label, published=True))


def frozen(session: Session, row: PublishedResult) -> Frozen | None:
    """The result of version ``row`` — its kept result, else recomputed from its snapshot — or None for a
    version kept without a snapshot (before snapshots existed).  Cached by content — the snapshot's and the
    scheme text's sha256 and the period — since the result is a function of those alone (a store rebuilt
    under the same ids is never confused)."""
    # the snapshot's address alone: its bytes (megabytes) are read only when the facts are asked for, or
    # when the version has no kept result and is not cached
    found = session.execute(select(FactSnapshot.id, FactSnapshot.sha256).where(FactSnapshot.id == row.snapshot_id))
    snapshot = found.first()
    if snapshot is None:
        return None
    scheme_row = session.get(SchemeVersion, row.scheme_version_id)
    if scheme_row is None:
        raise LookupError(f"no scheme version {row.scheme_version_id}")
    key = (snapshot.sha256, scheme_row.sha256, row.period)
    facts = SnapshotFacts(session, snapshot.id)

    def make() -> tuple[Scheme, PeriodResult]:
        scheme = stored_scheme(session, row.scheme_version_id)
        kept = kept_result(session, row.id, snapshot_sha256=key[0], scheme_sha256=key[1], period=row.period)
        return scheme, kept if kept is not None else score_facts(scheme, facts(), row.period)

    scheme, result = _results.get_or_make(key, make)
    return Frozen(scheme, result, row.version, row.id, facts)


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
