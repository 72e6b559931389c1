"""Scoring (计分) as a use case: reading, checking and the engine tied together for the CLI, the API, the pages
and publishing alike."""

from __future__ import annotations

from pathlib import Path

from kaoping.app.unit_names import resolve_unit_names
from kaoping.engine.consistency import check_facts
from kaoping.engine.evaluate import DirectUnits, Evaluated, UnsupportedPeriod, evaluate
from kaoping.engine.result import PeriodResult
from kaoping.errors import ErrorLog, InputErrors
from kaoping.facts import Facts
from kaoping.io.readers import read_facts_leniently
from kaoping.periods import parse_period
from kaoping.scheme import Scheme, load_scheme


def score_facts(
    scheme: Scheme,
    facts: Facts,
    period_text: str,
    *,
    known: Evaluated | None = None,
    computed: Evaluated | None = None,
    direct: DirectUnits | None = None,
    checked: bool = False,
) -> PeriodResult:
    """Check ``facts`` against ``scheme`` (raising InputErrors; ``checked``: the caller did, when it read
    them), then evaluate the period (``known``, ``computed`` and ``direct``: results kept between
    evaluations, see :func:`~kaoping.engine.evaluate.evaluate`)."""
    period = parse_period(period_text)
    if period.kind not in scheme.periods:
        raise UnsupportedPeriod(scheme.scheme, scheme.periods, period)
    if not checked:
        check_facts(scheme, facts)
    return evaluate(scheme, facts, period, known=known, computed=computed, direct=direct)


def score_store(scheme_name: str, url: str | None, period_text: str) -> tuple[Scheme, PeriodResult]:
    """Score from the store: the same engine on the same frames, read from the tables.  A store that is not
    there raises StoreMissing (it is not created: an empty store would rank nobody)."""
    scheme = load_scheme(scheme_name)
    parse_period(period_text)
    return scheme, score_facts(scheme, store_facts(scheme, url), period_text)


def store_facts(scheme: Scheme, url: str | None) -> Facts:
    """The facts of ``scheme``'s units in the store at ``url``, which must exist (StoreMissing otherwise)."""
    from kaoping.store.db import close_store, open_existing_store
    from kaoping.store.facts import load_facts

    factory = open_existing_store(url)
    try:
        with factory() as session:
            return load_facts(session, scheme)
    finally:
        close_store(factory)


def read_data(scheme: Scheme, data: Path) -> Facts:
    """A data folder or workbook read as an import reads it: unit names stand for their units (of its own
    units file), and a file with mistakes is refused with all of them — reading, units and the scheme's
    checks — in one answer (InputErrors)."""
    log = ErrorLog()
    facts = resolve_unit_names(None, read_facts_leniently(data, log), log)
    if log:
        try:
            check_facts(scheme, facts)
        except InputErrors as exc:
            log.add_counted(exc.errors, exc.total)
        raise InputErrors(facts.in_file_order(log.kept), log.total)
    return facts


def score_folder(scheme_name: str, data: Path, period_text: str) -> tuple[Scheme, PeriodResult]:
    scheme = load_scheme(scheme_name)
    parse_period(period_text)  # a bad period is reported before any file is read
    return scheme, score_facts(scheme, read_data(scheme, data), period_text)


def check_folder(scheme: Scheme, data: Path) -> Facts:
    """A data folder or workbook checked against ``scheme`` as ``kaoping score --data`` checks it, without
    scoring (``kaoping check``): every reading, unit and scheme problem at once (InputErrors), else the facts."""
    facts = read_data(scheme, data)
    check_facts(scheme, facts)
    return facts
