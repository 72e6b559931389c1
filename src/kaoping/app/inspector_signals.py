"""督查信号 as a use case: the entries of a month (and the months before it) read from the store, with who
entered each, handed to the pure signals of :mod:`kaoping.engine.signals`.

Who entered a row is what the audit trail says (the account of the row's ``insert`` entry, the latest if
the row was written again; else the account that imported its file); a case verification's is the account
of the transition out of 核查 (verifying → closed or back to disposing).  The photos of a deduction are the
evidence stored against ``deductions:<id>``.  Read only: nothing is written, flagged in the store or deleted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.app.errors import Conflict
from kaoping.app.policy import Perm, Principal, allowed, forbidden
from kaoping.cases.lifecycle import Status
from kaoping.engine.signals import Entry, EntryKind, Signal, SignalKind, Thresholds, months_before, signals
from kaoping.scheme.model import InspectionWindow
from kaoping.store.tables import AuditEntry, CaseRow, CaseTransition, DeductionRow, Evidence, ImportBatch

MAX_ROWS = 200_000
"""At most this many rows of one kind over the months read (the month and the ones before it): a store
holding more in four months is refused with a message rather than read into memory."""
CHUNK = 500
"""Keys per ``IN (…)`` when reading who entered the rows and their photos (well under every driver's limit)."""
TREND_MONTHS = 6
"""The office's page charts the signals of this many months, ending with the month shown."""
UNKNOWN = "（未知）"
"""The entering account of a row neither the trail nor an import batch names."""

T = TypeVar("T")


def _chunks(items: Sequence[T]) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _span(month: str, back: int) -> tuple[date, date]:
    """The first day of the earliest month read and the first day after ``month``."""
    first = months_before(month, back)[0] if back else month
    year, m = (int(x) for x in month.split("-"))
    after = date(year + m // 12, m % 12 + 1, 1)
    return date.fromisoformat(first + "-01"), after


def _bounded(rows: list[T], what: str) -> list[T]:
    if len(rows) > MAX_ROWS:
        raise Conflict(f"所选月份及此前各月的{what}超过 {MAX_ROWS} 条，无法计算督查信号；请联系管理员。")
    return rows


def _inserted(session: Session, *conditions: Any) -> dict[str, str]:
    """Natural key → the account of the latest ``insert`` audit entry of a deduction, among those matching."""
    stmt = (
        select(AuditEntry.row_key, AuditEntry.actor)
        .where(AuditEntry.table_name == "deductions", AuditEntry.action == "insert", *conditions)
        .order_by(AuditEntry.id)
    )
    return {key: actor for key, actor in session.execute(stmt)}


def _entered_by(session: Session, rows: list[Any], months: list[str]) -> dict[str, str]:
    """Natural key → the account that entered the deduction (its latest ``insert``, else its import's).

    The inserts are read by the trail's indexed month (``period``: the row's month when it was written); a
    row not found there (its date changed to another month since) is looked up by key, in chunks."""
    keys = {r.nkey for r in rows}
    found = {k: a for k, a in _inserted(session, AuditEntry.period.in_(months)).items() if k in keys}
    missing = [r.nkey for r in rows if r.nkey not in found and r.import_id is None]
    for part in _chunks(missing):
        found.update(_inserted(session, AuditEntry.row_key.in_(part)))
    batches = sorted({r.import_id for r in rows if r.nkey not in found and r.import_id is not None})
    named = select(ImportBatch.id, ImportBatch.imported_by).where(ImportBatch.id.in_(batches))
    importers: dict[int | None, str] = {batch: by for batch, by in session.execute(named)}
    for r in rows:
        if r.nkey not in found:
            found[r.nkey] = importers.get(r.import_id, UNKNOWN)
    return found


def _photos(session: Session, ids: list[int]) -> dict[int, tuple[int, ...]]:
    """Deduction id → the ids of the photos stored against it (``deductions:<id>``), oldest first: one read
    of every deduction photo's id and target (never the bytes), kept for the rows asked about."""
    wanted, found = set(ids), dict[int, list[int]]()
    stmt = select(Evidence.id, Evidence.target).where(Evidence.target.startswith("deductions:")).order_by(Evidence.id)
    for photo, target in session.execute(stmt):
        key = target.partition(":")[2]
        if key.isdigit() and len(key) <= 18 and int(key) in wanted:
            found.setdefault(int(key), []).append(photo)
    return {key: tuple(value) for key, value in found.items()}


def _deductions(session: Session, first: date, after: date) -> list[Entry]:
    cols = (DeductionRow.id, DeductionRow.nkey, DeductionRow.unit_id, DeductionRow.date, DeductionRow.time)
    stmt = select(*cols, DeductionRow.import_id).where(DeductionRow.date >= first, DeductionRow.date < after)
    rows = _bounded(list(session.execute(stmt.order_by(DeductionRow.id).limit(MAX_ROWS + 1))), "扣分记录")
    months = sorted({r.date.strftime("%Y-%m") for r in rows})
    actors, photos = _entered_by(session, rows, months), _photos(session, [r.id for r in rows])
    return [
        Entry(EntryKind.DEDUCTION, r.id, r.unit_id, actors[r.nkey], r.date, r.time, photos.get(r.id, ())) for r in rows
    ]


def _stamp(at: datetime) -> tuple[date, time]:
    return at.date(), at.time()


def _verifications(session: Session, first: date, after: date) -> list[Entry]:
    """Each transition out of 核查 in the span: the case's row, unit, number and the verifying account."""
    start, end = datetime.combine(first, time()), datetime.combine(after, time())
    stmt = (
        select(CaseRow.id, CaseRow.case_id, CaseRow.unit_id, CaseTransition.actor, CaseTransition.at)
        .join(CaseRow, CaseRow.case_id == CaseTransition.case_id)
        .where(CaseTransition.from_status == Status.VERIFYING.value)
        .where(CaseTransition.at >= start, CaseTransition.at < end)
        .order_by(CaseTransition.id)
        .limit(MAX_ROWS + 1)
    )
    rows = _bounded(list(session.execute(stmt)), "案件核查")
    return [Entry(EntryKind.VERIFICATION, r.id, r.unit_id, r.actor, *_stamp(r.at), key=r.case_id) for r in rows]


def _cases(session: Session, first: date, after: date) -> list[Entry]:
    """Each case reported in the span (who reported it is not kept: the 上报骤降 signal needs no actor)."""
    start, end = datetime.combine(first, time()), datetime.combine(after, time())
    stmt = select(CaseRow.id, CaseRow.case_id, CaseRow.unit_id, CaseRow.reported_at).where(
        CaseRow.reported_at >= start, CaseRow.reported_at < end
    )
    rows = _bounded(list(session.execute(stmt.order_by(CaseRow.id).limit(MAX_ROWS + 1))), "上报案件")
    return [Entry(EntryKind.CASE, r.id, r.unit_id, "", *_stamp(r.reported_at), key=r.case_id) for r in rows]


def read_entries(session: Session, month: str, back: int) -> list[Entry]:
    """The deductions, case verifications and reported cases of ``month`` and the ``back`` months before."""
    first, after = _span(month, back)
    return _deductions(session, first, after) + _verifications(session, first, after) + _cases(session, first, after)


def inspector_signals(
    session: Session,
    who: Principal,
    month: str,
    windows: list[InspectionWindow],
    thresholds: Thresholds,
    kinds: Iterable[SignalKind] = tuple(SignalKind),
) -> list[Signal]:
    """The signals of ``month`` of the ``kinds`` asked for (the office only; others are refused)."""
    return month_view(session, who, month, windows, thresholds, kinds, trend_months=1).signals


@dataclass(frozen=True)
class MonthView:
    """A month's signals, and how many of each kind each of the months up to it had (the page's chart)."""

    signals: list[Signal]
    trend: list[tuple[str, dict[SignalKind, int]]]
    """(month, kind → count), oldest first, ending with the month itself."""


def month_view(
    session: Session,
    who: Principal,
    month: str,
    windows: list[InspectionWindow],
    thresholds: Thresholds,
    kinds: Iterable[SignalKind] = tuple(SignalKind),
    *,
    trend_months: int = TREND_MONTHS,
) -> MonthView:
    """The signals of ``month`` and the counts of the ``trend_months`` months ending with it, from one read
    of the entries (the office only; others are refused)."""
    if not allowed(who.role, Perm.EVIDENCE_SIGNALS):
        raise forbidden(who, "read inspector signals")
    wanted = list(kinds)
    entries = read_entries(session, month, thresholds.drop_months + trend_months - 1)
    trend, found = [], []
    for shown in [*months_before(month, trend_months - 1), month]:
        found = [s for s in signals(entries, shown, windows, thresholds) if s.kind in wanted]
        trend.append((shown, {kind: sum(1 for s in found if s.kind is kind) for kind in wanted}))
    return MonthView(found, trend)
