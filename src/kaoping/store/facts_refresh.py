"""Bringing facts read earlier up to date with the writes audited since (增量刷新), instead of reading a year
of a city's rows again after every entry.

Every single-row write leaves an audit entry naming the row's kind and natural key; so the rows written
after a known audit id can be fetched by key and swapped into the frames read before.  What cannot be
followed that way — a deletion (the row's id is gone with it), a unit changed, a batch import (one entry
for thousands of rows) — makes :func:`refresh_facts` answer None, and the caller reads everything again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.facts import FILE_NAMES, UNIT_FACTS, Facts, facts_of
from kaoping.facts.columns import ROW, SCHEMAS
from kaoping.facts.snapshot import placed_in
from kaoping.store.case_cells import read_cells
from kaoping.store.columnar import read_frame
from kaoping.store.facts import TABLES, columns
from kaoping.store.tables import AuditEntry

FOLLOWED = frozenset({"insert", "update"})
FACT_KINDS = frozenset(spec.name for spec in UNIT_FACTS)
MAX_KEYS = 5_000
"""More changed rows than this since the last read: reading everything again is as cheap."""


def _written_since(session: Session, since: int) -> dict[str, set[str]] | None:
    """Kind → natural keys of the rows written after audit id ``since``; None when a write cannot be
    followed by key (see the module docstring)."""
    stmt = select(AuditEntry.table_name, AuditEntry.row_key, AuditEntry.action).where(AuditEntry.id > since)
    out: dict[str, set[str]] = {}
    for table, key, action in session.execute(stmt):
        if table == "units" and action != "denied":
            return None
        if table not in FACT_KINDS or action in ("denied", "confirmed"):
            continue  # not a row write (a refusal, a confirmation note, a publication …)
        if action not in FOLLOWED or key.startswith("imports:"):
            return None
        out.setdefault(table, set()).add(key)
    return out if sum(len(keys) for keys in out.values()) <= MAX_KEYS else None


def refresh_facts(session: Session, facts: Facts, since: int, within: tuple[date, date]) -> Facts | None:
    """``facts`` (read with ``within`` when the audit trail ended at ``since``) with every row written since
    replaced by its stored version, or None when only a full read can bring them up to date."""
    written = _written_since(session, since)
    if written is None:
        return None
    frames = {name: getattr(facts, name) for name in FILE_NAMES}
    ours = facts.units.get_column("unit_id").implode()
    cells = facts.case_cells
    if cells is not None and "cases" in written:  # cases kept as cells: read the window's cells again
        cells = read_cells(session, within).filter(pl.col("unit_id").is_in(ours))
        del written["cases"]
    for kind, keys in written.items():
        table = TABLES[kind]
        stmt = select(*[getattr(table, c) for c in columns(kind)], table.id.label(ROW)).where(  # type: ignore[attr-defined]
            table.nkey.in_(sorted(keys))  # type: ignore[attr-defined]
        )
        fresh = read_frame(session, stmt, dict(SCHEMAS[kind]))
        kept = frames[kind].filter(~pl.col(ROW).is_in(fresh.get_column(ROW).implode()))
        placed = fresh.filter(placed_in(kind, *within) & pl.col("unit_id").is_in(ours))
        frames[kind] = pl.concat([kept, placed]).sort(ROW)
    return replace(facts_of(frames, dict(facts.labels)), case_cells=cells)
