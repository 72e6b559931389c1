"""Scores owed (应报分数) from the store: what a period still needs, for the office (every unit × item) or for one
department (the parts its account scores, under its own name) — one use case for the CLI, the pages, the
publication check and the bulletin.

The cells come from the scheme (engine/owed.py); here the store says which came in and when.  A row's time is
its first audited write: its import batch's time, else its first ``insert`` entry in the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaoping.app.policy import Principal, part_allowed, scores_as_organisation
from kaoping.engine.aggregate import canonical_parts
from kaoping.engine.owed import (
    Key,
    OwedCell,
    OwedState,
    OwedStatus,
    UnitRef,
    chased_leaves,
    item_key,
    owed_cells,
    states,
)
from kaoping.periods import PeriodError, parse_period, period_of
from kaoping.scheme import Scheme
from kaoping.store.tables import AuditEntry, ImportBatch, ScoreRow, Unit
from kaoping.store.trail_facts import batch_imports

__all__ = ["OwedReport", "owed_report"]


@dataclass(frozen=True)
class OwedReport:
    """A period's owed scores and where each stands; ``scorer``: the department's name, or "" for the office."""

    scheme: Scheme
    period: str
    states: list[OwedState]
    scorer: str = ""

    def count(self, *wanted: OwedStatus) -> int:
        return sum(1 for s in self.states if s.status in wanted)

    @property
    def missing(self) -> list[OwedState]:
        """Scores past their due day and still not in: what blocks publication without a reason."""
        return [s for s in self.states if s.status == OwedStatus.MISSING]

    @property
    def owed(self) -> list[OwedState]:
        """Scores still to come in (missing, or not yet due)."""
        return [s for s in self.states if s.status.owed]

    @property
    def chased(self) -> bool:
        """Whether the scheme chases any part (a scheme without ``due`` owes nothing)."""
        return bool(chased_leaves(self.scheme))


def _units(session: Session) -> list[UnitRef]:
    rows = session.execute(select(Unit.unit_id, Unit.name, Unit.group).order_by(Unit.group, Unit.unit_id))
    return [UnitRef(u, n, g) for u, n, g in rows]


def owed_report(
    session: Session, scheme: Scheme, period: str, *, who: Principal | None = None, today: date | None = None
) -> OwedReport:
    """The scores ``period`` owes; for a department or third party (``who``) only the parts its account
    scores, filled only by rows under its own name — the office (``who`` None or an admin) sees every cell."""
    cells = owed_cells(scheme, _units(session), parse_period(period))
    names = canonical_parts([leaf for leaf, _ in chased_leaves(scheme)])
    scorer = who.scorer_name if who is not None and scores_as_organisation(who) else ""
    if who is not None and scorer:
        cells = [_own(c, scorer) for c in cells if _owes(who, c, names)]
    written = _written(session, names, sorted({c.period for c in cells}))
    return OwedReport(scheme, str(parse_period(period)), states(cells, written, today or date.today()), scorer)


def _owes(who: Principal, cell: OwedCell, names: dict[str, str]) -> bool:
    """A department owes a cell the scheme names it for, or, where the scheme names nobody, one of its parts."""
    if cell.scorer:
        return cell.scorer == who.scorer_name
    return part_allowed(who, cell.part, cell.item, names)


def _own(cell: OwedCell, scorer: str) -> OwedCell:
    """The cell as this department owes it: filled only by a row under its own name."""
    return cell if cell.scorer else replace(cell, scorer=scorer)


def _written(session: Session, names: dict[str, str], periods: list[str]) -> dict[Key, datetime | None]:
    """(unit, part, item, period, source) → when its first row came in, for the rows of the chased parts; each
    row also counts under the scorer "" (cells whose scheme names nobody)."""
    if not periods:
        return {}
    columns = (ScoreRow.unit_id, ScoreRow.part, ScoreRow.item, ScoreRow.period, ScoreRow.source)
    stmt = select(*columns, ScoreRow.nkey, ScoreRow.import_id)
    stmt = stmt.where(ScoreRow.period.in_(periods), ScoreRow.part.in_(list(names)))
    rows = list(session.execute(stmt))
    # the demo's bulk batches (trail_facts.batch_imports) were written at build time, not when entered: unknown
    bulk = batch_imports(session)
    batches = _batch_times(session, {r.import_id for r in rows if r.import_id is not None} - bulk)
    inserted = _insert_times(session, [r.nkey for r in rows if r.import_id is None])
    out: dict[Key, datetime | None] = {}
    for r in rows:
        part, item = item_key(names, r.part, r.item)
        at = batches.get(r.import_id) if r.import_id is not None else inserted.get(r.nkey)
        for key in ((r.unit_id, part, item, r.period, r.source), (r.unit_id, part, item, r.period, "")):
            if key not in out:
                out[key] = at
            elif at is not None and (out[key] is None or at < out[key]):  # type: ignore[operator]
                out[key] = at  # several rows (several scorers): the first one in
    return out


def _batch_times(session: Session, ids: Iterable[int]) -> dict[int, datetime]:
    wanted = list(ids)
    if not wanted:
        return {}
    return dict(session.execute(select(ImportBatch.id, ImportBatch.imported_at).where(ImportBatch.id.in_(wanted))))


def _insert_times(session: Session, keys: list[str]) -> dict[str, datetime]:
    out: dict[str, datetime] = {}
    for start in range(0, len(keys), 500):  # bounded IN lists
        chunk = keys[start : start + 500]
        stmt = (
            select(AuditEntry.row_key, func.min(AuditEntry.at))
            .where(AuditEntry.table_name == "scores", AuditEntry.action == "insert", AuditEntry.row_key.in_(chunk))
            .group_by(AuditEntry.row_key)
        )
        out.update({k: at for k, at in session.execute(stmt)})
    return out


PICKED = 24
"""Periods offered: two years of months is as far back as anyone chases."""
SCANNED = 8
"""Periods looked through for a reminder (the newest first): a department's home page stays quick."""


def periods_offered(session: Session, scheme: Scheme, today: date | None = None) -> list[str]:
    """The periods score rows name and the current one of the scheme's main kind, newest first."""
    found = {str(period_of(today or date.today(), scheme.main_kind))}
    found |= set(session.scalars(select(ScoreRow.period).distinct()))
    valid = []
    for text in found:
        try:
            valid.append(parse_period(text))
        except PeriodError:
            continue
    return [str(p) for p in sorted(valid, key=lambda p: (p.last, -p.first), reverse=True)[:PICKED]]


def first_owing(session: Session, scheme: Scheme, who: Principal, periods: list[str]) -> OwedReport | None:
    """The newest of ``periods`` (the first :data:`SCANNED`) in which ``who`` has scores past due and missing,
    else the newest in which it still owes any: the reminder on a department's home page, and the period its
    应报分数 page opens on."""
    if not chased_leaves(scheme):
        return None
    reports = [owed_report(session, scheme, period, who=who) for period in periods[:SCANNED]]
    return next((r for r in reports if r.missing), None) or next((r for r in reports if r.owed), None)
