"""考评通报: gather everything a bulletin shows — the period's result, the previous period's, the deduction
analysis and the case metrics — once, so the Excel and PDF writers never compute anything.

Three ways in, one computation (:func:`build`): a data folder or workbook (``kaoping report``), a store
URL (``kaoping report --db``: one engine for the one bulletin), or the session a page already holds (the
office's download: no new engine and no migration per click).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from kaoping.app import frozen
from kaoping.app.scoring import score_facts
from kaoping.engine.analysis import deduction_analysis
from kaoping.engine.evaluate import evaluate
from kaoping.engine.result import PeriodResult
from kaoping.facts import Facts
from kaoping.io.readers import read_facts
from kaoping.periods import parse_period
from kaoping.reports.data import BulletinData, case_metrics
from kaoping.scheme import Scheme, load_scheme
from kaoping.store.facts import load_facts

__all__ = ["build", "bulletin_data", "from_store"]


def build(scheme: Scheme, facts: Facts, period: str) -> BulletinData:
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
    return BulletinData(scheme, result, previous, analysis, case_metrics(facts, result))


def from_store(session: Session, scheme: Scheme, period: str) -> BulletinData:
    """The bulletin of ``period`` under one of the office's (already loaded) schemes, in the caller's session:
    of a published period, from its frozen version (the facts and scheme it was published with, so a
    bulletin downloaded any time later shows the published numbers); otherwise from the current facts."""
    text = str(parse_period(period))  # a bad period is reported before the store is read
    kept = frozen.published_frozen(session, scheme.scheme, text)
    if kept is not None:
        return build(kept.scheme, kept.facts, text)
    return build(scheme, load_facts(session, scheme), text)


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
        return build(scheme, read_facts(data), period)
    from kaoping.store.db import open_store

    assert db is not None
    factory = open_store(db)
    try:
        with factory() as session:
            return from_store(session, scheme, period)
    finally:
        engine = factory.kw.get("bind")
        if engine is not None:
            engine.dispose()  # one engine for this bulletin: give its connections back at once
