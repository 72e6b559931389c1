"""Inspection plans and the draw (检查计划与抽签): who inspects which unit, in which round, in which order.

A plan says how often a checklist is inspected in a month — every week (每周巡查) or n unannounced visits
(每月 n 次暗访) —, how many times each unit is visited (quota), and how many teams of how many inspectors go.
The draw must be random (a unit cannot know when it is next) and verifiable (the office cannot be said to
have steered it): a secret seed is generated and its SHA-256 published *before* the draw; after the
inspections the seed is revealed and anyone re-runs :func:`draw` with it and the recorded inputs.

So :func:`draw` is a pure function of (seed, plan, units, inspectors), deterministic across Python versions
and machines: every choice is an ordering by SHA-256 of the seed and the thing ordered, never
``random.Random`` (whose algorithms may change) nor the order of a set.  No store, io or web here.
"""

from __future__ import annotations

import calendar
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum

from pydantic import Field, field_validator

from kaoping.periods import PeriodKind, parse_period
from kaoping.scheme.base import Strict

MAX_UNITS = 2000
MAX_INSPECTORS = 500


class Frequency(StrEnum):
    """How often the checklist is inspected in a month."""

    WEEKLY = "weekly"  # 每周巡查: one round per week that starts (Monday) in the month
    MONTHLY = "monthly"  # 每月 n 次: ``per_month`` rounds


class Visit(StrEnum):
    """Whether units are told of the visits beforehand (明检) or not (暗访/暗检)."""

    ANNOUNCED = "announced"
    UNANNOUNCED = "unannounced"


VISIT_NAMES = {Visit.ANNOUNCED: "明检（事先告知）", Visit.UNANNOUNCED: "暗访（不事先告知）"}
FREQUENCY_NAMES = {Frequency.WEEKLY: "每周", Frequency.MONTHLY: "每月"}


class PlanSpec(Strict):
    """What an office decides for one scheme, month and checklist (a deduction part)."""

    scheme: str = Field(min_length=1, max_length=100)
    period: str = Field(min_length=7, max_length=10)
    name: str = Field(min_length=1, max_length=200)
    part: str = Field(min_length=1, max_length=100)
    visit: Visit
    frequency: Frequency
    per_month: int = Field(default=1, ge=1, le=31)
    """Rounds in the month when ``frequency`` is monthly (n 次暗访); ignored for weekly."""
    quota: int = Field(default=1, ge=1, le=31)
    """Visits per unit in the month: at most one per round."""
    teams: int = Field(default=1, ge=1, le=50)
    team_size: int = Field(default=2, ge=1, le=20)

    @field_validator("period")
    @classmethod
    def _month(cls, value: str) -> str:
        period = parse_period(value)  # PeriodError is a ValueError: Pydantic reports it on the field
        if period.kind is not PeriodKind.MONTH:
            raise ValueError(f"检查计划按月制定（YYYY-MM），而不是 {value}")
        return str(period)

    @property
    def rounds(self) -> int:
        """Inspection rounds in the month: its Mondays for weekly patrols, ``per_month`` otherwise."""
        if self.frequency is Frequency.MONTHLY:
            return self.per_month
        year, month = (int(x) for x in self.period.split("-"))
        first_weekday, days = calendar.monthrange(year, month)
        first_monday = 1 + (7 - first_weekday) % 7
        return len(range(first_monday, days + 1, 7))


@dataclass(frozen=True)
class Assignment:
    """One visit of the draw: round (1..), its place in the round's order (1..), the unit and the team."""

    round: int
    order: int
    unit_id: str
    team: int


@dataclass(frozen=True)
class Draw:
    """The whole draw: teams (team number → inspectors) and the visits in round and order."""

    teams: dict[int, tuple[str, ...]]
    visits: tuple[Assignment, ...]

    def document(self) -> dict[str, object]:
        """As stored and hashed: plain JSON values, keys as text."""
        return {
            "teams": {str(k): list(v) for k, v in sorted(self.teams.items())},
            "visits": [asdict(v) for v in self.visits],
        }

    def digest(self) -> str:
        return canonical_digest(self.document())


class DrawError(ValueError):
    """The plan cannot be drawn with these units and inspectors (said in Chinese)."""


def commitment(seed: str) -> str:
    """The SHA-256 (hex) of the seed's text, published before the draw (承诺值)."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def canonical_digest(value: object) -> str:
    """SHA-256 of ``value`` as canonical JSON (sorted keys, no spaces, UTF-8): the same on every machine."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _rank(seed: str, *parts: object) -> str:
    """The ordering key of one choice: SHA-256 of the seed and what is being placed, joined unambiguously."""
    return hashlib.sha256(json.dumps([seed, *parts], ensure_ascii=False).encode("utf-8")).hexdigest()


def draw(seed: str, plan: PlanSpec, units: Sequence[str], inspectors: Sequence[str]) -> Draw:
    """The assignment of ``plan`` for ``units`` and ``inspectors`` under ``seed`` — the same on every run.

    1. Teams: the inspectors ordered by SHA-256(seed, "inspector", name) are dealt into ``plan.teams``
       teams of ``team_size`` (extra inspectors stay home).
    2. Rounds: each unit is visited in the ``quota`` rounds that come first in SHA-256(seed, "round", unit, r).
    3. Order: within a round, units by SHA-256(seed, "order", round, unit); the k-th visit of a round goes to
       team (k − 1) mod teams + 1, so the teams share each round evenly.
    Inputs are taken as sets (sorted first), so the order an office lists them in changes nothing.
    """
    units_sorted, people = sorted(set(units)), sorted(set(inspectors))
    _check(plan, units_sorted, people)
    dealt = sorted(people, key=lambda name: _rank(seed, "inspector", name))
    teams = {t + 1: tuple(dealt[t * plan.team_size : (t + 1) * plan.team_size]) for t in range(plan.teams)}
    rounds: dict[int, list[str]] = {r: [] for r in range(1, plan.rounds + 1)}
    for unit in units_sorted:
        keys = {r: _rank(seed, "round", unit, r) for r in rounds}
        for r in sorted(rounds, key=keys.__getitem__)[: plan.quota]:
            rounds[r].append(unit)
    visits: list[Assignment] = []
    for r, members in rounds.items():
        order_keys = {u: _rank(seed, "order", r, u) for u in members}
        ordered = sorted(members, key=order_keys.__getitem__)
        visits.extend(Assignment(r, k + 1, u, k % plan.teams + 1) for k, u in enumerate(ordered))
    return Draw(teams, tuple(visits))


def _check(plan: PlanSpec, units: list[str], people: list[str]) -> None:
    if not units:
        raise DrawError("没有考评对象可抽：请先录入考评对象")
    if len(units) > MAX_UNITS or len(people) > MAX_INSPECTORS:
        raise DrawError(f"考评对象至多 {MAX_UNITS} 个、检查人员至多 {MAX_INSPECTORS} 人")
    if plan.quota > plan.rounds:
        raise DrawError(f"每个对象 {plan.quota} 次，但 {plan.period} 只有 {plan.rounds} 轮检查：每轮至多一次")
    needed = plan.teams * plan.team_size
    if len(people) < needed:
        raise DrawError(f"{plan.teams} 个检查组、每组 {plan.team_size} 人共需 {needed} 人，只有 {len(people)} 人")


def inputs_document(plan: PlanSpec, units: Sequence[str], inspectors: Sequence[str]) -> dict[str, object]:
    """Everything the draw depends on besides the seed, as recorded at the draw (hashed and re-run by verify)."""
    return {"plan": plan.model_dump(mode="json"), "units": sorted(set(units)), "inspectors": sorted(set(inspectors))}


def redraw(seed: str, inputs: dict[str, object]) -> Draw:
    """:func:`draw` from a recorded :func:`inputs_document` (what ``verify`` runs on the revealed seed)."""
    plan = PlanSpec.model_validate(inputs["plan"])
    units, people = inputs["units"], inputs["inspectors"]
    assert isinstance(units, list) and isinstance(people, list)
    return draw(seed, plan, [str(u) for u in units], [str(p) for p in people])
