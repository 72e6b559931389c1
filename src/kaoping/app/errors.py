"""The refusals of the use cases (领域错误), in one import for the layer and its edges.

Defined in the neutral :mod:`kaoping.errors` so the store's own rule (a published result is frozen) can
raise a :class:`Conflict` too; the mapping to answers is the edges' business: ``api/errors.py`` (HTTP
problems), ``web/app.py`` (Chinese pages, sign-in redirect), the CLI's commands (exit codes).
"""

from __future__ import annotations

from kaoping.engine.evaluate import UnsupportedPeriod
from kaoping.errors import (
    Conflict,
    Denied,
    DomainError,
    Forbidden,
    Invalid,
    NeedsConfirmation,
    NotFound,
    Problem,
    problems_of,
)
from kaoping.scheme.loader import SchemeError


def invalid_scheme_or_period(exc: SchemeError | UnsupportedPeriod) -> Invalid:
    """A scheme that cannot be used, or a period it does not evaluate, as the use case's refusal — in both
    languages, so the API's ``Accept-Language`` and the CLI's ``--lang`` choose, not the exception's author."""
    if isinstance(exc, SchemeError):
        return Invalid((exc.describe("zh"), exc.describe("en")))
    return Invalid((str(exc), exc.text("en")))


__all__ = [
    "Conflict",
    "Denied",
    "DomainError",
    "Forbidden",
    "Invalid",
    "NeedsConfirmation",
    "NotFound",
    "Problem",
    "invalid_scheme_or_period",
    "problems_of",
]
