"""Tables of the deduction cells (扣分汇总格, :mod:`kaoping.engine.deduction_cells`): migration 0018_deduction_cells.

Kept beside ``tables.py`` (which is near its size limit) on the same ``Base``, like the case cells' three
tables: the cells, when each unit's cells of a month last changed, and the (unit, month) pairs a change of the
``deductions`` table has made stale (left by its triggers, cleared by :mod:`kaoping.store.deduction_cells`);
and the writers that count their own case changes into the case cells (migration 0020_case_cell_writers).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kaoping.store.tables import Base


class DeductionCell(Base):
    """One unit's deductions of one month, part, item and clock class: their points (millionths) and count."""

    __tablename__ = "deduction_cells"
    unit_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    part: Mapped[str] = mapped_column(String(100), primary_key=True)
    item: Mapped[str] = mapped_column(String(200), primary_key=True)
    clock: Mapped[int] = mapped_column(Integer, primary_key=True)
    points: Mapped[int] = mapped_column(BigInteger)
    n: Mapped[int] = mapped_column(BigInteger)


class DeductionCellStamp(Base):
    """When a unit's deduction cells of a month last changed: a counter over all pairs, so a reader that
    kept the cells reads again only the (unit, month) pairs added up since (a month's other units stay)."""

    __tablename__ = "deduction_cell_stamps"
    unit_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, index=True)


class DeductionCellMark(Base):
    """A (unit, month) whose deduction cells no longer match its rows: left by a trigger in the transaction
    that changed a deduction, cleared by whoever brings the cells up to date."""

    __tablename__ = "deduction_cell_marks"
    unit_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)


class CaseCellWriter(Base):
    """A writer counting its own changes of ``cases`` into the case cells (:mod:`kaoping.store.case_cell_deltas`):
    its row, never committed, tells the cells' triggers not to mark what it changes (migration 0020)."""

    __tablename__ = "case_cell_writers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
