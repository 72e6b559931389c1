"""我的录入: an account changes or deletes a fact row it entered, with a reason, while its period is open.

The rule is the policy table's (:func:`kaoping.app.policy.row_change_refusal`): the office may change any
row; everyone else only rows they entered themselves (the row's latest ``insert`` in the audit trail, or
the import batch it came with), and only while no published result covers the row's period.  A change
goes through :func:`kaoping.app.facts.write_fact` (the same checks as a new entry); one that changes the
natural key (a deduction's problem text, say) is a delete of the old row plus a new row, in one
transaction.  Both are audited with the reason.

Race-safe by a version check under a row lock: the form carries the row's :func:`version` as it was
shown; the write locks the row, and if its values changed meanwhile (another edit won) it is a
:class:`Conflict` with a message to reload — never a lost update.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any, NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.app import facts
from kaoping.app.context import AppContext
from kaoping.app.errors import Conflict, Denied, DomainError, Invalid, NotFound
from kaoping.app.policy import (
    WRITE_KIND_PERMS,
    Principal,
    RowRefusal,
    allowed,
    deny,
    fill_scorer,
    row_change_refusal,
    row_refusal,
)
from kaoping.facts.kinds import spec_of
from kaoping.periods import PeriodError, parse_period
from kaoping.store.db import get_for_update, get_or_raise
from kaoping.store.facts import TABLES, audit_value, columns, natural_keys
from kaoping.store.publishing import published_periods
from kaoping.store.tables import AuditEntry, FactMixin, ImportBatch

STALE = "这条记录已被修改（可能是另一位用户刚刚保存了修改），请刷新页面，看过最新内容后再改。"
NEEDS_REASON = "修改或删除已录入的记录须填写原因。"
KEY_TAKEN = "已有一条相同的记录（关键字段相同）；请改动其他内容，或删除这条记录。"


def version(kind: str, row: FactMixin) -> str:
    """A short digest of the row's values: what the form saw, compared again under the lock on save."""
    values = {c: audit_value(getattr(row, c)) for c in columns(kind)}
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:16]


def entered_by(session: Session, kind: str, row: FactMixin) -> str | None:
    """Who entered the row: the actor of its latest ``insert`` audit entry, else its import batch's account."""
    stmt = (
        select(AuditEntry.actor)
        .where(AuditEntry.table_name == kind, AuditEntry.row_key == row.nkey, AuditEntry.action == "insert")
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    actor = session.scalar(stmt)
    if actor is None and row.import_id is not None:
        batch = session.get(ImportBatch, row.import_id)
        actor = batch.imported_by if batch is not None else None
    return actor


def _months(kind: str, row: FactMixin) -> tuple[int, int] | None:
    """The first and last month index the row falls in (by its kind's time column)."""
    value = getattr(row, spec_of(kind).time_column or "", None)
    if isinstance(value, date | datetime):
        index = value.year * 12 + value.month - 1
        return index, index
    try:
        period = parse_period(str(value))
    except PeriodError:
        return None
    return period.first, period.last


def published_in(
    session: Session, kind: str, row: FactMixin, published: list[tuple[str, str]] | None = None
) -> str | None:
    """The published period (of any scheme) covering the row, None when none does; ``published``: the
    (scheme, period) pairs when the caller has read them already (a list of rows reads them once)."""
    span = _months(kind, row)
    if span is None:
        return None
    for _scheme, text in published_periods(session) if published is None else published:
        period = parse_period(text)
        if period.first <= span[1] and period.last >= span[0]:
            return text
    return None


def refusal(
    session: Session, who: Principal, kind: str, row: FactMixin, published: list[tuple[str, str]] | None = None
) -> str | None:
    """Why ``who`` may not change or delete ``row`` (None: may), in Chinese, for the page and the write."""
    if not allowed(who.role, WRITE_KIND_PERMS[kind]):
        return "本账号不能录入这类数据，也就不能修改或删除它。"
    where = published_in(session, kind, row, published)
    return row_change_refusal(who, entered_by=entered_by(session, kind, row), published_in=where)


def _table(kind: str) -> Any:
    if kind not in WRITE_KIND_PERMS:
        raise NotFound(f"没有“{kind}”这类数据")
    return TABLES[kind]


def shown_row(session: Session, kind: str, row_id: int) -> FactMixin:
    """The row a page shows; not found for an unknown kind or id."""
    row: FactMixin = get_or_raise(
        session, _table(kind), row_id, NotFound(f"没有编号为 {row_id} 的记录（可能已被删除）")
    )
    return row


def _locked(session: Session, who: Principal, kind: str, row_id: int, seen: str) -> FactMixin:
    """The row under a lock, if it is still as the form showed it and ``who`` may change it."""
    table = _table(kind)
    row: FactMixin = get_for_update(session, table, row_id, Conflict(f"编号为 {row_id} 的记录已被删除，请刷新页面。"))
    if version(kind, row) != seen:
        session.rollback()
        raise Conflict(STALE)
    why = refusal(session, who, kind, row)
    if why is not None:
        _deny(session, who, (kind, row_id), why)
    return row


def _deny(session: Session, who: Principal, target: tuple[str, int], why: str) -> NoReturn:
    """The policy's refusal (a committed ``denied`` audit event), told in Chinese as ``why``."""
    kind, row_id = target
    try:
        deny(session, who, f"change or delete {kind} row {row_id}", table=kind, detail={"rule": why})
    except Denied:
        raise Denied(why) from None


def _check_new_values(
    ctx: AppContext, session: Session, who: Principal, target: tuple[str, int], new: dict[str, Any]
) -> None:
    """The row rule of a write (:func:`~kaoping.app.policy.row_refusal`) on the changed values, refused in
    Chinese here rather than by ``write_fact``'s English: a part outside the account's, another scorer."""
    fill_scorer(who, target[0], new)
    part, item, source = (str(new.get(c) or "") for c in ("part", "item", "source"))
    found = row_refusal(who, target[0], part, item, source, facts.canonical_names(ctx))
    if found is RowRefusal.PART:
        _deny(session, who, target, f"本账号只能录入所负责的考评部分（{'、'.join(who.parts)}），不能改为“{part}”。")
    if found is RowRefusal.SOURCE:
        _deny(session, who, target, f"评分单位只能是本账号（{who.scorer_name}），不能改为“{source}”。")


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise Invalid(NEEDS_REASON)
    return text


def edit_row(
    ctx: AppContext,
    session: Session,
    who: Principal,
    target: tuple[str, int, str],
    values: dict[str, Any],
    *,
    reason: str,
    confirm: bool = False,
) -> facts.Outcome:
    """Change the row ``target`` = (kind, id, version seen) to ``values`` (every column), committed.

    Same natural key: an update through ``write_fact``.  A new key: the old row deleted and the new one
    written in the same transaction (refused if another row holds that key already).
    """
    kind, row_id, seen = target
    why = _reason(reason)
    row = _locked(session, who, kind, row_id, seen)
    new = facts.normalise(kind, dict(values))
    _check_new_values(ctx, session, who, (kind, row_id), new)
    key = natural_keys(kind, facts.one_row(kind, new)).item(0)
    try:
        if key != row.nkey:
            table = _table(kind)
            if session.scalar(select(table.id).where(table.nkey == key)) is not None:
                raise Conflict(KEY_TAKEN)
            facts.delete_row(
                session, kind, row_id, actor=who.actor, reason=f"{why}（修改关键字段：旧记录删除，另录新记录）"
            )
        return facts.write_fact(ctx, session, who, kind, new, reason=why, confirm=confirm)
    except DomainError:
        session.rollback()
        raise


def delete_row(session: Session, who: Principal, target: tuple[str, int, str], *, reason: str) -> dict[str, Any]:
    """Delete the row ``target`` = (kind, id, version seen), audited with the reason; committed."""
    kind, row_id, seen = target
    why = _reason(reason)
    _locked(session, who, kind, row_id, seen)
    before = facts.delete_row(session, kind, row_id, actor=who.actor, reason=why)
    session.commit()
    return before
