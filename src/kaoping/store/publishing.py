"""Publishing a period's results (结果发布): computed as a draft, reviewed, then published — and frozen.

A published ranking decides rewards and is read by the public, so it must not drift when someone fixes
a fact row afterwards: the document stored at publication is what ``current()`` returns for ever.  A
mistake found later is fixed by a *correction* — a new version computed with a reason, reviewed and
published, which supersedes the old one; the old one stays stored and visible, so anyone can see what
was published when and why it changed.  Each step leaves an audit event (who, when, why).

Scoring uses the scheme text stored in ``scheme_versions`` (exact text, sha256) rather than the file on
disk, so a result can always be traced to the rules it was computed with.  Functions take the caller's
session and only flush: the caller's transaction commits the result and its audit rows together.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper, Session

from kaoping.output.document import result_document
from kaoping.periods import parse_period
from kaoping.scheme import parse_scheme, scheme_text
from kaoping.service import score_facts
from kaoping.store.audit import AuditWriter, now
from kaoping.store.facts import load_facts
from kaoping.store.tables import PublishedResult, SchemeVersion

DRAFT, REVIEWED, PUBLISHED, SUPERSEDED = "draft", "reviewed", "published", "superseded"
OPEN = (DRAFT, REVIEWED)
"""Not yet published: may be recomputed (replaced in place) while the office is still checking it."""
FROZEN = (PUBLISHED, SUPERSEDED)
"""Never modified again — except the one step published → superseded when a correction is published."""
TABLE = "published_results"


class PublishError(ValueError):
    """A publishing step that the workflow does not allow (the message says what to do instead)."""


class UnknownResult(PublishError):
    """No published_results row with the given id (an API can answer 404 instead of 409)."""


# --- scheme versions ---------------------------------------------------------------------------------


def store_scheme(session: Session, scheme_name_or_path: str, *, actor: str) -> SchemeVersion:
    """The ``scheme_versions`` row holding this scheme's exact text, added if the text is new.

    Keyed on (scheme name, sha256 of the text): storing the same text again returns the same row, so a
    hundred drafts computed with one scheme share one row.  ``version`` is the scheme's own declared
    ``version:`` (the one the result document shows).  Raises SchemeError if the text is not a valid
    scheme — an invalid scheme is never stored.
    """
    text, label = scheme_text(scheme_name_or_path)
    scheme = parse_scheme(text, label)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    found = session.scalars(
        select(SchemeVersion).where(SchemeVersion.name == scheme.scheme, SchemeVersion.sha256 == digest)
    ).first()
    if found is not None:
        return found
    row = SchemeVersion(
        name=scheme.scheme, version=scheme.version, sha256=digest, text=text, created_at=now(), created_by=actor
    )
    session.add(row)
    session.flush()
    return row


def _scheme_name(name_or_path: str) -> str:
    """A scheme file's declared name (what results are filed under); a built-in's name is its own."""
    if name_or_path.endswith((".yaml", ".yml")):
        text, label = scheme_text(name_or_path)
        return parse_scheme(text, label).scheme
    return name_or_path


# --- the workflow ------------------------------------------------------------------------------------


def _label(row: PublishedResult) -> str:
    return f"{row.scheme} {row.period} v{row.version} (id {row.id})"


def _key(row: PublishedResult) -> str:
    return f"{row.scheme}/{row.period}/v{row.version}"


def _digest(document: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def _event(session: Session, action: str, row: PublishedResult, actor: str, **extra: Any) -> None:
    """One audit event for ``row``; the detail carries a digest of the document, not the document."""
    audit = AuditWriter(session, actor, reason=row.reason)
    detail: dict[str, Any] = {
        "id": row.id,
        "scheme": row.scheme,
        "period": row.period,
        "version": row.version,
        "status": row.status,
        "scheme_version_id": row.scheme_version_id,
        "document_sha256": _digest(row.document),
        **extra,
    }
    audit.event(action, TABLE, _key(row), period=row.period, detail=detail)
    audit.flush()


def compute_draft(session: Session, *, scheme: str, period: str, actor: str, reason: str = "") -> PublishedResult:
    """Score ``period`` from the facts in the store and keep the document as a draft.

    The draft gets version 1 + the highest version of (scheme, period).  An unpublished draft or reviewed
    result of the same scheme and period is replaced in place (same row, same version, back to draft —
    it must be reviewed again, since its numbers may have changed).  Once a version has been published a
    new draft is a correction and needs a ``reason`` (it is shown to everyone next to the new version).

    Raises PublishError for a correction without reason; SchemeError, PeriodError, UnsupportedPeriod or
    InputErrors when the scheme, the period or the stored facts cannot be scored.
    """
    reason = reason.strip()
    period_text = str(parse_period(period))
    stored = store_scheme(session, scheme, actor=actor)
    name = stored.name
    existing = versions(session, scheme=name, period=period_text)
    published = [r for r in existing if r.status in FROZEN]
    if published and not reason:
        raise PublishError(
            f"{name} {period_text} already has published v{published[0].version}; a new draft is a correction "
            "and needs a reason (更正原因)"
        )
    parsed = parse_scheme(stored.text, f"store:{name}@{stored.sha256[:12]}")
    document = result_document(parsed, score_facts(parsed, load_facts(session, parsed), period_text))
    row = next((r for r in existing if r.status in OPEN), None)
    action = "draft"
    if row is None:
        row = PublishedResult(
            scheme=name,
            period=period_text,
            version=1 + max((r.version for r in existing), default=0),
        )
        session.add(row)
    else:
        action = "redraft"
    row.scheme_version_id = stored.id
    row.status = DRAFT
    row.document = document
    row.reason = reason
    row.created_at = now()
    row.created_by = actor
    row.reviewed_by = None
    session.flush()
    _event(session, action, row, actor)
    return row


def _get(session: Session, result_id: int) -> PublishedResult:
    row = session.get(PublishedResult, result_id)
    if row is None:
        raise UnknownResult(f"no result with id {result_id}")
    return row


def _wrong_status(row: PublishedResult, step: str, wanted: str) -> PublishError:
    hint = {
        DRAFT: "review it first",
        REVIEWED: "it is already reviewed; publish it",
        PUBLISHED: "it is frozen; to change it compute a correction (a new draft with a reason)",
        SUPERSEDED: "it was replaced by a later version and is frozen",
    }[row.status]
    return PublishError(f"cannot {step} {_label(row)}: it is {row.status}, only a {wanted} result can be; {hint}")


def review(session: Session, result_id: int, *, actor: str) -> PublishedResult:
    """Mark a draft as checked (draft → reviewed): publication needs this second look."""
    row = _get(session, result_id)
    if row.status != DRAFT:
        raise _wrong_status(row, "review", DRAFT)
    row.status = REVIEWED
    row.reviewed_by = actor
    session.flush()
    _event(session, "review", row, actor)
    return row


def publish(session: Session, result_id: int, *, actor: str) -> PublishedResult:
    """Publish a reviewed result (reviewed → published), freezing it.

    The version published before it (if any) becomes superseded — kept and listed, never deleted — and
    the audit event is ``correct`` (with the correction's reason) instead of ``publish``.
    """
    row = _get(session, result_id)
    if row.status != REVIEWED:
        raise _wrong_status(row, "publish", REVIEWED)
    previous = current(session, scheme=row.scheme, period=row.period)
    if previous is not None:
        previous.status = SUPERSEDED
    row.status = PUBLISHED
    row.published_at = now()
    row.published_by = actor
    session.flush()
    if previous is None:
        _event(session, "publish", row, actor)
    else:
        _event(session, "correct", row, actor, supersedes=previous.version, supersedes_id=previous.id)
    return row


# --- reading -----------------------------------------------------------------------------------------


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
    raise PublishError(
        f"result {target.scheme} {target.period} v{target.version} is {before} and frozen; "
        f"refusing to change {', '.join(changed)}"
    )


@event.listens_for(PublishedResult, "before_delete")
def _refuse_deleting_frozen(_mapper: Mapper[Any], _conn: Connection, target: PublishedResult) -> None:
    """A published or superseded version is evidence of what the public was shown: it is never deleted."""
    status = inspect(target).attrs.status.history
    before = status.deleted[0] if status.deleted else target.status
    if before in FROZEN:
        raise PublishError(f"result {target.scheme} {target.period} v{target.version} is {before}; it is never deleted")
