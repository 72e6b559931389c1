"""Kept results of versions in the store (保留结果, ``kept_period_results``), and their freeze.

A version's result is kept when the version is computed (:mod:`kaoping.app.publish`) so that a published
period is read back in one row instead of recomputed from its facts snapshot (:mod:`kaoping.app.frozen`);
the bytes are the application's (:mod:`kaoping.engine.result_codec`), the store keeps them with their
sha256 and what they were computed from.

Like the version itself (:mod:`kaoping.store.publishing`), a kept result is frozen once its version is
published or superseded: the ORM refuses to add, change or delete the kept result of such a version, whoever's
code tries.  A draft computed again replaces its kept result in place.  A plain SQL ``UPDATE`` bypasses the
ORM; ``kaoping verify --period`` recomputes the period and names a kept result that differs.
Functions take the caller's session and only flush.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper, Session

from kaoping.input_messages import Msg, say
from kaoping.statuses import FROZEN_RESULTS, ResultStatus
from kaoping.store.audit import now
from kaoping.store.publishing import PublishError
from kaoping.store.result_tables import KeptPeriodResult
from kaoping.store.tables import PublishedResult

__all__ = ["KeptPeriodResult", "keep", "kept_of"]


def keep(
    session: Session, result_id: int, *, snapshot_sha256: str, scheme_sha256: str, period: str, fmt: int, data: bytes
) -> KeptPeriodResult:
    """Keep ``data`` as the result of version ``result_id`` computed from that snapshot and scheme text, in
    format ``fmt``: a new row, or the version's row rewritten (a draft computed again)."""
    row = kept_of(session, result_id)
    if row is None:
        row = KeptPeriodResult(result_id=result_id)
        session.add(row)
    row.snapshot_sha256 = snapshot_sha256
    row.scheme_sha256 = scheme_sha256
    row.period = period
    row.format_version = fmt
    row.data = data
    row.sha256 = hashlib.sha256(data).hexdigest()
    row.created_at = now()
    session.flush()
    return row


def kept_of(session: Session, result_id: int) -> KeptPeriodResult | None:
    """The kept result of version ``result_id`` (None for versions computed before results were kept)."""
    return session.scalars(select(KeptPeriodResult).where(KeptPeriodResult.result_id == result_id)).first()


# --- the freeze, enforced on every ORM flush ---------------------------------------------------------


def _refuse(conn: Connection, target: KeptPeriodResult, changed: str | None) -> None:
    """Raise when ``target`` belongs (or belonged) to a published or superseded version: ``changed`` names
    what was to change, None a deletion.  The version is read on the flush's own connection — its own
    changes of this flush are written already (it is the parent row)."""
    history = inspect(target).attrs.result_id.history
    ids = {i for i in (*history.deleted, *history.unchanged, *history.added) if i is not None}
    stmt = select(PublishedResult.scheme, PublishedResult.period, PublishedResult.version, PublishedResult.status)
    for found in conn.execute(stmt.where(PublishedResult.id.in_(ids))):
        if found.status not in FROZEN_RESULTS:
            continue
        label = ResultStatus(found.status)
        what = {"scheme": found.scheme, "period": found.period, "version": found.version}
        status = (label.label, label.value)
        if changed is None:
            raise PublishError(say(Msg.RESULT_NEVER_DELETED, **what, status=status))
        raise PublishError(say(Msg.RESULT_FROZEN, **what, status=status, changed=changed))


@event.listens_for(KeptPeriodResult, "before_insert")
def _refuse_adding_to_frozen(_mapper: Mapper[Any], conn: Connection, target: KeptPeriodResult) -> None:
    """A published version's result is the one kept when it was computed: none is added afterwards."""
    _refuse(conn, target, "kept_period_results")


@event.listens_for(KeptPeriodResult, "before_update")
def _refuse_changes_to_frozen(_mapper: Mapper[Any], conn: Connection, target: KeptPeriodResult) -> None:
    """Refuse any ORM update of the kept result of a published or superseded version."""
    changed = sorted(a.key for a in inspect(target).attrs if a.history.has_changes())
    if changed:
        _refuse(conn, target, "kept_period_results." + ", kept_period_results.".join(changed))


@event.listens_for(KeptPeriodResult, "before_delete")
def _refuse_deleting_frozen(_mapper: Mapper[Any], conn: Connection, target: KeptPeriodResult) -> None:
    """The kept result of a published or superseded version is never deleted."""
    _refuse(conn, target, None)
