"""The month's ranking from kept cells (按汇总格排名), as the bench and the tests ask for it: the pages' own
:func:`~kaoping.app.results.scored`, which ranks every period kind from the kept cells
(:mod:`kaoping.app.kept_results`) — after one new case or deduction only the units it touched are computed
again, none of the city's case or deduction rows read.  A published month shows its frozen version."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kaoping.app.kept_results import kept_facts, why_not_cells
from kaoping.app.results import scored
from kaoping.engine.result import PeriodResult
from kaoping.periods import Period
from kaoping.scheme import Scheme

__all__ = ["kept_facts", "month_ranking", "why_not_cells"]


def month_ranking(session: Session, scheme: Scheme, period: str | Period) -> PeriodResult:
    """The ranking of ``period`` under ``scheme`` as the pages show it (kept cells unless the scheme's rules
    need rows, :func:`why_not_cells`).  Commits the cells' refresh."""
    return scored(session, scheme, period).result
