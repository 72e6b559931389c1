"""Writing many fact rows at once (批量录入): the use case behind ``POST /api/<kind>/batch`` — a case system
sending its events in bulk, an app syncing what it captured offline.

The rows go through the checks one posted row goes through (:mod:`kaoping.app.facts`): each row's role
rules, then the office's schemes and the entry checks over the whole batch as one frame — which is what
makes a batch cheap: the schemes' checks run once, not once per row — then one ``write_facts`` with an
audit row per written row, the case cells brought up to date, one commit.  All rows or none: a refused
row, a row needing confirmation or two rows with the same key refuse the batch, naming each row by its
place in the list (1, 2, …).  Warnings cannot be confirmed in a batch; such rows are sent one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy.orm import Session

from kaoping.app.context import AppContext
from kaoping.app.errors import Invalid, Problem
from kaoping.app.fact_cells import write_counted
from kaoping.app.facts import API_LABEL, canonical_names, normalise, plausible, validate
from kaoping.app.policy import Principal, check_fact_write, fill_scorer
from kaoping.facts.columns import ROW, SCHEMAS
from kaoping.input_messages import Msg, say
from kaoping.store.audit import AuditWriter
from kaoping.store.facts import columns

MAX_ROWS = 1000
"""Rows one batch may hold: enough to amortise a request, small enough to answer within a second."""
MAX_BYTES = MAX_ROWS * 2048
"""Bytes one batch's body may hold (a row of the widest kind, every text at its longest, is under 2 KiB):
the web layer refuses a longer body before reading it, so no more than this is ever parsed as JSON, and
the row count is then checked as the rows are read."""


@dataclass(frozen=True)
class BatchOutcome:
    """How many rows were new, changed or already as sent."""

    inserted: int
    updated: int
    unchanged: int


def rows_frame(kind: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    """The rows as one frame of ``kind``'s interchange schema, ``_row`` their place in the list (1, 2, …)."""
    cols = columns(kind)
    table = [{c: r.get(c) for c in cols} | {ROW: i} for i, r in enumerate(rows, 1)]
    return pl.DataFrame(table, schema=SCHEMAS[kind])


def write_batch(
    ctx: AppContext, session: Session, who: Principal, kind: str, rows: list[dict[str, Any]], *, reason: str
) -> BatchOutcome:
    """Check every row, then write them all in one transaction (committed here) — or none."""
    if not rows or len(rows) > MAX_ROWS:
        zh, en = say(Msg.BATCH_SIZE, limit=MAX_ROWS, count=len(rows))
        raise Invalid((zh, en), [Problem(f"api:{kind}", None, None, zh, message_en=en)])
    names = canonical_names(ctx)
    for values in rows:
        normalise(kind, values)
        fill_scorer(who, kind, values)
        check_fact_write(session, who, kind, values, names)
    frame = rows_frame(kind, rows)
    validate(ctx, session, kind, frame)
    plausible(ctx, session, kind, frame, None)
    audit = AuditWriter(session, who.actor, reason=reason)
    counts = write_counted(session, kind, frame, audit, API_LABEL)
    session.commit()
    return BatchOutcome(counts.inserted, counts.updated, counts.unchanged)
