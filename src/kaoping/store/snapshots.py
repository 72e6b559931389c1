"""Facts snapshots in the store: packed facts kept once per content (``fact_snapshots``), and read back.

The packing is :mod:`kaoping.facts.snapshot`'s; here they are only stored under their sha256 (the same facts
computed into a hundred drafts make one row) and turned back into the engine's frames, with a small
per-process cache, since a published version is read on every page that shows it and never changes.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.caching import Bounded
from kaoping.facts import FILE_NAMES, Facts
from kaoping.facts.snapshot import digest, pack, unpack
from kaoping.store.audit import now
from kaoping.store.tables import FactSnapshot

_cache: Bounded[str, Facts] = Bounded(8)


def save(session: Session, facts: Facts, *, scoped: bool, data: bytes | None = None) -> FactSnapshot:
    """The ``fact_snapshots`` row holding ``facts``, added if these bytes are new (``data``: the facts
    already packed, when the caller has them)."""
    data = pack(facts) if data is None else data
    sha = digest(data)
    found = session.scalars(select(FactSnapshot).where(FactSnapshot.sha256 == sha)).first()
    if found is not None:
        return found
    rows = sum(getattr(facts, name).height for name in FILE_NAMES)
    row = FactSnapshot(sha256=sha, data=data, rows=rows, scoped=scoped, created_at=now())
    session.add(row)
    session.flush()
    return row


def snapshot_facts(session: Session, snapshot_id: int) -> Facts:
    """The facts of snapshot ``snapshot_id`` (cached by content address; the bytes are checked against
    their sha256 on first read, so a damaged or edited row is an error, never silently other facts).  When
    they are cached only the address is read, not the bytes."""
    sha = session.scalar(select(FactSnapshot.sha256).where(FactSnapshot.id == snapshot_id))
    hit = None if sha is None else _cache.get(sha)
    if hit is not None:
        return hit
    row = session.get(FactSnapshot, snapshot_id)
    if row is None:
        raise LookupError(f"no facts snapshot with id {snapshot_id}")

    def read() -> Facts:
        if digest(row.data) != row.sha256:
            raise ValueError(
                f"facts snapshot {snapshot_id} does not match its sha256 {row.sha256[:12]}: it was altered"
            )
        return unpack(row.data)

    return _cache.get_or_make(row.sha256, read)
