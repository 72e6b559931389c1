"""What the built-in schemes' test modules (tests/unit/engine/test_scheme_*.py) share: scoring a scheme on
its example folder, a unit of a result, and rankings (排名) in the shapes the hand-worked numbers are
written in, so each module states its numbers and nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.app.scoring import score_facts
from kaoping.cli import app
from kaoping.engine.evaluate import evaluate
from kaoping.engine.result import GroupResult, PeriodResult, UnitResult
from kaoping.facts import Facts
from kaoping.io.readers import read_facts
from kaoping.periods import parse_period
from kaoping.scheme import Scheme, load_scheme


def unit(result: PeriodResult, uid: str) -> UnitResult:
    """The unit's result, ranked or unrated; fails the test when the unit is missing."""
    found = result.unit(uid)
    assert found is not None, f"{uid} not in the result of {result.period}"
    return found


def evaluate_period(scheme: Scheme, facts: Facts, period: str) -> PeriodResult:
    """The engine alone on ``facts`` for the period written as text (no check of the facts first)."""
    return evaluate(scheme, facts, parse_period(period))


@dataclass(frozen=True)
class ExampleRun:
    """Scores ``scheme`` for a period on a folder of facts: its example folder unless another is given.

    ``checked``: the way `kaoping score` does (``score_facts``: the period kind and the facts checked against
    the scheme first); otherwise the engine's ``evaluate`` alone.
    """

    scheme: Scheme
    data: Path
    checked: bool = False

    def __call__(self, period: str, data: Path | None = None) -> PeriodResult:
        facts = read_facts(self.data if data is None else data)
        if self.checked:
            return score_facts(self.scheme, facts, period)
        return evaluate_period(self.scheme, facts, period)


def score_example(name: str, period: str, data: Path | None = None) -> PeriodResult:
    """Built-in scheme ``name`` scored like `kaoping score` on examples/<name> (or ``data``)."""
    return ExampleRun(load_scheme(name), EXAMPLES / name, checked=True)(period, data)


def group_of(result: PeriodResult, group: str | None = None, *, only: bool = False) -> GroupResult:
    """Group ``group`` of the result; None: the result's one group (fails the test unless there is exactly
    one).  ``only``: the result must have this group and no other."""
    names = [g.group for g in result.groups]
    if group is None or only:
        assert len(names) == 1 and group in (None, names[0]), f"expected the one group {group}, got {names}"
        return result.groups[0]
    found = next((g for g in result.groups if g.group == group), None)
    assert found is not None, f"no group {group} in {names}"
    return found


def ranks(result: PeriodResult, group: str | None = None, *, only: bool = False) -> list[tuple[str, int]]:
    """(unit, rank) in ranking order of a group (chosen as in ``group_of``)."""
    return [(u.unit_id, u.rank) for u in group_of(result, group, only=only).ranking]


def ranks_and_totals(
    result: PeriodResult, group: str | None = None, *, only: bool = False
) -> list[tuple[str, int, Decimal]]:
    """(unit, rank, shown total) in ranking order of a group (chosen as in ``group_of``)."""
    return [(u.unit_id, u.rank, u.shown_total) for u in group_of(result, group, only=only).ranking]


def rankings_by_group(
    result: PeriodResult, groups: Sequence[str] | None = None
) -> dict[str, list[tuple[str, int, Decimal]]]:
    """Every group's (unit, rank, shown total) in ranking order; ``groups``: the groups, in order, there must be."""
    if groups is not None:
        assert [g.group for g in result.groups] == list(groups)
    return {g.group: [(u.unit_id, u.rank, u.shown_total) for u in g.ranking] for g in result.groups}


def rank_and_total_by_unit(result: PeriodResult) -> dict[str, tuple[int, Decimal]]:
    """unit → (rank, shown total) over every group."""
    return {u.unit_id: (u.rank, u.shown_total) for u in result.units()}


def cli_ranking(name: str, period: str) -> tuple[list[str], list[tuple[object, ...]]]:
    """`kaoping score --scheme NAME --data examples/NAME --period P` as JSON: the groups, and per ranked unit
    its pinned fields (rank, unit_id, total, bonus, reward, flags) in ranking order."""
    result = CliRunner().invoke(app, ["score", "--scheme", name, "--data", str(EXAMPLES / name), "--period", period])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["scheme"] == name and doc["period"] == period
    rows = [
        (u["rank"], u["unit_id"], u["total"], u["bonus"], u["reward"], u["flags"])
        for g in doc["groups"]
        for u in g["ranking"]
    ]
    return [g["group"] for g in doc["groups"]], rows
