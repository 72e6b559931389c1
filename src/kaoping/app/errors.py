"""The refusals of the use cases (领域错误), in one import for the layer and its edges.

Defined in the neutral :mod:`kaoping.errors` so the store's own rule (a published result is frozen) can
raise a :class:`Conflict` too; the mapping to answers is the edges' business: ``api/errors.py`` (HTTP
problems), ``web/app.py`` (Chinese pages, sign-in redirect), the CLI's commands (exit codes).
"""

from __future__ import annotations

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

__all__ = [
    "Conflict",
    "Denied",
    "DomainError",
    "Forbidden",
    "Invalid",
    "NeedsConfirmation",
    "NotFound",
    "Problem",
    "problems_of",
]
