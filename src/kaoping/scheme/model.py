"""The scheme language (考评方案): a city's evaluation plan as a typed, validated model.

A scheme file is YAML; this module is its grammar.  Everything a plan says — groups and their items,
parts worth points or percent weights, how scores over months and scorers are combined, deductions
with floors, bonus rules with caps, rewards by rank with 递补, accountability flags — is one of the
constructs below, so a new city is a new file and never new code.  Cross-field rules that need the
whole document (weights adding up, tiers beyond group size, formula names) live in ``checks.py``.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from kaoping.periods import PeriodKind


class Strict(BaseModel):
    """Base for every construct: unknown keys are errors (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Combine(StrEnum):
    """How several numbers become one: 汇总方式."""

    SUM = "sum"
    MEAN = "mean"
    MAX = "max"
    MIN = "min"
    LATEST = "latest"


class Rounding(StrEnum):
    HALF_UP = "half_up"
    TRUNCATE = "truncate"
    HALF_EVEN = "half_even"


class Source(StrEnum):
    """Which interchange file feeds a leaf part."""

    SCORES = "scores"  # scores.csv: 部门考评, 第三方测评, 社会评价 ...
    DEDUCTIONS = "deductions"  # deductions.csv: 扣分制 items (maximum minus deductions, floored)
    CASES = "cases"  # cases.csv: a formula over the unit's case metrics (数字城管运行效果)


ItemsRule = Literal["group", "open", "none"] | list[str]
"""Which `item` values a data row may name: the unit's group items, any text, only the whole part, or a list."""


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


class Part(Strict):
    """A part of the score (考评构成): a leaf fed by one data file, or a node combining child parts.

    Points: ``max`` (and ``min``) bound the value; the value is clamped to that range.  Weights: under a
    parent with ``combine: weighted`` each child carries ``weight`` in percent and the parent's value is
    the weighted sum.  ``formula`` combines children (or metrics) with a user formula instead.
    """

    name: str
    aliases: list[str] = Field(default_factory=list)
    max: Decimal | None = None
    min: Decimal = Decimal(0)
    weight: Decimal | None = None
    note: str | None = None
    groups: list[str] = Field(default_factory=list)
    """Top-level parts only: the groups this part applies to (default: all) — 村居 and 保洁公司 differ."""

    # leaf
    source: Source | None = None
    given_per: PeriodKind | None = None
    """scores rows for this part must name a period of this kind (第三方测评: month; 部门考评: quarter)."""
    items: ItemsRule = "open"
    row_max: Decimal | None = None
    """Largest score one row may carry (default: ``max``); a larger one is an input error."""
    scorers: Combine = Combine.MEAN
    """Several rows for the same unit, item and period (several scorers): 多个评分取平均."""
    pool: bool = False
    """Scores: all rows of the unit in the evaluated period count as one set, whatever their month or item
    (有考评多次的取平均数: one mean over all evaluations of the quarter, not a mean of monthly means);
    ``scorers`` then combines them."""
    items_combine: Combine = Combine.SUM
    over_time: Combine = Combine.MEAN
    """Across the sub-periods of the evaluated period that have data: mean of months, sum, latest."""
    item_cap: Decimal | None = None
    """Deductions: at most this many points are deducted per item (单项扣完为止)."""
    floor: Decimal | None = None
    """Deductions: the value never goes below this (default ``min``)."""

    # node (formula: also a cases leaf's formula over case metrics, see kaoping.cases.metrics)
    parts: list[Part] = Field(default_factory=list)
    combine: Literal["sum", "weighted", "formula"] = "sum"
    formula: str | None = None

    @property
    def is_leaf(self) -> bool:
        return not self.parts

    def names(self) -> list[str]:
        return [self.name, *self.aliases]

    def walk(self) -> list[Part]:
        """This part and all parts below it, parents first."""
        out: list[Part] = [self]
        for child in self.parts:
            out.extend(child.walk())
        return out


class HonorBonus(Strict):
    """加分: honors (表彰) turned into points by level, possibly added later and capped per calendar year."""

    type: Literal["honors"]
    name: str
    honor_kind: str = "award"
    points: dict[str, Decimal]
    """Points per level: national (国家部委) / provincial (省委省政府) / provincial_dept (省级业务主管部门)."""
    delay: int = Field(default=0, ge=0)
    """Added this many periods of the scheme's main kind after the one it is dated in (次季度予以加分)."""
    cap_per_year: Decimal | None = None
    """At most this much added within one calendar year, awards applied in date order (年度累计不超过)."""


class ScoreBonus(Strict):
    """加分 given as rows of scores.csv under a bonus part (争先创优, 领导赋分)."""

    type: Literal["scores"]
    name: str
    aliases: list[str] = Field(default_factory=list)
    same_item: Combine = Combine.SUM
    """Several rows for the same matter (`item`): 所得分以最高分计 is ``max``; different matters add up."""
    cap: Decimal | None = None

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class RankTier(Strict):
    ranks: tuple[int, int]
    points: Decimal


class RankBonus(Strict):
    """加分 by a unit's rank in an outside evaluation (ranks.csv): rank 1–3 adds 3, 4–6 adds 1."""

    type: Literal["ranks"]
    name: str
    task: str
    tiers: list[RankTier]
    cap: Decimal | None = None


BonusRule = Annotated[HonorBonus | ScoreBonus | RankBonus, Field(discriminator="type")]


class Bonus(Strict):
    """加分项目: rules added up, then capped overall (特色工作 at most 10)."""

    rules: list[BonusRule] = Field(default_factory=list)
    cap: Decimal | None = None


class GroupTiers(Strict):
    """Economic rewards/penalties (经济奖惩) in yuan: ``top[0]`` for the first, ``bottom[0]`` for the last."""

    top: list[int] = Field(default_factory=list)
    bottom: list[int] = Field(default_factory=list)


class Disqualify(Strict):
    """取消获奖资格: a unit with an honor of this kind dated in the period loses its reward; 后位名次递补."""

    honor_kind: str = "criticism"
    flag: str = "disqualified"


class Rewards(Strict):
    tiers: dict[str, GroupTiers] = Field(default_factory=dict)
    """Per group name."""
    disqualify: Disqualify | None = None


class RankCondition(Strict):
    """A unit's rank in an outside evaluation (ranks.csv) worse than ``worse_than`` in the period."""

    task: str
    worse_than: int = Field(ge=1)


class FlagRule(Strict):
    """An accountability flag (问责) and its condition — exactly one of:

    - ``bottom`` (the default, 1): among the last ``bottom`` of the group's ranking (末位表态发言);
    - ``top``: among the first ``top`` (表彰, a flag rather than money: 通报表扬);
    - ``below``: a shown total below this score (不达标问责);
    - ``flagged``: the unit got flag ``flagged`` (an earlier rule) in the period — with ``consecutive: 2``,
      a second 提醒 in a row becomes 督导 (supervision);
    - ``rank``: its rank in an outside evaluation (ranks.csv task) is worse than a number (保洁公司 warning);
    - ``failed_verifications``: cases of the unit failed verification in the period; the flag is written
      ``code:N`` with the count (``unqualified_cases:3``).

    ``consecutive``: the condition must hold in this and the previous ``consecutive - 1`` periods
    (连续2个季度排名末位 → ``public_explanation``).

    ``label``: the flag's Chinese name on bulletins and pages (通报表扬); without it, the built-in name of
    the code (engine/phrases.py ``FLAG_NAMES``), or the code itself.
    """

    code: str
    label: str | None = None
    bottom: int | None = Field(default=None, ge=1)
    top: int | None = Field(default=None, ge=1)
    below: Decimal | None = None
    flagged: str | None = None
    rank: RankCondition | None = None
    failed_verifications: bool = False
    consecutive: int = Field(default=1, ge=1)
    groups: list[str] = Field(default_factory=list)
    """Only these groups (default: every group)."""


class RectificationPenalty(Strict):
    """整改通报扣分 from notices.csv, in the period of each notification.

    A notification of a problem not rectified within ``rectify_days`` of it (rectified on the last day
    counts as in time) costs ``points``; after ``escalate_after`` consecutive notifications of the same
    problem, the next one and every later one cost ``escalated_points`` (连续3次通报后仍未整改的, 双倍扣分:
    the 4th with ``escalate_after: 3``).  A problem
    rectified and later notified again starts a new count.
    """

    type: Literal["rectification"]
    name: str = "整改通报扣分"
    points: Decimal
    escalate_after: int | None = Field(default=None, ge=1)
    escalated_points: Decimal | None = None
    rectify_days: int = Field(default=0, ge=0)


Penalty = Annotated[RectificationPenalty, Field(discriminator="type")]


class InspectionWindow(Strict):
    """When inspections count (考评时间): months of the year and a daily clock window, both inclusive."""

    months: list[int] = Field(min_length=1)
    start: str = Field(pattern=r"^\d{1,2}:\d{2}$")
    end: str = Field(pattern=r"^\d{1,2}:\d{2}$")


class Scheme(Strict):
    """A whole evaluation plan.  ``periods`` maps each supported period kind to how it is evaluated."""

    scheme: str
    title: str
    version: int = 1
    source_document: str | None = None
    notes: list[str] = Field(default_factory=list)
    periods: dict[PeriodKind, PeriodRule]
    display: Display = Display()
    groups: list[Group]
    parts: list[Part]
    combine: Literal["sum", "weighted"] = "sum"
    """How the top-level parts make the total: points added up, or percent weights (百分制权重)."""
    bonus: Bonus = Bonus()
    total_max: Decimal | None = None
    penalties: list[Penalty] = Field(default_factory=list)
    total_min: Decimal | None = None
    """The total never goes below this (现场考评: 月度得分扣完为止, never below 0)."""
    inspection_windows: list[InspectionWindow] = Field(default_factory=list)
    """Deductions found outside these windows are excluded and reported (empty: every time counts)."""
    rewards: Rewards = Rewards()
    flags: list[FlagRule] = Field(default_factory=list)

    @property
    def main_kind(self) -> PeriodKind:
        """The finest period kind evaluated directly (the one bonus delays are counted in)."""
        direct = [k for k, rule in self.periods.items() if rule.from_ is None]
        return min(direct, key=lambda k: k.size)

    def root(self, group: str | None = None) -> Part:
        """The top-level parts (of ``group``) as one node: the total before bonus, combined like any node."""
        parts = [p for p in self.parts if group is None or not p.groups or group in p.groups]
        return Part(name="基本分", parts=parts, combine=self.combine, max=self.total_max)

    def all_parts(self) -> list[Part]:
        out: list[Part] = []
        for p in self.parts:
            out.extend(p.walk())
        return out

    def leaves(self) -> list[Part]:
        return [p for p in self.all_parts() if p.is_leaf]

    def group(self, name: str) -> Group | None:
        return next((g for g in self.groups if g.name == name), None)
