"""排名稳健性 on the office's period page: for each group, every pair of neighbours with its exact margin and
the smallest one-weight change that would make them equal, fragile ranks marked.

Read from the period's kept result (:func:`kaoping.app.results.scored`: a published period as published), so
the page shows the robustness of the very ranking it lists; the numbers are the engine's
(:mod:`kaoping.engine.robustness`), only worded here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from kaoping.app.results import scored
from kaoping.engine.evaluate import UnsupportedPeriod
from kaoping.engine.numbers import fmt
from kaoping.engine.robustness import FRAGILITY_NAMES, FRAGILITY_NAMES_EN, Neighbours, Robustness, rank_robustness
from kaoping.errors import InputErrors
from kaoping.periods import PeriodError
from kaoping.scheme import Scheme

MAX_ROWS = 300
"""Pairs listed at most (fragile ones first): a group of a thousand streets would not fit a page."""


@dataclass(frozen=True)
class PairRow:
    group: str
    upper: str
    upper_rank: int
    lower: str
    lower_rank: int
    margin: str
    swap: str
    fragile: str


@dataclass(frozen=True)
class RobustnessView:
    rows: list[PairRow]
    smallest: list[tuple[str, str]]
    """Per group: the smallest one-weight change that makes two neighbours equal, as a sentence."""
    rounding_unit: str
    fragile: int
    hidden: int = 0
    """Pairs left out of ``rows`` beyond MAX_ROWS."""


def robustness_view(session: Session, scheme: Scheme, period: str, lang: str = "zh") -> RobustnessView | None:
    """The period's robustness, or None when it has no ranking to speak of (no data, a period kind the scheme
    does not evaluate, facts the scheme refuses)."""
    try:
        kept = scored(session, scheme, period)
    except (UnsupportedPeriod, PeriodError, InputErrors):
        return None
    if not kept.result.evaluated:
        return None
    return _view(rank_robustness(kept.scheme, kept.result), lang)


def _listed(r: Robustness) -> list[Neighbours]:
    """Every pair in rank order; beyond MAX_ROWS, the fragile ones first (stable: rank order within each)."""
    if len(r.pairs) <= MAX_ROWS:
        return r.pairs
    return sorted(r.pairs, key=lambda p: not p.fragility)[:MAX_ROWS]


def _view(r: Robustness, lang: str) -> RobustnessView:
    names = FRAGILITY_NAMES_EN if lang == "en" else FRAGILITY_NAMES
    rows = [
        PairRow(
            p.group,
            p.upper.name,
            p.upper.rank,
            p.lower.name,
            p.lower.rank,
            fmt(abs(p.margin)),
            p.swap.text(lang) if p.swap else "",
            ("; " if lang == "en" else "；").join(names[f] for f in p.fragility),
        )
        for p in _listed(r)
    ]
    smallest: list[tuple[str, str]] = []
    for g in r.groups():
        best = r.smallest(g)
        if best is not None and best.swap is not None:
            a, b = best.upper.name, best.lower.name
            equal = f": {a} and {b} equal" if lang == "en" else f"，{a}与{b}总分相等"
            sentence = best.swap.text(lang) + equal
            smallest.append((g, sentence))
    hidden = max(0, len(r.pairs) - MAX_ROWS)
    return RobustnessView(rows, smallest, fmt(r.rounding_unit), len(r.fragile()), hidden)
