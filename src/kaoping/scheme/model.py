"""The scheme language (考评方案): a city's evaluation plan as a typed, validated model.

A scheme file is YAML; this module is its grammar.  Everything a plan says — groups and their items,
parts worth points or percent weights, how scores over months and scorers are combined, deductions
with floors, bonus rules with caps, rewards by rank with 递补, accountability flags — is one of the
constructs below, so a new city is a new file and never new code.  Parts (``parts.py``) and flag
conditions (``conditions.py``) are unions of types read from the file's flat keys.  Cross-field rules
that need the whole document (weights adding up, tiers beyond group size, formula names) live in
``checks.py``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar, cast

from pydantic import Field, PrivateAttr, ValidatorFunctionWrapHandler, model_validator

from kaoping.periods import PeriodKind
from kaoping.scheme.base import Combine, Strict
from kaoping.scheme.conditions import (
    CONDITION_KEYS,
    FailedVerifications,
    FirstInGroup,
    FlagCondition,
    FlaggedEarlier,
    GradeIs,
    LastInGroup,
    OutsideRankWorse,
    RankCondition,
    TotalBelow,
    condition_value,
)
from kaoping.scheme.grades import GradeBand, Grades
from kaoping.scheme.parts import (
    CasesLeaf,
    DeductionsLeaf,
    ItemLeaf,
    ItemsRule,
    Leaf,
    Node,
    Part,
    PartBase,
    ScoresLeaf,
    Source,
)
from kaoping.scheme.rewards import (
    Bonus,
    BonusRule,
    BottomOrder,
    Disqualify,
    GroupTiers,
    HonorBonus,
    RankBonus,
    RankTier,
    Rewards,
    ScoreBonus,
)
from kaoping.scheme.standard import Standard

__all__ = [
    "Bonus",
    "BonusRule",
    "BottomOrder",
    "CasesLeaf",
    "Combine",
    "DeductionsLeaf",
    "Disqualify",
    "FailedVerifications",
    "FirstInGroup",
    "FlagCondition",
    "FlaggedEarlier",
    "GradeBand",
    "GradeIs",
    "GroupTiers",
    "HonorBonus",
    "ItemLeaf",
    "ItemsRule",
    "LastInGroup",
    "Leaf",
    "Node",
    "OutsideRankWorse",
    "Part",
    "PartBase",
    "RankBonus",
    "RankCondition",
    "RankTier",
    "Rewards",
    "ScoreBonus",
    "ScoresLeaf",
    "Source",
    "Strict",
    "TotalBelow",
]

L = TypeVar("L", ScoresLeaf, DeductionsLeaf, CasesLeaf)


class Rounding(StrEnum):
    HALF_UP = "half_up"
    TRUNCATE = "truncate"
    HALF_EVEN = "half_even"


class PeriodRule(Strict):
    """How one period kind is evaluated.

    Without ``from_``, the period is evaluated directly from the facts dated in it.  With it, the period
    is made of its sub-periods (a year of four quarters, a quarter of three months): each is evaluated
    on its own and parts, bonus and totals are combined by ``combine`` (sum of quarters, mean of months).
    """

    from_: PeriodKind | None = Field(default=None, alias="from")
    combine: Combine = Combine.SUM
    rewards: bool = True
    flags: bool = True


class Display(Strict):
    """How totals are shown and ranked: offices round half-up by default; some plans truncate."""

    decimals: int = Field(default=2, ge=0, le=6)
    rounding: Rounding = Rounding.HALF_UP
    rank_on: Literal["rounded", "exact"] = "rounded"
    ties: Literal["shared"] | list[str] = "shared"
    """'shared' ranks equal totals 1, 2, 2, 4; a list of part names breaks ties by those parts in order."""


class Group(Strict):
    """A group of evaluated units (分组/序列) ranked against each other, with its content items (考评内容)."""

    name: str
    items: list[str] = Field(default_factory=list)
    size: int | None = Field(default=None, ge=1)
    """How many units the plan puts in this group, when it says (lets tiers be checked at load)."""
    grades: Grades | None = None
    """This group's own grade bands (等次), best first; None: the scheme's (see grades.py)."""


class FlagRule(Strict):
    """An accountability flag (问责) and its condition, written in the file as one flat key — exactly one of:

    - ``bottom`` (the default, 1): among the last ``bottom`` of the group's ranking (末位表态发言);
    - ``top``: among the first ``top`` (表彰, a flag rather than money: 通报表扬);
    - ``below``: a shown total below this score (不达标问责);
    - ``flagged``: the unit got flag ``flagged`` (an earlier rule) in the period — with ``consecutive: 2``,
      a second 提醒 in a row becomes 督导 (supervision);
    - ``rank``: its rank in an outside evaluation (ranks.csv task) is worse than a number (保洁公司 warning);
    - ``failed_verifications``: cases of the unit failed verification in the period; the flag is written
      ``code:N`` with the count (``unqualified_cases:3``).

    The key is read into ``condition``, one of the types above.  ``consecutive``: the condition must hold
    in this and the previous ``consecutive - 1`` periods (连续2个季度排名末位 → ``public_explanation``).

    ``label``: the flag's Chinese name on bulletins and pages (通报表扬); without it, the built-in name of
    the code (engine/phrases.py ``FLAG_NAMES``), or the code itself.
    """

    code: str
    label: str | None = None
    """Chinese name shown on bulletins and pages."""
    condition: FlagCondition
    consecutive: int = Field(default=1, ge=1, le=12)
    """At most 12: each earlier period is evaluated again to decide (a million would never finish)."""
    groups: list[str] = Field(default_factory=list)
    """Only these groups (default: every group)."""
    _also_given: tuple[str, ...] = PrivateAttr(default=())

    @model_validator(mode="wrap")
    @classmethod
    def _read_flat_condition(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> FlagRule:
        """The file's flat condition key → ``condition``; a second one is kept aside for the checks to report."""
        if not isinstance(data, dict) or "condition" in data:
            return cast(FlagRule, handler(data))
        rest = {k: v for k, v in data.items() if k not in CONDITION_KEYS}
        written = ((k, condition_value(k, v)) for k, v in data.items() if k in CONDITION_KEYS)
        given = [(k, v) for k, v in written if v is not None]
        rest["condition"] = dict(given[:1]) or {"bottom": 1}
        rule = cast(FlagRule, handler(rest))
        rule._also_given = tuple(k for k, _ in given[1:])
        return rule

    @property
    def also_given(self) -> tuple[str, ...]:
        """Condition keys written after the first one: the file gave several (a load error)."""
        return self._also_given


class ChargeBy(StrEnum):
    """What a rectification penalty charges: each notification row, or each report a problem stays open in."""

    NOTIFICATION = "notification"
    """Every late notification row costs (the rows of a problem in a row decide the escalation)."""
    REPORT = "report"
    """Every report (evaluated period) a problem is overdue in costs once, however many rows it has, and every
    failed re-inspection (a notice row's ``failed_reinspections``) costs as well (连续3次通报 = three reports
    in a row)."""


class RectificationPenalty(Strict):
    """整改通报扣分 from notices.csv.

    ``charge: notification`` (the default): a notification not rectified within ``rectify_days``
    of it (rectified on the last day counts as in time) costs ``points`` in its period; after ``escalate_after``
    consecutive notifications of the same problem, the next one and every later one cost ``escalated_points``.
    A problem rectified and later notified again starts a new count.

    ``charge: report``: a problem's run is due ``rectify_days`` after its first notification; every evaluated
    period it is overdue in (due passed, not rectified before the period) costs once — the n-th such period
    ``escalated_points`` when n > ``escalate_after`` — and each failed re-inspection (整改不达标, a notice
    row's ``failed_reinspections``) costs what that period costs.  ``times_original``: a charge costs that many
    times the notice's own ``points`` (原扣分, 加倍扣分), or ``points`` for a notice without them.
    ``working_days``: ``rectify_days`` are working days of China's calendar and the scheme's ``calendar``.
    """

    type: Literal["rectification"]
    name: str = "整改通报扣分"
    points: Decimal
    escalate_after: int | None = Field(default=None, ge=1, le=100)
    escalated_points: Decimal | None = None
    rectify_days: int = Field(default=0, ge=0, le=366)
    """At most a year: dates are moved by it, and a date beyond 9999 is an OverflowError, not a message."""
    working_days: bool = False
    charge: ChargeBy = ChargeBy.NOTIFICATION
    times_original: Decimal | None = Field(default=None, gt=0, le=100)


class WorkdayOverrides(Strict):
    """The office's corrections to China's calendar (调休 not yet in the holidays package, local holidays), for
    deadlines in working days; part of the scheme so a published result is reproduced with the same days."""

    holidays: list[date] = Field(default_factory=list, max_length=366)
    workdays: list[date] = Field(default_factory=list, max_length=366)
    not_holidays: list[date] = Field(default_factory=list, max_length=366)


Penalty = Annotated[RectificationPenalty, Field(discriminator="type")]


class InspectionWindow(Strict):
    """When inspections count (考评时间): months of the year and a daily clock window, both inclusive."""

    months: list[int] = Field(min_length=1)
    start: str = Field(pattern=r"^\d{1,2}:\d{2}$")
    end: str = Field(pattern=r"^\d{1,2}:\d{2}$")


class EvaluatedYears(Strict):
    """考评年度: the calendar years the scheme evaluates, both inclusive.  Entry refuses a fact dated outside
    them (a mistyped 2031 would otherwise open a 2031 period); without it, 2000 to the current year."""

    from_: int = Field(alias="from", ge=1900, le=9999)
    to: int | None = Field(default=None, ge=1900, le=9999)
    """None: up to the current calendar year."""

    @model_validator(mode="after")
    def _ordered(self) -> EvaluatedYears:
        if self.to is not None and self.to < self.from_:
            raise ValueError(f"years: from {self.from_} is after to {self.to}")
        return self


MAX_DESCRIPTION = 300
"""A description is a sentence or two, not the plan: the readings belong in ``notes`` and comments."""


class Scheme(Strict):
    """A whole evaluation plan.  ``periods`` maps each supported period kind to how it is evaluated."""

    scheme: str
    title: str
    version: int = 1
    source_document: str | None = None
    description: str | None = Field(None, max_length=MAX_DESCRIPTION)
    """What the plan is, in a sentence or two (Chinese): shown under its title in lists and on its page."""
    description_en: str | None = Field(None, max_length=2 * MAX_DESCRIPTION)
    """The same in English, shown instead when the reader switched to English (the title stays as written)."""
    notes: list[str] = Field(default_factory=list)
    periods: dict[PeriodKind, PeriodRule]
    display: Display = Display()
    groups: list[Group]
    parts: list[Part]
    combine: Literal["sum", "weighted"] = "sum"
    """How the top-level parts make the total: points added up, or percent weights (百分制权重)."""
    round_terms: int | None = Field(default=None, ge=0, le=6)
    """With ``combine: weighted``: each top-level weighted term rounded half-up to this many decimals first."""
    bonus: Bonus = Bonus()
    total_max: Decimal | None = None
    penalties: list[Penalty] = Field(default_factory=list)
    total_min: Decimal | None = None
    """The total never goes below this (现场考评: 月度得分扣完为止, never below 0)."""
    inspection_windows: list[InspectionWindow] = Field(default_factory=list)
    """Deductions found outside these windows are excluded and reported (empty: every time counts)."""
    rewards: Rewards = Rewards()
    flags: list[FlagRule] = Field(default_factory=list)
    years: EvaluatedYears | None = None
    calendar: WorkdayOverrides = WorkdayOverrides()
    """Corrections to China's working days for deadlines counted in working days (``working_days``)."""
    """The calendar years evaluated (考评年度); None: 2000 up to the current year (see app/entry_checks.py)."""
    grades: Grades = Field(default_factory=list)
    """Grade bands (等次) of the shown total, best first (see grades.py); empty: the plan grades nobody."""

    def described(self, lang: str) -> str:
        """The description in ``lang`` ("en": the English one where written, else the Chinese); empty if none."""
        if lang == "en" and self.description_en:
            return self.description_en
        return self.description or ""

    standard: str | None = Field(default=None, min_length=1, max_length=500)
    """The standards catalogue (扣分标准) deductions may name a problem kind of: a built-in name or a path
    beside the scheme file (scheme/standard.py).  None: deduction rows give their points freely."""
    standard_version: int | None = Field(default=None, ge=1)
    """The version of the standard this scheme was written for; another version is a load error."""
    _standard: Standard | None = PrivateAttr(default=None)

    @property
    def catalogue(self) -> Standard | None:
        """The standard named by :attr:`standard`, as the loader resolved it (None: no standard)."""
        return self._standard

    report_only: bool = False
    """通报型方案: each unit's parts (rates, counts, scores) are published as they are, with no total and no
    ranking — a weekly case report publishes rates, not a rank.  The checks refuse whatever would need a rank
    or a total (rewards by rank, bottom/top/below flags, tie-breaks, bonus, penalties, total clamps)."""

    @property
    def main_kind(self) -> PeriodKind:
        """The finest period kind evaluated directly (the one bonus delays are counted in)."""
        direct = [k for k, rule in self.periods.items() if rule.from_ is None]
        return min(direct, key=lambda k: k.size)

    def root(self, group: str | None = None) -> Node:
        """The top-level parts (of ``group``) as one node: the total before bonus, combined like any node."""
        parts = [p for p in self.parts if group is None or not p.groups or group in p.groups]
        return Node(name="基本分", parts=parts, combine=self.combine, max=self.total_max, round_terms=self.round_terms)

    def all_parts(self) -> list[Part]:
        out: list[Part] = []
        for p in self.parts:
            out.extend(p.walk())
        return out

    def leaves(self) -> list[Leaf]:
        return [p for p in self.all_parts() if not isinstance(p, Node)]

    def leaves_of(self, kind: type[L]) -> list[L]:
        """The leaves of one kind (scores, deductions or cases), in file order."""
        return [p for p in self.all_parts() if isinstance(p, kind)]

    def group(self, name: str) -> Group | None:
        return next((g for g in self.groups if g.name == name), None)

    def grades_of(self, group: str) -> list[GradeBand]:
        """The grade bands of ``group``: its own when it writes them, else the scheme's."""
        found = self.group(group)
        return list(found.grades) if found is not None and found.grades is not None else list(self.grades)

    @property
    def graded(self) -> bool:
        """Whether any group is graded (the result document then carries ``grade``)."""
        return bool(self.grades) or any(g.grades for g in self.groups)
