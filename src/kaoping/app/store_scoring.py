"""``kaoping score --db`` (库内计分) as a use case: a period scored from the store the way its pages score it.

Reading every stored fact and scoring them anew took 27 s for a month of a 1 M-case city and ran a
10 M-case one out of memory; the store keeps per (unit, month) cells and per-period results
(:func:`~kaoping.app.results.live_scored`), so the command reads those — the numbers are the same, which
the kept-versus-recomputed tests check on both backends.  Live numbers, a published period too (the
pages show its published version).  :func:`~kaoping.app.scoring.score_store` still recomputes from every
row: the reference the tests compare with.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kaoping.app.results import live_scored, unit_lines
from kaoping.engine.result import PeriodResult, UnitResult
from kaoping.periods import parse_period
from kaoping.scheme import Scheme, load_scheme


@dataclass(frozen=True)
class StoreScore:
    """A period scored from the store, and the unit asked to be explained (its lines citing their rows)."""

    scheme: Scheme
    result: PeriodResult
    explained: UnitResult | None = None


def score_kept(scheme_name: str, url: str | None, period_text: str, explain: str | None = None) -> StoreScore:
    """Score ``period_text`` from the store at ``url`` (which must exist: StoreMissing otherwise); with
    ``explain``, that unit's lines with the rows they count, read for that one unit.  Raises like
    ``kaoping score`` (UnsupportedPeriod, PeriodError, InputErrors)."""
    from kaoping.store.db import close_store, open_existing_store

    scheme = load_scheme(scheme_name)
    parse_period(period_text)
    factory = open_existing_store(url)
    try:
        with factory() as session:
            kept = live_scored(session, scheme, period_text)
            unit = kept.result.unit(explain) if explain is not None else None
            if unit is not None and explain is not None:
                unit = replace(unit, lines=unit_lines(session, kept, explain))
            return StoreScore(scheme, kept.result, unit)
    finally:
        close_store(factory)
