"""The draw (抽签) as a pure function: seeded, deterministic, verifiable; its invariants; its refusals."""

from __future__ import annotations

from collections import Counter

import pytest

from kaoping.scheme.inspection import (
    DrawError,
    Frequency,
    PlanSpec,
    Visit,
    canonical_digest,
    commitment,
    draw,
    inputs_document,
    redraw,
)

UNITS = [f"u{i}" for i in range(1, 11)]
PEOPLE = ["张一", "李二", "王三", "赵四", "钱五"]
SEED = "00" * 32


def weekly(**changes: object) -> PlanSpec:
    values: dict[str, object] = {
        "scheme": "district-onsite",
        "period": "2024-06",
        "name": "6月日常巡查",
        "part": "日常考评",
        "visit": "announced",
        "frequency": "weekly",
        "quota": 2,
        "teams": 2,
        "team_size": 2,
    }
    return PlanSpec.model_validate(values | changes)


def test_rounds_of_a_month() -> None:
    assert weekly().rounds == 4  # June 2024: Mondays 3, 10, 17, 24
    assert weekly(period="2024-07").rounds == 5  # July 2024: Mondays 1, 8, 15, 22, 29
    assert weekly(frequency="monthly", per_month=3, visit="unannounced").rounds == 3
    assert weekly(period="2024年6月").period == "2024-06"
    with pytest.raises(ValueError, match="检查计划按月制定"):
        weekly(period="2024-Q2")


def test_same_seed_same_assignment_and_input_order_does_not_matter() -> None:
    first = draw(SEED, weekly(), UNITS, PEOPLE)
    again = draw(SEED, weekly(), list(reversed(UNITS)), sorted(PEOPLE, reverse=True))
    assert first == again and first.digest() == again.digest()
    other = draw("11" * 32, weekly(), UNITS, PEOPLE)
    assert other.digest() != first.digest()


def test_the_assignment_is_pinned() -> None:
    """Fixed seed, fixed inputs → this exact draw on every machine and Python version (SHA-256 orderings only).
    If this changes, every published draw would stop verifying: change the algorithm only with a new format."""
    result = draw(SEED, weekly(), UNITS, PEOPLE)
    assert result.document()["teams"] == PINNED_TEAMS
    assert [(v.round, v.order, v.unit_id, v.team) for v in result.visits][:4] == PINNED_FIRST
    assert result.digest() == PINNED_DIGEST


def test_invariants() -> None:
    plan = weekly(quota=3, teams=2, team_size=2)
    result = draw("ab" * 32, plan, UNITS, PEOPLE)
    visits = Counter(v.unit_id for v in result.visits)
    assert visits == dict.fromkeys(UNITS, 3)  # each unit exactly its quota
    for unit in UNITS:  # at most once a round
        rounds = [v.round for v in result.visits if v.unit_id == unit]
        assert len(set(rounds)) == 3
    assert sorted(len(team) for team in result.teams.values()) == [2, 2]
    assert len({p for team in result.teams.values() for p in team}) == 4  # nobody in two teams
    for r in range(1, plan.rounds + 1):  # orders 1..n in each round, teams taking turns
        mine = [v for v in result.visits if v.round == r]
        assert [v.order for v in mine] == list(range(1, len(mine) + 1))
        assert [v.team for v in mine] == [k % 2 + 1 for k in range(len(mine))]


def test_commitment_and_redraw_from_the_record() -> None:
    assert commitment("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # SHA-256("abc")
    inputs = inputs_document(weekly(), UNITS, PEOPLE)
    assert redraw(SEED, inputs) == draw(SEED, weekly(), UNITS, PEOPLE)
    assert canonical_digest(inputs) == canonical_digest(inputs_document(weekly(), UNITS[::-1], PEOPLE[::-1]))


def test_refusals_in_chinese() -> None:
    with pytest.raises(DrawError, match="只有 4 轮检查"):
        draw(SEED, weekly(quota=5), UNITS, PEOPLE)
    with pytest.raises(DrawError, match="共需 6 人，只有 5 人"):
        draw(SEED, weekly(teams=3), UNITS, PEOPLE)
    with pytest.raises(DrawError, match="没有考评对象"):
        draw(SEED, weekly(), [], PEOPLE)
    assert weekly().visit is Visit.ANNOUNCED and weekly().frequency is Frequency.WEEKLY


PINNED_TEAMS = {"1": ["李二", "王三"], "2": ["钱五", "张一"]}
PINNED_FIRST = [(1, 1, "u8", 1), (1, 2, "u9", 2), (1, 3, "u3", 1), (1, 4, "u2", 2)]
PINNED_DIGEST = "9796e113df012b50d22497583412c2c39365cd32e5be8efe7f026cd883fb76d3"
