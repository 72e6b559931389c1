"""考评通报: gather everything a bulletin shows — the period's result, the previous period's, the deduction
analysis and the case metrics — once, so the Excel and PDF writers never compute anything.

Three ways in, one computation (:func:`build`): a data folder or workbook (``kaoping report``), a store
URL (``kaoping report --db``: one engine for the one bulletin), or the session a page already holds (the
office's download: no new engine and no migration per click).

A bulletin from the store is stamped (:class:`BulletinStamp`) with the published version of its period —
version, time, audit chain head — only when its ranking is exactly the published document; otherwise it
is marked a draft, so a paper that disagrees with the published result can never look official.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kaoping.app import frozen
from kaoping.app.owed import owed_report
from kaoping.app.scoring import read_data, score_facts
from kaoping.engine.analysis import deduction_analysis
from kaoping.engine.evaluate import evaluate
from kaoping.engine.result import PeriodResult
from kaoping.engine.robustness import rank_robustness
from kaoping.facts import Facts
from kaoping.facts.snapshot import year_window
from kaoping.output.document import result_document
from kaoping.periods import parse_period
from kaoping.reports.data import FILES_DRAFT, STORE_DRAFT, BulletinData, BulletinStamp, case_metrics, survey_rows
from kaoping.scheme import Scheme, load_scheme
from kaoping.store import publishing
from kaoping.store.facts import load_facts
from kaoping.store.tables import PublishedResult

__all__ = ["build", "bulletin_data", "from_store", "stamp_of", "store_stamp"]


def build(scheme: Scheme, facts: Facts, period: str, stamp: BulletinStamp = FILES_DRAFT) -> BulletinData:
    """Check the facts, evaluate ``period`` and the one before it (when the scheme evaluates that kind).

    Raises what ``kaoping score`` raises for bad input (InputErrors, PeriodError, UnsupportedPeriod).
    """
    parsed = parse_period(period)
    result = score_facts(scheme, facts, period)
    before = parsed.previous()
    previous: PeriodResult | None = None
    if before.kind in scheme.periods:
        candidate = evaluate(scheme, facts, before)
        previous = candidate if candidate.evaluated else None
    analysis = deduction_analysis(scheme, facts, parsed, result, previous)
    robust = rank_robustness(scheme, result)
    metrics = case_metrics(facts, result)
    surveys = survey_rows(facts, result)
    return BulletinData(scheme, result, previous, analysis, metrics, stamp, robustness=robust, surveys=surveys)


def from_store(session: Session, scheme: Scheme, period: str) -> BulletinData:
    """The bulletin of ``period`` under one of the office's (already loaded) schemes, in the caller's session,
    stamped by :func:`store_stamp`: of a published period, from its frozen version (the facts and scheme it
    was published with, so a bulletin downloaded any time later shows the published numbers); otherwise
    from the current facts."""
    text = str(parse_period(period))  # a bad period is reported before the store is read
    kept = frozen.published_frozen(session, scheme.scheme, text)
    if kept is not None:
        data = build(kept.scheme, kept.facts, text, STORE_DRAFT)
    else:
        window = year_window(parse_period(text).year)  # all the period and its previous one can need
        data = build(scheme, load_facts(session, scheme, within=window), text, STORE_DRAFT)
    owed = owed_report(session, scheme, text)
    return replace(data, stamp=store_stamp(session, data), owed=owed.states if owed.chased else None)


def stamp_of(row: PublishedResult) -> BulletinStamp:
    """The stamp of one published_results row: its version, publication time, status and audit chain head."""
    return BulletinStamp(
        version=row.version, published_at=row.published_at, audit_head=row.audit_head, status=row.status
    )


def store_stamp(session: Session, data: BulletinData) -> BulletinStamp:
    """The published version's stamp when ``data`` shows exactly its document; else a draft saying why.

    A fact changed since publication (and no correction published yet) gives a different ranking: that
    bulletin must not carry the version's number and chain head, or the paper would vouch for numbers
    nobody published.
    """
    row = publishing.current(session, scheme=data.scheme.scheme, period=data.result.period)
    if row is None:
        return STORE_DRAFT
    if not _shows(row.document, result_document(data.scheme, data.result)):
        return BulletinStamp(basis=f"按库中当前数据生成，与已发布的第 {row.version} 版结果不同")
    return stamp_of(row)


def _shows(published: dict[str, Any], fresh: dict[str, Any]) -> bool:
    """Every field of the fresh document equals the published one (as stored: through JSON, so floats and
    tuples compare the way they were kept; fields a later version may add to the stored one are ignored)."""
    kept = json.loads(json.dumps(fresh, ensure_ascii=False))
    return all(published.get(key) == value for key, value in kept.items())


def bulletin_data(scheme_name: str, period: str, *, data: Path | None = None, db: str | None = None) -> BulletinData:
    """The bulletin from a ``data`` folder/workbook or a ``db`` store URL (exactly one of them).

    Raises what ``kaoping score`` raises for bad input (SchemeError, InputErrors, PeriodError,
    UnsupportedPeriod, FileNotFoundError), so the CLI reports both the same way.
    """
    if (data is None) == (db is None):
        raise ValueError("give exactly one of data (a folder or workbook) or db (a store URL)")
    scheme = load_scheme(scheme_name)
    parse_period(period)  # a bad period is reported before any file is read
    if data is not None:
        return build(scheme, read_data(scheme, data), period)
    from kaoping.store.db import close_store, open_store

    assert db is not None
    factory = open_store(db)
    try:
        with factory() as session:
            return from_store(session, scheme, period)
    finally:
        close_store(factory)
