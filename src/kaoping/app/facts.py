"""Writing one fact row (录入一行): validated against the office's schemes, written by ``write_facts``, audited.

The use case behind ``POST /api/<kind>``, the unit endpoints and the entry page's recent rows; it raises
domain errors (invalid input with its problems, not found, conflict) that each edge answers its own way.

A posted row becomes a one-row frame of the interchange schema (``_row`` 0: it has no spreadsheet row)
and goes through the same ``write_facts`` as an import, so it is matched on its natural key (posting the
same key again updates the row) and leaves the same audit row.

Validation gives the answer of ``check_facts`` on the store's facts as far as they bear on the row — the unit
it names and the row itself — looked up in sets precomputed per scheme (:mod:`kaoping.app.row_checks`). Every
check of ``check_facts`` is about one row and its unit except duplicate natural keys (``duplicate_keys``: a
rank's (period, unit, task), a case's case_id...), which cannot arise here because a second post of a key
updates the first. Checking the whole store instead would report old problems of other rows, and could push
the new row's own problem past the 50 errors kept. A row is accepted when one of the office's schemes accepts
it (an office running a district plan and a street plan takes rows meant for either).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any, Literal

import polars as pl
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kaoping.app import entry_checks
from kaoping.app.context import AppContext
from kaoping.app.errors import Conflict, Invalid, NeedsConfirmation, NotFound, Problem, problems_of
from kaoping.app.fact_cells import cells_up_to_date, counting, finish_counted, stage_counted
from kaoping.app.policy import Principal, check_fact_write, fill_scorer
from kaoping.app.row_checks import check_rows, sets_for
from kaoping.app.unit_names import one_unit
from kaoping.engine.aggregate import canonical_parts
from kaoping.facts import FILE_NAMES, UNIT_FACTS
from kaoping.facts.columns import EXPECTED, FILES, ROW, SCHEMAS, Kind
from kaoping.facts.kinds import spec_of
from kaoping.input_messages import Msg, quoted, say
from kaoping.periods import Period, PeriodError, parse_period, period_keys
from kaoping.store.audit import AuditWriter
from kaoping.store.db import get_or_raise
from kaoping.store.facts import TABLES, audit_value, columns, natural_keys
from kaoping.store.tables import AuditEntry, Base, ImportBatch, Unit

DATE_COLUMN = {s.name: s.time_column for s in UNIT_FACTS if s.time_column and s.time_column != "period"}
API_LABEL = "api"
Action = Literal["insert", "update", "unchanged"]


def normalise(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """Periods written the one way the engine keys them (2024-q2 → 2024-Q2), else a 422 naming the field;
    times with a zone turned into this server's local time, as every time in the store is kept."""
    for name, value in values.items():
        if isinstance(value, datetime) and value.tzinfo is not None:
            values[name] = value.astimezone().replace(tzinfo=None)
        elif isinstance(value, time) and value.tzinfo is not None:
            values[name] = value.replace(tzinfo=None)
    if "period" in values:
        try:
            values["period"] = str(parse_period(str(values["period"])))
        except PeriodError as exc:
            zh, en = say(Msg.NOT_A_PERIOD, value=quoted(str(values["period"])), expected=EXPECTED[Kind.PERIOD])
            problem = Problem(f"api:{kind}", 0, "period", zh, None, en)
            raise Invalid((zh, en), [problem]) from exc
    return values


def one_row(kind: str, values: dict[str, Any]) -> pl.DataFrame:
    """The row as a frame of the interchange schema of ``kind``.  An optional column the caller does not
    name (one added to the contract after the caller was written: a deduction's problem_kind) reads as
    the empty cell of a file would, so every caller keeps writing rows the store accepts."""
    empty = {c.name: _EMPTY.get(c.kind) for c in FILES[kind] if c.optional}
    row = {c: values[c] if c in values else empty.get(c) for c in columns(kind)} | {ROW: 0}
    return pl.DataFrame([row], schema=SCHEMAS[kind])


_EMPTY: dict[Kind, object] = {Kind.TEXT: "", Kind.FLAG: True, Kind.COUNT: 0, Kind.TIMES: 0}
"""What an empty cell of an optional column stands for (as ``facts.columns.default_value``)."""


def canonical_names(ctx: AppContext) -> dict[str, str]:
    """Every part name or alias of the office's schemes → the part's own name."""
    names: dict[str, str] = {}
    for office in ctx.schemes.values():
        names.update(canonical_parts(office.scheme.all_parts()))
    return names


def _unit_groups(session: Session, unit_ids: list[str]) -> dict[str, str]:
    """The group of each of these units the store has (one unit: from the session's identity map, where
    resolving its name has just put it); sorted by id, the order their problems are reported in."""
    if len(unit_ids) == 1:
        found = session.get(Unit, unit_ids[0])
        return {} if found is None else {found.unit_id: found.group}
    stmt = select(Unit.unit_id, Unit.group).where(Unit.unit_id.in_(unit_ids)).order_by(Unit.unit_id)
    return {unit_id: group for unit_id, group in session.execute(stmt)}


def problems(ctx: AppContext, session: Session, kind: str, frame: pl.DataFrame) -> list[Problem]:
    """Why the rows fit none of the office's schemes; empty when one of them accepts them all.

    The answer of ``check_facts`` on the rows and their units, found from sets precomputed per scheme
    (:mod:`kaoping.app.row_checks`) instead of frame operations on a one-row file."""
    labels = {name: f"db:{name}" for name in FILE_NAMES} | {kind: f"api:{kind}"}
    rows = frame.rows(named=True)
    groups: dict[str, str] = {}
    if kind != "units":
        groups = _unit_groups(session, sorted({str(r["unit_id"]) for r in rows if r["unit_id"] is not None}))
        unknown = [r for r in rows if r["unit_id"] is not None and r["unit_id"] not in groups]
        if unknown:
            found_unknown: list[Problem] = []
            for r in unknown:
                zh, en = say(Msg.UNIT_UNKNOWN, value=quoted(str(r["unit_id"])), closest="")
                found_unknown.append(Problem(labels[kind], r[ROW], "unit_id", zh, None, en))
            return found_unknown
    found: list[Problem] = []
    for name, office in ctx.schemes.items():
        errors = check_rows(sets_for(office.scheme), kind, rows, groups, labels)
        if not errors:
            return []
        found += problems_of(errors, name)
    return found


def validate(ctx: AppContext, session: Session, kind: str, frame: pl.DataFrame) -> None:
    found = problems(ctx, session, kind, frame)
    if found:
        schemes = ", ".join(ctx.schemes)
        raise Invalid(say(Msg.ROW_FITS_NO_SCHEME, kind=kind, schemes=schemes), found)


@dataclass
class Outcome:
    action: Action
    row: Base


def write_row(session: Session, kind: str, frame: pl.DataFrame, *, actor: str, reason: str) -> Outcome:
    """``write_facts`` with an audit writer for ``actor``; flushed, not committed.  The row is read back
    between the write and the audit's flush: its values are final then, and the read is not made while
    holding the audit chain's lock that every other writer waits for."""
    audit = AuditWriter(session, actor, reason=reason)
    staged = stage_counted(session, kind, frame, audit, API_LABEL)
    table: Any = TABLES[kind]
    stored: Base | None
    if kind == "units":
        stored = session.get(Unit, frame.item(0, "unit_id"), populate_existing=True)
    else:
        key = natural_keys(kind, frame).item(0)
        stmt = select(table).where(table.nkey == key).execution_options(populate_existing=True)
        stored = session.scalars(stmt).one()
    assert stored is not None
    counts = finish_counted(session, kind, audit, staged)
    action: Action = "insert" if counts.inserted else "update" if counts.updated else "unchanged"
    return Outcome(action, stored)


def write_fact(
    ctx: AppContext,
    session: Session,
    who: Principal,
    kind: str,
    values: dict[str, Any],
    *,
    reason: str,
    confirm: bool = False,
) -> Outcome:
    """The whole single-row write: normalise, the row-level rules of the policy (a refusal is denied and
    recorded), the office's schemes, the entry checks, then ``write_facts`` with its audit row — committed
    here.  ``confirm`` with a non-empty ``reason`` accepts the entry checks' warnings (never a refusal)."""
    outcome = stage_fact(ctx, session, who, kind, values, reason=reason, confirm=confirm)
    session.commit()
    return outcome


def stage_fact(
    ctx: AppContext,
    session: Session,
    who: Principal,
    kind: str,
    values: dict[str, Any],
    *,
    reason: str,
    confirm: bool = False,
) -> Outcome:
    """:func:`write_fact` up to the commit (flushed only): for a use case that writes more in the same
    transaction, such as a deduction with its photo (:mod:`kaoping.app.deduction_photo`)."""
    normalise(kind, values)
    if "unit_id" in values and kind != "units":  # a unit's name stands for its id, as in a file
        values["unit_id"] = one_unit(session, kind, str(values["unit_id"]))
    fill_scorer(who, kind, values)
    check_fact_write(session, who, kind, values, canonical_names(ctx))
    frame = one_row(kind, values)
    validate(ctx, session, kind, frame)
    found = plausible(ctx, session, kind, frame, reason if confirm else None)
    audited = entry_checks.audit_reason(reason, found, reason if confirm else None)
    outcome = write_row(session, kind, frame, actor=who.actor, reason=audited)
    entry_checks.record_confirmation(session, who.actor, kind, f"api:{kind}", found, reason if confirm else None)
    return outcome


def plausible(
    ctx: AppContext, session: Session, kind: str, frame: pl.DataFrame, confirm_reason: str | None
) -> entry_checks.Findings:
    """The entry checks on the row (:mod:`kaoping.app.entry_checks`): refused rows are invalid; warnings
    stand as a conflict until a reason confirms them.  Returns what was found (for the audit reason)."""
    schemes = [office.scheme for office in ctx.schemes.values()]
    found = entry_checks.check_rows(
        session, kind, frame, label=f"api:{kind}", schemes=schemes, now=ctx.settings.clock()
    )
    if found.refused_total:
        first = found.refused[0]
        said = say(Msg.ROW_REFUSED, kind=kind, reason=(first.message, first.message_en))
        raise Invalid(said, [p.problem() for p in found.refused])
    if found.needs_confirmation(confirm_reason):
        message = say(Msg.ROW_NEEDS_CONFIRMATION, kind=kind)
        raise NeedsConfirmation(message, [p.problem() for p in found.warnings])
    return found


def unit(session: Session, unit_id: str) -> Unit:
    """The evaluated unit (考评对象) ``unit_id``; not found if the store has none."""
    return get_or_raise(session, Unit, unit_id, NotFound((f"没有考评对象 “{unit_id}”", f"no unit '{unit_id}'")))


def save_unit(
    ctx: AppContext, session: Session, who: Principal, values: dict[str, Any], *, reason: str, new: bool
) -> Outcome:
    """Add (``new``) or change a unit — a conflict if it exists already / not found if it does not — checked
    against the office's schemes (its group must be one of theirs), audited and committed."""
    unit_id = str(values["unit_id"])
    if new and session.get(Unit, unit_id) is not None:
        raise Conflict(say(Msg.UNIT_EXISTS, unit=unit_id))
    if not new:
        unit(session, unit_id)
    frame = one_row("units", values)
    validate(ctx, session, "units", frame)
    outcome = write_row(session, "units", frame, actor=who.actor, reason=reason)
    session.commit()
    return outcome


def _period_filter(kind: str, period: Period) -> ColumnElement[bool]:
    table: Any = TABLES[kind]
    if kind in ("scores", "ranks"):
        return table.period.in_(period_keys(period))  # type: ignore[no-any-return]
    col = getattr(table, DATE_COLUMN[kind])
    start, end = period.start(), period.end_exclusive()
    if kind == "cases":
        return (col >= datetime.combine(start, time())) & (col < datetime.combine(end, time()))  # type: ignore[no-any-return]
    return (col >= start) & (col < end)  # type: ignore[no-any-return]


def query_rows(
    kind: str,
    *,
    unit_id: str | None,
    period: str | None,
    written_by: str | None,
    limit: int,
    offset: int,
) -> Select[Any]:
    """Rows of ``kind``; ``written_by``: only rows that account inserted or updated (per the audit trail: a
    row's own entry, or — for rows an import wrote, audited once per batch — the account's import batch)."""
    table: Any = TABLES[kind]
    stmt: Select[Any] = select(table)
    if unit_id is not None:
        stmt = stmt.where(table.unit_id == unit_id)
    if period is not None:
        try:
            stmt = stmt.where(_period_filter(kind, parse_period(period)))
        except PeriodError as exc:
            raise Invalid(say(Msg.BAD_PERIOD, reason=str(exc))) from exc
    if written_by is not None:
        mine = select(AuditEntry.row_key).where(
            AuditEntry.actor == written_by,
            AuditEntry.table_name == kind,
            AuditEntry.action.in_(("insert", "update")),
        )
        batches = select(ImportBatch.id).where(ImportBatch.imported_by == written_by)
        stmt = stmt.where(table.nkey.in_(mine) | table.import_id.in_(batches))
    return stmt.order_by(table.id).limit(limit).offset(offset)


def delete_row(session: Session, kind: str, row_id: int, *, actor: str, reason: str) -> dict[str, Any]:
    """Delete one fact row with an audit row holding what it was; not found if absent, a conflict if still
    referred to.

    Deleting is not one of ``write_facts``'s operations (an import never deletes), hence here; the audit
    row is written in the same transaction, so the rule "no change without its audit row" still holds.
    """
    table: Any = TABLES[kind]
    row = get_or_raise(
        session,
        table,
        row_id,
        NotFound((f"没有编号为 {row_id} 的{spec_of(kind).label}记录", f"no {kind} row with id {row_id}")),
    )
    values = {c: getattr(row, c) for c in columns(kind)}
    before = {c: audit_value(v) for c, v in values.items()}
    key = str(row.nkey)
    try:
        with counting(session, kind) as changes:
            session.delete(row)
            session.flush()
            changes.append((values, None))
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(say(Msg.ROW_STILL_REFERRED, kind=kind, id=row_id)) from exc
    audit = AuditWriter(session, actor, reason=reason)
    audit.row("delete", kind, key, values, before, None)
    audit.flush()
    cells_up_to_date(session, kind, changes)
    return before
