"""核验 (``kaoping verify --period``): is a published result what its facts and its scheme give, byte for byte,
and is everything that changed since accounted for?

Four things are checked, each of which an office (or an auditor holding a copy of the database) can state:
1. the version's facts snapshot is the one its publication recorded in the audit chain (sha256), and so are
   the result document, the kept result (when the publication recorded one) and the scheme text;
2. recomputing the period from that snapshot with that scheme text gives the stored document, byte for byte
   (canonical JSON, :func:`kaoping.app.publish.document_bytes`), and the kept result the pages read
   (:mod:`kaoping.app.version_results`), byte for byte in its own format;
3. live rows that differ from the snapshot were changed through the application (each has an audit entry
   after the publication, whose written values are the row's values now) — anything else was edited behind
   the application's back and is named.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.app.frozen import stored_scheme
from kaoping.app.publish import document_bytes, document_digest, result_key
from kaoping.app.scoring import score_facts
from kaoping.engine import result_codec
from kaoping.engine.result import PeriodResult
from kaoping.errors import NotFound
from kaoping.facts.snapshot import ChangedRow, RowChange, changes, digest, scope, unpack
from kaoping.output.document import result_document
from kaoping.periods import parse_period
from kaoping.scheme import Scheme
from kaoping.store import publishing
from kaoping.store.facts import TABLES, load_facts, same_values
from kaoping.store.period_results import kept_of
from kaoping.store.tables import AuditEntry, FactSnapshot, PublishedResult, SchemeVersion
from kaoping.store.trail_facts import (
    differences,
    governing_batch,
    import_entries,
    last_written,
    row_against_batch,
)

__all__ = ["PeriodCheck", "verify_period"]


@dataclass
class PeriodCheck:
    """What ``verify --period`` found for one published version."""

    scheme: str
    period: str
    version: int
    problems: list[str] = field(default_factory=list)
    """Why the published version cannot be trusted as it stands (empty: it holds)."""
    explained: list[ChangedRow] = field(default_factory=list)
    """Rows changed since publication through the application (audited): drift, not tampering."""
    unexplained: list[tuple[ChangedRow, str]] = field(default_factory=list)
    """Rows changed since publication that the audit trail does not account for, with the reason."""

    @property
    def ok(self) -> bool:
        return not self.problems and not self.unexplained


def _publication(session: Session, row: PublishedResult) -> AuditEntry | None:
    stmt = select(AuditEntry).where(
        AuditEntry.table_name == publishing.TABLE,
        AuditEntry.row_key == result_key(row),
        AuditEntry.action.in_(("publish", "correct")),
    )
    return session.scalars(stmt.order_by(AuditEntry.id.desc())).first()


KEPT_GONE = "发布时保存的结果已不在库中（保留结果被删除）"
KEPT_NOT_RECORDED = "保留结果与发布时审计记录的摘要不符（保留结果被改动）"
KEPT_ALTERED = "保留结果与其 sha256 不符（保留结果被改动）"
KEPT_DIFFERS = "按发布时的数据与方案复算，结果与保留结果不一致（保留结果被改动）"
KEPT_ELSEWHERE = "保留结果不是按本版本的数据快照、方案与考评期计算的"


def _recorded(
    check: PeriodCheck, session: Session, event: AuditEntry | None, row: PublishedResult, snap: FactSnapshot
) -> None:
    """Point 1: the stored document, snapshot and scheme are the ones the publication recorded."""
    if event is None or event.after is None:
        check.problems.append("审计日志中找不到本版本的发布记录")
        return
    recorded: dict[str, Any] = event.after
    if recorded.get("document_sha256") != document_digest(row.document):
        check.problems.append("库中结果文档与发布时审计记录的摘要不符（结果被改动）")
    if digest(snap.data) != snap.sha256 or recorded.get("snapshot_sha256") != snap.sha256:
        check.problems.append("数据快照与发布时审计记录的摘要不符（快照被改动）")
    if recorded.get("scheme_version_id") != row.scheme_version_id:
        check.problems.append("本版本所用方案与发布时审计记录不符")
    kept, digest_then = kept_of(session, row.id), recorded.get("result_sha256")
    if digest_then is not None and kept is None:
        check.problems.append(KEPT_GONE)
    elif digest_then is not None and kept is not None and kept.sha256 != digest_then:
        check.problems.append(KEPT_NOT_RECORDED)


def _recomputed(check: PeriodCheck, session: Session, row: PublishedResult, scheme: Scheme, snap: FactSnapshot) -> None:
    """Point 2: the snapshot and the scheme text give the stored document, byte for byte."""
    text = session.get(SchemeVersion, row.scheme_version_id)
    if text is None or publishing.text_digest(text.text) != text.sha256:
        check.problems.append("库中方案文本与其 sha256 不符（方案被改动）")
        return
    result = score_facts(scheme, unpack(snap.data), row.period)
    document = result_document(scheme, result)
    if document_bytes(as_published(document, row.document)) != document_bytes(row.document):
        check.problems.append("按发布时的数据与方案复算，结果与已发布结果不一致")
    _kept(check, session, row, (snap.sha256, text.sha256), result)


def _kept(
    check: PeriodCheck, session: Session, row: PublishedResult, made_of: tuple[str, str], result: PeriodResult
) -> None:
    """Point 2 for the kept result: it is the recomputed result, byte for byte (a version kept before
    results were, or in an older format, has none to compare — the pages recompute it)."""
    kept = kept_of(session, row.id)
    if kept is None or kept.format_version != result_codec.FORMAT:
        return
    if hashlib.sha256(kept.data).hexdigest() != kept.sha256:
        check.problems.append(KEPT_ALTERED)
    elif (kept.snapshot_sha256, kept.scheme_sha256, kept.period) != (*made_of, row.period):
        check.problems.append(KEPT_ELSEWHERE)
    if kept.data != result_codec.dump(result):
        check.problems.append(KEPT_DIFFERS)


ADDED_KEYS = frozenset({"base", "grade"})
"""Keys the result document gained after versions were published with it (``base``, the parts combined
before bonus and penalty; ``grade``, the 等次 of a graded scheme): a version stored without one is compared
without it — every other key, and each added key a version does hold, byte for byte."""


def as_published(document: Any, stored: Any) -> Any:
    """``document`` without the :data:`ADDED_KEYS` that the same place of ``stored`` does not hold."""
    if isinstance(document, dict) and isinstance(stored, dict):
        return {k: as_published(v, stored.get(k)) for k, v in document.items() if k in stored or k not in ADDED_KEYS}
    if isinstance(document, list) and isinstance(stored, list) and len(document) == len(stored):
        return [as_published(d, s) for d, s in zip(document, stored, strict=True)]
    return document


def _removed_was_audited(session: Session, changed: ChangedRow, since: int) -> bool:
    """A row gone from the store since ``since``: did the application delete it (an audited delete of a row
    with these values)?"""
    stmt = select(AuditEntry.before).where(
        AuditEntry.table_name == changed.kind, AuditEntry.action == "delete", AuditEntry.id > since
    )
    values = changed.before
    return any(b is not None and same_values({c: b.get(c) for c in values}, values) for b in session.scalars(stmt))


def _accounted(check: PeriodCheck, session: Session, scheme: Scheme, row: PublishedResult, event: AuditEntry) -> None:
    """Point 3: every live row that differs from the snapshot was written through the application since."""
    assert row.snapshot is not None
    kept = unpack(row.snapshot.data)
    live = load_facts(session, scheme)
    if row.snapshot.scoped:
        live = scope(live, parse_period(row.period))
    for changed in changes(kept, live):
        if changed.change == RowChange.REMOVED:
            ok = _removed_was_audited(session, changed, event.id)
            reason = "" if ok else "此行在发布后从库中消失，审计日志中没有删除记录"
        else:
            reason = _unaudited(session, changed, event.id)
        if reason:
            check.unexplained.append((changed, reason))
        else:
            check.explained.append(changed)


def _unaudited(session: Session, changed: ChangedRow, since: int) -> str:
    """Why an added or changed live row is not accounted for by the trail after ``since`` ("" if it is): its
    last write — a per-row entry, or the import batch that wrote it — must be later and say what it holds."""
    table: Any = TABLES[changed.kind]
    batch = None
    if changed.kind == "units":
        key = str(changed.row_id)
    else:
        found = session.execute(select(table.nkey, table.import_id).where(table.id == changed.row_id)).one()
        key = str(found[0])
        batch = None if found[1] is None else import_entries(session, changed.kind).get(int(found[1]))
    entry = last_written(session, changed.kind, [key]).get(key)
    last = batch if batch is not None and governing_batch(entry, batch) else entry
    if last is not None and last.id <= since:
        return "发布后没有此行的审计记录，但库中数据与发布时不同"
    if batch is not None and last is batch:
        return row_against_batch(session, changed.kind, int(changed.row_id), batch)
    return differences(entry, changed.after)


def verify_period(session: Session, scheme: str, period: str) -> PeriodCheck:
    """Check the published version of (scheme, period); NotFound when nothing is published."""
    text = str(parse_period(period))
    row = publishing.current(session, scheme=scheme, period=text)
    if row is None:
        raise NotFound(f"{scheme} {text} 尚未发布，没有可核验的版本")
    check = PeriodCheck(row.scheme, row.period, row.version)
    snap = row.snapshot
    if snap is None:
        check.problems.append(f"第 {row.version} 版发布时尚未保存数据快照，无法复算（请发起更正以生成新版本）")
        return check
    event = _publication(session, row)
    _recorded(check, session, event, row, snap)
    if digest(snap.data) != snap.sha256:
        return check  # the snapshot's bytes are not the ones kept: nothing can be recomputed from them
    scheme_used = stored_scheme(session, row.scheme_version_id)
    _recomputed(check, session, row, scheme_used, snap)
    if event is not None:
        _accounted(check, session, scheme_used, row, event)
    return check
