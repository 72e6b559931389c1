"""Publishing a period's results (结果发布): computed as a draft, reviewed, then published — and frozen.

A mistake found after publication is fixed by a *correction* — a new version computed with a reason,
reviewed and published, which supersedes the old one; the old one stays stored and visible, so anyone can
see what was published when and why it changed.  Each step leaves an audit event (who, when, why) in the
caller's transaction, together with the change.  With separation of duties (the office's setting, passed in
by the edges as ``separate_duties``) the account that computed a draft cannot review it and the one that
reviewed it cannot compute it again — the rule is the policy table's, and a refusal is audited as ``denied``.
The freeze itself is the store's (:mod:`kaoping.store.publishing`), enforced whoever writes.

Scoring uses the scheme text stored in ``scheme_versions`` rather than the file on disk, so a result can
always be traced to the rules it was computed with.  The API, the CLI and the demo call these functions;
steps out of order raise :class:`~kaoping.store.publishing.PublishError` (a conflict), an unknown id
:class:`~kaoping.store.publishing.UnknownResult` (not found).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy.orm import Session

from kaoping.app import duties
from kaoping.app.context import AppContext
from kaoping.app.duties import Step
from kaoping.app.errors import Invalid, invalid_scheme_or_period
from kaoping.app.frozen import stored_scheme
from kaoping.app.owed import owed_report
from kaoping.app.scoring import score_facts
from kaoping.app.version_results import keep_result
from kaoping.engine.evaluate import UnsupportedPeriod
from kaoping.engine.result import PeriodResult
from kaoping.facts import Facts
from kaoping.facts.snapshot import pack, scope, unpack
from kaoping.input_messages import Msg, say
from kaoping.output.document import result_document
from kaoping.periods import PeriodError, parse_period
from kaoping.scheme import SchemeError, parse_scheme
from kaoping.statuses import FROZEN_RESULTS, OPEN_RESULTS, ResultStatus
from kaoping.store import snapshots
from kaoping.store.audit import AuditWriter, now
from kaoping.store.chain import chain_head
from kaoping.store.facts import load_facts
from kaoping.store.period_results import kept_of
from kaoping.store.publishing import (
    TABLE,
    PublishError,
    UnknownResult,
    current,
    get,
    get_locked,
    lock_period,
    store_scheme,
    versions,
)
from kaoping.store.tables import FactSnapshot, PublishedResult, SchemeVersion

__all__ = ["PublishError", "UnknownResult", "compute_draft", "compute_for_office", "publish", "review"]


def _label(row: PublishedResult) -> str:
    return f"{row.scheme} {row.period} v{row.version} (id {row.id})"


def result_key(row: PublishedResult) -> str:
    """How the audit trail names a version (``scheme/period/vN``)."""
    return f"{row.scheme}/{row.period}/v{row.version}"


def document_bytes(document: dict[str, Any]) -> bytes:
    """The result document as canonical bytes (keys sorted, no spaces, UTF-8): what "byte for byte" means
    when a published version is recomputed, and what its digest in the audit trail is taken of."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def document_digest(document: dict[str, Any]) -> str:
    """sha256 of :func:`document_bytes`: what a publication's audit event records of its document."""
    return hashlib.sha256(document_bytes(document)).hexdigest()


def _keep_facts(
    session: Session, stored: SchemeVersion, facts: Facts, period: str, document: dict[str, Any]
) -> tuple[FactSnapshot, PeriodResult]:
    """Store the facts ``document`` was computed from: only those in the period's scope when the result
    from them is the same document (checked here, not assumed), all of them otherwise; with the result the
    stored snapshot gives under the stored scheme text — what a reader of the version would recompute, so
    it is kept with the version (:func:`~kaoping.app.version_results.keep_result`)."""
    scheme = stored_scheme(session, stored.id)
    scoped = scope(facts, parse_period(period))
    data = pack(scoped)  # scored as it will be read back, so the check covers the packing too
    result = score_facts(scheme, unpack(data), period)
    if document_bytes(result_document(scheme, result)) == document_bytes(document):
        return snapshots.save(session, scoped, scoped=True, data=data), result
    snapshot = snapshots.save(session, facts, scoped=False)
    return snapshot, score_facts(scheme, snapshots.snapshot_facts(session, snapshot.id), period)


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
        "document_sha256": document_digest(row.document),
        "snapshot_sha256": row.snapshot.sha256 if row.snapshot is not None else None,
        "result_sha256": kept.sha256 if (kept := kept_of(session, row.id)) is not None else None,
        **extra,
    }
    audit.event(action, TABLE, result_key(row), period=row.period, detail=detail)
    audit.flush()


def compute_draft(
    session: Session, *, scheme: str, period: str, actor: str, reason: str = "", separate_duties: bool = True
) -> PublishedResult:
    """Score ``period`` from the facts in the store and keep the document as a draft.

    The draft gets version 1 + the highest version of (scheme, period).  An unpublished draft or reviewed
    result of the same scheme and period is replaced in place (same row, same version, back to draft —
    it must be reviewed again, since its numbers may have changed).  Once a version has been published a
    new draft is a correction and needs a ``reason`` (it is shown to everyone next to the new version).

    With ``separate_duties`` (职责分离, the office's setting) whoever reviewed the open version may not
    compute it again: :class:`~kaoping.errors.Denied`, recorded in the audit trail.

    Raises PublishError for a correction without reason; SchemeError, PeriodError, UnsupportedPeriod or
    InputErrors when the scheme, the period or the stored facts cannot be scored.
    """
    reason = reason.strip()
    period_text = str(parse_period(period))
    lock_period(session, scheme, period_text)
    existing = versions(session, scheme=scheme, period=period_text)
    row = next((r for r in existing if r.status in OPEN_RESULTS), None)
    if row is not None:  # first, before anything is written: a refusal commits its audit event
        _second_person(session, Step.COMPUTE, row, actor, separate_duties)
    stored = store_scheme(session, scheme, actor=actor)
    name = stored.name
    published = [r for r in existing if r.status in FROZEN_RESULTS]
    if published and not reason:
        version = published[0].version
        raise PublishError(say(Msg.CORRECTION_NEEDS_REASON, scheme=name, period=period_text, version=version))
    parsed = parse_scheme(stored.text, f"store:{name}@{stored.sha256[:12]}")
    facts = load_facts(session, parsed)
    result = score_facts(parsed, facts, period_text)
    if not result.evaluated:
        # under pure 扣分制 an empty period would rank every unit at full marks: nothing to publish
        raise PublishError(
            (
                f"{name} {period_text} 没有任何考评数据，不能计算结果",
                f"{name} {period_text}: no evaluated data in this period, nothing to compute",
            )
        )
    document = result_document(parsed, result)
    snapshot, kept = _keep_facts(session, stored, facts, period_text, document)
    action = "draft"
    if row is None:
        version = 1 + max((r.version for r in existing), default=0)
        row = PublishedResult(scheme=name, period=period_text, version=version)
        session.add(row)
    else:
        action = "redraft"
    row.scheme_version_id = stored.id
    row.status = ResultStatus.DRAFT
    row.document = document
    row.snapshot = snapshot
    row.reason = reason
    row.created_at = now()
    row.created_by = actor
    row.reviewed_by = None
    session.flush()
    keep_result(session, row.id, snapshot_sha256=snapshot.sha256, scheme_sha256=stored.sha256, result=kept)
    _event(session, action, row, actor)
    return row


def compute_for_office(
    ctx: AppContext, session: Session, *, scheme: str, period: str, actor: str, reason: str = ""
) -> PublishedResult:
    """:func:`compute_draft` for one of the office's schemes, named as results are filed (its declared name),
    under the office's setting of separation of duties.

    A scheme the office does not run, a malformed period or a period the scheme does not evaluate is
    invalid input; a correction without a reason is a conflict.
    """
    office = ctx.schemes.get(scheme)
    if office is None:
        raise Invalid(say(Msg.NOT_OFFICE_SCHEME, scheme=scheme, schemes=", ".join(ctx.schemes)))
    try:
        text = str(parse_period(period))
    except PeriodError as exc:
        raise Invalid(say(Msg.BAD_PERIOD, reason=str(exc))) from exc
    try:
        return compute_draft(
            session,
            scheme=office.source,
            period=text,
            actor=actor,
            reason=reason,
            separate_duties=ctx.settings.separation_of_duties,
        )
    except (SchemeError, UnsupportedPeriod) as exc:
        raise invalid_scheme_or_period(exc) from exc


def _wrong_status(row: PublishedResult, step: tuple[str, str], wanted: str) -> PublishError:
    hint = {
        ResultStatus.DRAFT: Msg.HINT_DRAFT,
        ResultStatus.REVIEWED: Msg.HINT_REVIEWED,
        ResultStatus.PUBLISHED: Msg.HINT_PUBLISHED,
        ResultStatus.SUPERSEDED: Msg.HINT_SUPERSEDED,
    }[ResultStatus(row.status)]
    status, want = ResultStatus(row.status), ResultStatus(wanted)
    return PublishError(
        say(
            Msg.WRONG_STEP,
            step=step,
            result=_label(row),
            status=(status.label, status.value),
            wanted=(want.label, want.value),
            hint=(hint.zh, hint.en),
        )
    )


def _second_person(session: Session, step: Step, row: PublishedResult, actor: str, enabled: bool) -> None:
    """职责分离 on an open version, as the policy table's rule decides (a refusal is audited and raised)."""
    where = (TABLE, result_key(row), row.period)
    computed, reviewed = row.created_by, row.reviewed_by
    duties.separate_duties(
        session, actor, step, computed_by=computed, reviewed_by=reviewed, enabled=enabled, where=where
    )


def review(session: Session, result_id: int, *, actor: str, separate_duties: bool = True) -> PublishedResult:
    """Mark a draft as checked (draft → reviewed): publication needs this second look — with
    ``separate_duties`` (职责分离) by another account than the one that computed it."""
    row = get_locked(session, result_id)
    if row.status != ResultStatus.DRAFT:
        raise _wrong_status(row, ("审核", "review"), ResultStatus.DRAFT)
    _second_person(session, Step.REVIEW, row, actor, separate_duties)
    row.status = ResultStatus.REVIEWED
    row.reviewed_by = actor
    session.flush()
    _event(session, "review", row, actor)
    return row


def _missing_scores(session: Session, row: PublishedResult, reason: str) -> dict[str, Any]:
    """应报未报: scores past their due day and still missing block publication unless the office confirms
    with a reason; what was confirmed goes into the publication's audit event (empty when nothing is missing)."""
    assert row.scheme_version_id is not None
    missing = owed_report(session, stored_scheme(session, row.scheme_version_id), row.period).missing
    if not missing:
        return {}
    if not reason.strip():
        first = "、".join(f"{s.cell.unit} {s.cell.part}{'/' + s.cell.item if s.cell.item else ''}" for s in missing[:3])
        raise PublishError(
            f"{_label(row)}：尚有 {len(missing)} 项应报分数逾期未报（{first}{'等' if len(missing) > 3 else ''}）；"
            "请待报送后再发布，或由考评办填写理由确认后发布（missing scores: give a reason to publish anyway）"
        )
    return {"missing_scores": len(missing), "missing_reason": reason.strip()}


def publish(session: Session, result_id: int, *, actor: str, missing_reason: str = "") -> PublishedResult:
    """Publish a reviewed result (reviewed → published), freezing it.

    Scores owed and past due (应报分数, app/owed.py) must be in first, unless ``missing_reason`` says why the
    office publishes without them — a refusal is a conflict; the reason and the count are audited with the
    publication.

    The version published before it (if any) becomes superseded — kept and listed, never deleted — and
    the audit event is ``correct`` (with the correction's reason) instead of ``publish``.  The period is
    locked first (then the row, the order computing a draft takes them in), so two versions published at
    once cannot both end up published.
    """
    unlocked = get(session, result_id)
    lock_period(session, unlocked.scheme, unlocked.period)
    row = get_locked(session, result_id)
    if row.status != ResultStatus.REVIEWED:
        raise _wrong_status(row, ("发布", "publish"), ResultStatus.REVIEWED)
    confirmed = _missing_scores(session, row, missing_reason)
    previous = current(session, scheme=row.scheme, period=row.period)
    if previous is not None:
        previous.status = ResultStatus.SUPERSEDED
    row.status = ResultStatus.PUBLISHED
    row.published_at = now()
    row.published_by = actor
    # the event is chained first, so the version keeps the chain head that includes its own publication;
    # nothing is flushed until then (a published row is frozen once written)
    with session.no_autoflush:
        if previous is None:
            _event(session, "publish", row, actor, **confirmed)
        else:
            _event(session, "correct", row, actor, supersedes=previous.version, supersedes_id=previous.id, **confirmed)
        row.audit_head = chain_head(session)
    session.flush()
    return row
