"""Writing fact rows through the application with the cells that sum them kept in step (写入即更新汇总格):
the one path a form, ``POST /api/<kind>``, a batch and a deletion share.

A case changed here is counted into the case cells by its own difference (before and after, read under the
row's lock: :mod:`kaoping.store.case_cell_deltas`) instead of recounting its unit's whole month; marks that
other writers left (an import, plain SQL) are counted again as before, and a deduction's (unit, month) is
added up again (a unit's month holds a few dozen deductions, not thousands of cases).
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import polars as pl
from sqlalchemy.orm import Session

from kaoping.store import deduction_cells
from kaoping.store.audit import AuditWriter
from kaoping.store.case_cell_deltas import CellDelta, cell_delta, count_changes, counting_own_changes
from kaoping.store.case_cells import bring_up_to_date
from kaoping.store.facts import Change, WriteCounts, write_facts


def counting(session: Session, kind: str) -> AbstractContextManager[list[Change]]:
    """For cases, :func:`~kaoping.store.case_cell_deltas.counting_own_changes`; other kinds keep no list."""
    return counting_own_changes(session) if kind == "cases" else nullcontext([])


@dataclass(frozen=True)
class Staged:
    """Rows written (under their row locks) but not yet audited nor counted into the cells."""

    counts: WriteCounts
    changes: list[Change]
    delta: CellDelta | None


def write_counted(session: Session, kind: str, frame: pl.DataFrame, audit: AuditWriter, label: str) -> WriteCounts:
    """``write_facts`` (per row, audited), the audit flushed and the cells brought up to date; not committed."""
    return finish_counted(session, kind, audit, stage_counted(session, kind, frame, audit, label))


def stage_counted(session: Session, kind: str, frame: pl.DataFrame, audit: AuditWriter, label: str) -> Staged:
    """The first half of :func:`write_counted`: the rows written and, for cases, their difference to the
    cells worked out — everything that needs no store-wide lock.  Flushing the audit takes the audit chain's
    lock, which every writer waits for, so the Polars work (and whatever else the caller can do between the
    halves) is done while no writer waits on this one."""
    with counting(session, kind) as changes:
        counts = write_facts(session, kind, frame, audit=audit, label=label, changed=changes)
    return Staged(counts, changes, cell_delta(changes) if kind == "cases" and changes else None)


def finish_counted(session: Session, kind: str, audit: AuditWriter, staged: Staged) -> WriteCounts:
    """The second half: the audit flushed (the chain's lock, held to the commit), then the cells."""
    audit.flush()
    cells_up_to_date(session, kind, staged.changes, staged.delta)
    return staged.counts


def cells_up_to_date(session: Session, kind: str, changes: list[Change], delta: CellDelta | None = None) -> None:
    """After a write of ``kind`` (and its audit, whose lock comes first): the cases' own ``changes``
    counted into the cells (``delta``: their difference, if already worked out), then whatever other
    writers marked."""
    if kind == "cases":
        count_changes(session, changes, delta)
        bring_up_to_date(session, held=bool(changes))  # counting changes took the refreshes' lock
    if kind == "deductions":
        deduction_cells.bring_up_to_date(session)
