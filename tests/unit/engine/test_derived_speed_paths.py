"""The faster paths of a year's scoring (issue 13, point 3) give what the plain ones gave.

- ``Line.within`` (how a derived period takes its sub-periods' lines) equals ``dataclasses.replace`` with the
  period in front, for any line (hypothesis), and never changes the line it came from;
- ``derived_units`` looks each unit up by id once: the first unit of an id wins, as ``PeriodResult.unit`` finds it;
- the formula evaluator kept per thread gives each formula its own values, also alternating and across threads.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.engine.evaluate import _by_id
from kaoping.engine.phrases import Msg
from kaoping.engine.result import GroupResult, Line, LineKind, PeriodResult, UnitResult
from kaoping.scheme.formula import evaluate

periods = st.lists(st.sampled_from(["2024-01", "2024-Q1", "2024-H1", "2024"]), max_size=3).map(tuple)
lines = st.builds(
    Line,
    part=st.text(max_size=5),
    kind=st.sampled_from(list(LineKind)),
    key=st.sampled_from(list(Msg)),
    params=st.dictionaries(st.text(max_size=4), st.integers(), max_size=3),
    points=st.decimals(allow_nan=False, allow_infinity=False, places=2),
    file=st.text(max_size=8),
    rows=st.lists(st.integers(min_value=2), max_size=20).map(tuple),
    periods=periods,
)


@settings(max_examples=60, deadline=None)
@given(lines, st.sampled_from(["2024-03", "2024-Q2", "2024-H2"]))
def test_within_equals_replace(line: Line, period: str) -> None:
    before = (line.periods, dict(line.__dict__))
    shared = line.within(period)
    copied = replace(line, periods=(period, *line.periods))
    assert shared == copied
    assert hash(shared) == hash(copied)
    assert shared.__dict__ == copied.__dict__
    assert shared.periods[0] == period
    assert (line.periods, line.__dict__) == before  # the sub-period's own line is untouched
    assert type(shared) is Line


def _unit(uid: str, total: int) -> UnitResult:
    return UnitResult(uid, uid, "G", True, {}, [], Decimal(0), {}, Decimal(total))


def test_by_id_finds_what_unit_finds() -> None:
    ranked, unrated, twice = _unit("a", 1), _unit("b", 2), _unit("a", 3)
    result = PeriodResult("s", "2024-01", [GroupResult("G", [ranked], [unrated]), GroupResult("H", [twice])])
    found = _by_id(result)
    assert found == {"a": ranked, "b": unrated}
    assert all(found[uid] is result.unit(uid) for uid in ("a", "b"))


def test_kept_evaluator_reads_each_formulas_own_values() -> None:
    rate = {"结案率": Decimal("90"), "返工率": Decimal("5")}
    assert evaluate("结案率 * 0.6 + (100 - 返工率) * 0.4", rate) == Decimal("92.0")
    assert evaluate("min(100, 结案率 / 2)", {"结案率": Decimal("50")}) == Decimal("25")
    assert evaluate("结案率 * 0.6 + (100 - 返工率) * 0.4", rate) == Decimal("92.0")


def test_kept_evaluator_per_thread() -> None:
    def run(n: int) -> list[Decimal]:
        return [evaluate("x * 2 + y", {"x": Decimal(n), "y": Decimal(i)}) for i in range(200)]

    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(run, range(8)))
    assert got == [[Decimal(2 * n + i) for i in range(200)] for n in range(8)]
