"""Results kept, not recomputed (保留结果): the facts the pages rank from, kept per store, scheme and year as
the store's kept cells, and each direct period's units before ranking, so that after one write only the
units it touched are computed again (issue 13, points 1 and 2).

Per store, scheme and year this process keeps the facts of the year's window
(:func:`~kaoping.facts.snapshot.year_window`): the small tables as rows (units, scores, honors, notices,
ranks — a city's year is some tens of thousands of them), cases and deductions as cells
(:mod:`kaoping.store.case_cells`, :mod:`kaoping.store.deduction_cells`), and the deduction rows the
inspection windows exclude (the result lists them).  Each time it is asked it brings the cells up to date
(the triggers' marks), then follows what changed since it last looked:

- case or deduction cells of some months counted again: only those months' cells are read and swapped in,
  and the units whose cells differ are computed again in the direct periods holding those months;
- any other fact written (an audit entry of another table: a score, a unit, a notice …), or a write the
  audit trail cannot follow: everything is read again.

:func:`~kaoping.app.results.scored` ranks from these facts (months from the kept units, quarters and years
combined from kept sub-period results); schemes whose rules the cells cannot express are scored from rows
(:func:`why_not_cells`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.caching import Bounded
from kaoping.cases.cells import month_index
from kaoping.engine.consistency import check_facts
from kaoping.engine.evaluate import DirectUnits, direct_units
from kaoping.engine.result import UnitResult
from kaoping.facts import FILE_NAMES, Facts, facts_from_frames
from kaoping.facts.columns import ROW
from kaoping.facts.snapshot import year_window
from kaoping.periods import Period, parse_period
from kaoping.scheme import Scheme
from kaoping.store import case_cells, deduction_cells
from kaoping.store.facts import load_facts
from kaoping.store.tables import AuditEntry

CELL_TABLES = frozenset({"cases", "deductions"})
"""Writes to these tables reach a ranking through the cells; any other audited write reads everything again."""
NOT_ROW_WRITES = frozenset({"denied", "confirmed"})


@dataclass(frozen=True)
class Kept:
    """One year's kept facts and what was computed from them."""

    facts: Facts
    year: int
    audit: int
    """The highest audit id when the facts were read (or followed)."""
    cases: int
    deductions: int
    """The highest case / deduction cell month versions read."""
    direct: dict[str, dict[str, UnitResult]] = field(default_factory=dict)
    """Direct period → unit → the unit's result before ranking (:func:`~kaoping.engine.evaluate.direct_units`):
    after a write only the units whose cells changed are computed again, the others ranked as kept."""

    def units(self, scheme: Scheme) -> DirectUnits:
        """What the engine asks for each direct period it evaluates on these facts: the kept units (computed
        once, kept for the next evaluation), fresh copies — ranking writes ranks and lines into them."""
        lo, hi = year_months(self.year)

        def given(period: Period) -> list[UnitResult] | None:
            if period.first < lo or period.last > hi:
                return None
            text = str(period)
            units = self.direct.get(text)
            if units is None:
                units = self.direct[text] = {u.unit_id: u for u in direct_units(scheme, self.facts, period)}
            return [_copy(units[uid]) for uid in sorted(units)]

        return given


_kept: Bounded[tuple[str, str, int], Kept] = Bounded(8)


def why_not_cells(scheme: Scheme) -> str | None:
    """Why the kept cells cannot rank ``scheme`` (None: they can).

    A scheme with a standards catalogue (扣分标准) checks every deduction row against the standard when it
    is scored — points, quantity, placement — and refuses the period when a row does not fit; cells keep
    sums, not rows, so such a scheme is ranked from its rows."""
    if scheme.catalogue is not None:
        return f"方案 {scheme.scheme} 有扣分标准：逐条核对扣分记录 (standards catalogue: rows are checked)"
    return None


def _copy(unit: UnitResult) -> UnitResult:
    return replace(unit, lines=list(unit.lines), parts=dict(unit.parts), bonus_detail=dict(unit.bonus_detail))


def _refresh(session: Session) -> None:
    """Bring both kinds of cells up to date and commit that alone (like a page's reader)."""
    counted = case_cells.bring_up_to_date(session) + deduction_cells.bring_up_to_date(session)
    if counted:
        session.commit()


def _store(session: Session) -> str:
    return str(session.get_bind().engine.url)


def kept_year(session: Session, scheme: Scheme, year: int) -> Kept:
    """What this process keeps for ``year``, brought up to date with the store (see the module); checked
    against ``scheme`` as ``score`` checks facts (InputErrors)."""
    return _follow(session, scheme, year)


def kept_facts(session: Session, scheme: Scheme, year: int) -> Facts:
    """The kept facts of ``year``'s window (see the module)."""
    return _follow(session, scheme, year).facts


def _follow(session: Session, scheme: Scheme, year: int) -> Kept:
    """What this process keeps for ``year``, brought up to date with the store (see the module)."""
    _refresh(session)
    key = (_store(session), scheme.scheme, year)
    kept = _kept.get(key)
    head = _audit_head(session)  # read first: a write committed after it is followed next time
    if kept is None or head < kept.audit or not _only_cells_between(session, kept.audit, head):
        return _kept.put(key, _read(session, scheme, year))
    cases = case_cells.month_versions(session, kept.cases)
    deductions = deduction_cells.pair_versions(session, kept.deductions)
    if not cases and not deductions:
        return _kept.put(key, replace(kept, audit=head))
    facts, touched = _swap(session, scheme, year, kept.facts, (list(cases), set(deductions)))
    _check_cells(session, scheme, facts, year)
    newest = (max(cases.values(), default=kept.cases), max(deductions.values(), default=kept.deductions))
    return _kept.put(key, Kept(facts, year, head, *newest, _recomputed(scheme, facts, kept.direct, touched)))


def _recomputed(
    scheme: Scheme, facts: Facts, direct: dict[str, dict[str, UnitResult]], touched: set[tuple[str, int]]
) -> dict[str, dict[str, UnitResult]]:
    """The kept units of each direct period, those whose cells changed in one of its months (``touched``:
    unit, month index) computed again from their own facts alone."""
    out: dict[str, dict[str, UnitResult]] = {}
    for text, units in direct.items():
        period = parse_period(text)
        changed = {u for u, m in touched if period.first <= m <= period.last}
        out[text] = (
            units
            if not changed
            else units | {u.unit_id: u for u in direct_units(scheme, _only(facts, changed), period)}
        )
    return out


def _only(facts: Facts, units: set[str]) -> Facts:
    """``facts`` of ``units`` alone (a unit's result depends on its own rows and cells only)."""
    keep = pl.col("unit_id").is_in(sorted(units))
    frames = {name: getattr(facts, name).filter(keep) for name in FILE_NAMES}
    cases, deductions = facts.case_cells, facts.deduction_cells
    return replace(
        facts,
        **frames,
        case_cells=None if cases is None else cases.filter(keep),
        deduction_cells=None if deductions is None else deductions.filter(keep),
    )


def _audit_head(session: Session) -> int:
    return int(session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0)


def _only_cells_between(session: Session, since: int, head: int) -> bool:
    """Whether every row write audited after ``since`` (up to ``head``) went to a table kept as cells."""
    stmt = select(AuditEntry.table_name, AuditEntry.action).where(AuditEntry.id > since, AuditEntry.id <= head)
    return all(table in CELL_TABLES or action in NOT_ROW_WRITES for table, action in session.execute(stmt))


def year_months(year: int) -> tuple[int, int]:
    """The month indexes [first, last] of ``year``'s window."""
    lo, hi = year_window(year)
    return lo.year * 12 + lo.month - 1, hi.year * 12 + hi.month - 2


def _read(session: Session, scheme: Scheme, year: int) -> Kept:
    """Everything read: the small tables as rows (checked as ``score`` checks them), cases and deductions as
    the window's cells, and the rows the windows exclude."""
    audit = _audit_head(session)
    cases = max(case_cells.month_versions(session).values(), default=0)
    deductions = deduction_cells.newest_version(session)
    facts = load_facts(session, scheme, within=year_window(year), cells=True, no_deductions=True)
    ours = facts.units.get_column("unit_id").implode()
    cells = deduction_cells.read_cells(session, year_months(year)).filter(pl.col("unit_id").is_in(ours))
    excluded = deduction_cells.excluded_rows(session, cells, scheme.inspection_windows)
    facts = replace(facts, deductions=excluded.filter(pl.col("unit_id").is_in(ours)), deduction_cells=cells)
    check_facts(scheme, facts)
    _check_cells(session, scheme, facts, year)
    return Kept(facts, year, audit, cases, deductions)


def _check_cells(session: Session, scheme: Scheme, facts: Facts, year: int) -> None:
    """The checks ``score`` makes of deduction rows that cells can answer — a part the scheme does not
    have, a part not for the unit's group, an item the part does not list — made on each distinct (unit,
    part, item) of the cells; when one fails, the window's rows are read and checked, so the refusal
    (InputErrors) names the rows as ``score`` names them."""
    cells = facts.deduction_cells
    if cells is None or cells.is_empty():
        return
    keys = cells.select("unit_id", "part", "item").unique().with_row_index(ROW, offset=1)
    rows = keys.with_columns(pl.col(ROW).cast(pl.Int64), date=pl.lit(year_window(year)[0]), points=pl.lit(0.0))
    probe = facts_from_frames(units=facts.units, deductions=rows)
    try:
        check_facts(scheme, probe)
    except Exception:
        check_facts(scheme, load_facts(session, scheme, within=year_window(year)))
        raise


def _swap(
    session: Session, scheme: Scheme, year: int, facts: Facts, changed: tuple[list[int], set[tuple[str, int]]]
) -> tuple[Facts, set[tuple[str, int]]]:
    """``facts`` with the case cells of the changed months and the deduction cells (and excluded rows) of the
    changed (unit, month) pairs of the year's window read again, and the (unit, month) pairs that changed."""
    lo, hi = year_months(year)
    ours = facts.units.get_column("unit_id").implode()
    case_months = [m for m in changed[0] if lo <= m <= hi]
    pairs = {(u, m) for u, m in changed[1] if lo <= m <= hi}
    kept_cases, kept_deductions = facts.case_cells, facts.deduction_cells
    touched: set[tuple[str, int]] = set(pairs)
    if case_months and kept_cases is not None:
        fresh = case_cells.cells_of_months(session, case_months).filter(pl.col("unit_id").is_in(ours))
        touched |= _differing(kept_cases, fresh, case_months)
        kept_cases = pl.concat([kept_cases.filter(~pl.col("month").is_in(case_months)), fresh])
    excluded = facts.deductions
    if pairs and kept_deductions is not None:
        fresh = deduction_cells.cells_of_pairs(session, pairs).filter(pl.col("unit_id").is_in(ours))
        wanted = pl.DataFrame(sorted(pairs), schema={"unit_id": pl.String, "month": pl.Int32}, orient="row")
        kept_deductions = pl.concat([kept_deductions.join(wanted, on=["unit_id", "month"], how="anti"), fresh])
        again = deduction_cells.excluded_rows(session, fresh, scheme.inspection_windows)
        placed = excluded.with_columns(month=month_index("date"))
        gone = placed.join(wanted, on=["unit_id", "month"], how="anti").drop("month")
        excluded = pl.concat([gone, again.filter(pl.col("unit_id").is_in(ours))]).sort(ROW)
    swapped = replace(facts, deductions=excluded, case_cells=kept_cases, deduction_cells=kept_deductions)
    return swapped, touched


def _differing(kept: pl.DataFrame, fresh: pl.DataFrame, months: list[int]) -> set[tuple[str, int]]:
    """The (unit, month) pairs of ``months`` whose cells in ``fresh`` are not those ``kept``."""
    before = kept.filter(pl.col("month").is_in(months))
    either = pl.concat(
        [before.join(fresh, on=before.columns, how="anti"), fresh.join(before, on=before.columns, how="anti")]
    )
    return {(u, int(m)) for u, m in either.select("unit_id", "month").unique().iter_rows()}
