"""The audit trail as a hash chain (防篡改审计链): each entry carries the hash of the one before it.

An ordinary table can be edited by anyone holding the database file; a chain makes such an edit visible. The
hash of an entry covers its content and the previous entry's hash, so changing, removing or re-ordering any
entry breaks every link after it, and the newest hash (the chain head) printed on a bulletin pins the whole
trail as it was then.  The database refuses UPDATE and DELETE on the table (triggers of migration 0004); the
chain catches what a person with the file could still do by dropping them.

The hashed text is canonical JSON of the entry *as the database gives it back* (JSON values round-tripped,
keys sorted, times to the second), so ``verify_chain`` recomputes exactly what ``link`` wrote.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.store.db import advisory_lock
from kaoping.store.tables import AuditEntry

GENESIS = "0" * 64
"""The previous hash of the first entry: a chain starts from nothing."""

HASHED = ("at", "actor", "action", "table_name", "row_key", "unit_id", "period", "before", "after", "reason")
"""The columns an entry's hash covers (all but its id and the hashes themselves)."""

_CHAIN_LOCK = 7_427_001
"""PostgreSQL advisory lock class: writers of audit entries take turns, so two transactions never chain onto
the same head."""


def entry_hash(prev: str, entry: Mapping[str, Any]) -> str:
    """sha256 of the previous hash and the entry's hashed columns, as canonical JSON."""
    return chained(prev, canonical_text(entry))


def canonical_text(entry: Mapping[str, Any]) -> str:
    """The entry's hashed columns as canonical JSON: what its hash covers besides the previous hash."""
    content = {name: entry.get(name) for name in HASHED}
    at = content["at"]
    content["at"] = at.isoformat(sep=" ", timespec="seconds") if isinstance(at, datetime) else at
    # the JSON columns come back from the database as JSON does: round-trip them the same way first
    return json.dumps(json.loads(json.dumps(content)), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chained(prev: str, canonical: str) -> str:
    """The hash of an entry whose canonical text is ``canonical``, chained onto ``prev``."""
    return hashlib.sha256(f"{prev}\n{canonical}".encode()).hexdigest()


def chain_head(session: Session) -> str:
    """The hash of the newest entry (GENESIS for an empty trail)."""
    found = session.scalars(select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    return found or GENESIS


def link(session: Session, pending: list[dict[str, Any]]) -> None:
    """Give each pending entry (in order) its previous hash and its own, chained onto the stored head.

    On PostgreSQL the transaction first takes the chain's advisory lock, held until it commits, so that
    concurrent writers chain one after the other; SQLite already lets one writer at a time.  Each entry's
    canonical text is built before the lock: under it only the head is read and the hashes chained.
    """
    texts = [canonical_text(entry) for entry in pending]  # the JSON work before the lock others wait on
    advisory_lock(session, _CHAIN_LOCK, "audit-chain")
    prev = chain_head(session)
    for entry, text in zip(pending, texts, strict=True):
        entry["prev_hash"] = prev
        prev = entry["entry_hash"] = chained(prev, text)


@dataclass(frozen=True)
class ChainReport:
    """What a walk of the chain found: how many entries, the head, and the first broken entry if any."""

    entries: int
    head: str
    broken_id: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_id is None


def verify_chain(rows: Iterable[AuditEntry]) -> ChainReport:
    """Walk ``rows`` in id order and recompute every link; stop at the first that does not hold."""
    prev, count = GENESIS, 0
    for row in rows:
        values = {name: getattr(row, name) for name in HASHED}
        if row.prev_hash != prev:
            return ChainReport(count, prev, row.id, "前一条的哈希不符（有记录被删除或调换）")
        if entry_hash(prev, values) != row.entry_hash:
            return ChainReport(count, prev, row.id, "内容与哈希不符（记录被改动）")
        prev, count = row.entry_hash, count + 1
    return ChainReport(count, prev)


def check_trail(session: Session) -> ChainReport:
    """The whole stored trail, checked link by link (streamed: a city's trail has millions of entries)."""
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=5000))
    return verify_chain(rows)
