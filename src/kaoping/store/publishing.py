"""Published results in the store (结果发布): the versions of a period, the scheme texts they were computed
with, and the freeze.

A published ranking decides rewards and is read by the public, so it must not drift when someone fixes
a fact row afterwards: the document stored at publication is what ``current()`` returns for ever.  The
workflow that makes versions (compute → review → publish, corrections) is the use case
:mod:`kaoping.app.publish`; what stays here is what holds whoever writes: the ORM refuses any change to a
published or superseded row (the one step published → superseded aside) and refuses to delete one.

Scheme texts are kept in ``scheme_versions`` (exact text, sha256), so a result can always be traced to the
rules it was computed with.  Functions take the caller's session and only flush.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapper, Session

from kaoping.errors import Conflict, NotFound
from kaoping.input_messages import Msg, say
from kaoping.periods import parse_period
from kaoping.scheme import parse_scheme, scheme_text
from kaoping.statuses import FROZEN_RESULTS, OPEN_RESULTS, ResultStatus
from kaoping.store.audit import now
from kaoping.store.db import advisory_lock, claim_writes, get_for_update, get_or_raise, savepoint
from kaoping.store.tables import PublishedResult, SchemeVersion

DRAFT, REVIEWED, PUBLISHED, SUPERSEDED = tuple(ResultStatus)
OPEN = OPEN_RESULTS
FROZEN = FROZEN_RESULTS
TABLE = "published_results"


class PublishError(Conflict, ValueError):
    """A publishing step that the workflow or the freeze does not allow (the message says what to do instead)."""


class UnknownResult(PublishError, NotFound):
    """No published_results row with the given id (answered as not found, not as a conflict)."""


# --- scheme versions ---------------------------------------------------------------------------------


def text_digest(text: str) -> str:
    """The sha256 a scheme text is kept under (of its UTF-8 bytes)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def store_scheme(session: Session, scheme_name_or_path: str, *, actor: str) -> SchemeVersion:
    """The ``scheme_versions`` row holding this scheme's exact text, added if the text is new.

    Keyed on (scheme name, sha256 of the text): storing the same text again returns the same row, so a
    hundred drafts computed with one scheme share one row.  ``version`` is the scheme's own declared
    ``version:`` (the one the result document shows).  Raises SchemeError if the text is not a valid
    scheme — an invalid scheme is never stored.
    """
    text, label = scheme_text(scheme_name_or_path)
    scheme = parse_scheme(text, label)
    digest = text_digest(text)
    found = session.scalars(
        select(SchemeVersion).where(SchemeVersion.name == scheme.scheme, SchemeVersion.sha256 == digest)
    ).first()
    if found is not None:
        return found
    row = SchemeVersion(
        name=scheme.scheme, version=scheme.version, sha256=digest, text=text, created_at=now(), created_by=actor
    )
    try:
        with savepoint(session):  # two first drafts at once: the other stored the same text first
            session.add(row)
    except IntegrityError:
        return session.scalars(
            select(SchemeVersion).where(SchemeVersion.name == scheme.scheme, SchemeVersion.sha256 == digest)
        ).one()
    return row


_PERIOD_LOCKS = 7427
"""PostgreSQL advisory lock class of a (scheme, period)'s versions (the key within it: a hash of the two)."""


def lock_period(session: Session, scheme_name_or_path: str, period: str) -> None:
    """Make the writers of one (scheme, period)'s versions take turns until commit.

    Computing a draft decides its version number and whether it is new from the versions it reads, and
    publishing supersedes the version published before: two at once would number two drafts alike or
    leave two versions published.  A row lock cannot guard rows that do not exist yet, hence a lock on
    the pair (SQLite: the database's write lock, which serialises every writer).
    """
    claim_writes(session)
    advisory_lock(session, _PERIOD_LOCKS, f"{_scheme_name(scheme_name_or_path)}/{parse_period(period)}")


def _scheme_name(name_or_path: str) -> str:
    """A scheme file's declared name (what results are filed under); a built-in's name is its own."""
    if name_or_path.endswith((".yaml", ".yml")):
        text, label = scheme_text(name_or_path)
        return parse_scheme(text, label).scheme
    return name_or_path


# --- reading -----------------------------------------------------------------------------------------


def get(session: Session, result_id: int) -> PublishedResult:
    """The published_results row ``result_id`` in any status (:class:`UnknownResult` if there is none)."""
    return get_or_raise(session, PublishedResult, result_id, UnknownResult(f"no result with id {result_id}"))


def get_locked(session: Session, result_id: int) -> PublishedResult:
    """:func:`get` under a row lock held until commit: of fifty simultaneous reviews (or publications) of one
    draft the first changes it and the others then see it changed and are refused, none is accepted twice."""
    return get_for_update(session, PublishedResult, result_id, UnknownResult(f"no result with id {result_id}"))


def versions(session: Session, *, scheme: str, period: str) -> list[PublishedResult]:
    """Every version of (scheme, period) in any status, newest first (superseded ones included)."""
    stmt = (
        select(PublishedResult)
        .where(PublishedResult.scheme == _scheme_name(scheme), PublishedResult.period == str(parse_period(period)))
        .order_by(PublishedResult.version.desc())
    )
    return list(session.scalars(stmt))


def current(session: Session, *, scheme: str, period: str) -> PublishedResult | None:
    """The published version of (scheme, period), or None while nothing is published."""
    stmt = select(PublishedResult).where(
        PublishedResult.scheme == _scheme_name(scheme),
        PublishedResult.period == str(parse_period(period)),
        PublishedResult.status == PUBLISHED,
    )
    return session.scalars(stmt.order_by(PublishedResult.version.desc())).first()


def published_periods(session: Session) -> list[tuple[str, str]]:
    """(scheme, period) pairs with a published version, sorted: what the public may see."""
    stmt = (
        select(PublishedResult.scheme, PublishedResult.period)
        .where(PublishedResult.status == PUBLISHED)
        .group_by(PublishedResult.scheme, PublishedResult.period)
        .order_by(PublishedResult.scheme, PublishedResult.period)
    )
    return [(s, p) for s, p in session.execute(stmt)]


# --- the freeze, enforced on every ORM flush ---------------------------------------------------------


@event.listens_for(PublishedResult, "before_update")
def _refuse_changes_to_frozen(_mapper: Mapper[Any], _conn: Connection, target: PublishedResult) -> None:
    """Refuse any ORM update of a published or superseded row, whoever's code makes it.

    The one change allowed is published → superseded (and nothing else on the row) when a correction is
    published.  Bulk ``update()`` statements bypass ORM events; kaoping issues none on this table.
    """
    state = inspect(target)
    status = state.attrs.status.history
    before = status.deleted[0] if status.deleted else target.status
    if before not in FROZEN:
        return
    changed = sorted(a.key for a in state.attrs if a.history.has_changes())
    if not changed or (before == PUBLISHED and target.status == SUPERSEDED and changed == ["status"]):
        return
    label = ResultStatus(before)
    shown = (label.label, label.value)
    what = {"scheme": target.scheme, "period": target.period, "version": target.version, "status": shown}
    raise PublishError(say(Msg.RESULT_FROZEN, **what, changed=", ".join(changed)))


@event.listens_for(PublishedResult, "before_delete")
def _refuse_deleting_frozen(_mapper: Mapper[Any], _conn: Connection, target: PublishedResult) -> None:
    """A published or superseded version is evidence of what the public was shown: it is never deleted."""
    status = inspect(target).attrs.status.history
    before = status.deleted[0] if status.deleted else target.status
    if before in FROZEN:
        label = ResultStatus(before)
        what = {"scheme": target.scheme, "period": target.period, "version": target.version}
        raise PublishError(say(Msg.RESULT_NEVER_DELETED, **what, status=(label.label, label.value)))
