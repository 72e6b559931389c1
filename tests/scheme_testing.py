"""Small helpers shared by the built-in schemes' test modules (tests/unit/engine/test_scheme_*.py)."""

from __future__ import annotations

from kaoping.engine.result import PeriodResult, UnitResult


def unit(result: PeriodResult, uid: str) -> UnitResult:
    """The unit's result, ranked or unrated; fails the test when the unit is missing."""
    found = result.unit(uid)
    assert found is not None, f"{uid} not in the result of {result.period}"
    return found
