"""Scoring (计分) as a use case: reading, checking and the engine tied together for the CLI, the API, the pages
and publishing alike."""

from __future__ import annotations

from pathlib import Path

from kaoping.engine.consistency import check_facts
from kaoping.engine.evaluate import Evaluated, UnsupportedPeriod, evaluate
from kaoping.engine.result import PeriodResult
from kaoping.facts import Facts
from kaoping.io.readers import read_facts
from kaoping.periods import parse_period
from kaoping.scheme import Scheme, load_scheme


def score_facts(
    scheme: Scheme, facts: Facts, period_text: str, *, known: Evaluated | None = None, computed: Evaluated | None = None
) -> PeriodResult:
    """Check ``facts`` against ``scheme`` (raising InputErrors), then evaluate the period (``known`` and
    ``computed``: sub-period results kept between evaluations, see :func:`~kaoping.engine.evaluate.evaluate`)."""
    period = parse_period(period_text)
    if period.kind not in scheme.periods:
        kinds = ", ".join(k.value for k in scheme.periods)
        raise UnsupportedPeriod(f"scheme {scheme.scheme} evaluates {kinds} periods; {period} is a {period.kind.value}")
    check_facts(scheme, facts)
    return evaluate(scheme, facts, period, known=known, computed=computed)


def score_store(scheme_name: str, url: str | None, period_text: str) -> tuple[Scheme, PeriodResult]:
    """Score from the store: the same engine on the same frames, read from the tables.  A store that is not
    there raises StoreMissing (it is not created: an empty store would rank nobody)."""
    from kaoping.store.db import close_store, open_existing_store
    from kaoping.store.facts import load_facts

    scheme = load_scheme(scheme_name)
    parse_period(period_text)
    factory = open_existing_store(url)
    try:
        with factory() as session:
            facts = load_facts(session, scheme)
    finally:
        close_store(factory)
    return scheme, score_facts(scheme, facts, period_text)


def score_folder(scheme_name: str, data: Path, period_text: str) -> tuple[Scheme, PeriodResult]:
    scheme = load_scheme(scheme_name)
    parse_period(period_text)  # a bad period is reported before any file is read
    return scheme, score_facts(scheme, read_facts(data), period_text)
