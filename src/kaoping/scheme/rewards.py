"""Bonus and reward constructs of the scheme language (加分项目、经济奖惩): what a plan adds for honors, bonus
scores and outside ranks, and the money by rank with 递补 — kept apart from ``model.py`` so the grammar of a
scheme's parts, groups and flags reads on its own.  ``model`` re-exports every name, so callers are unchanged.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from kaoping.scheme.base import Combine, Strict, Yuan


class HonorBonus(Strict):
    """加分: honors (表彰) turned into points by level, possibly added later and capped per calendar year."""

    type: Literal["honors"]
    name: str
    honor_kind: str = "award"
    points: dict[str, Decimal]
    """Points per level: national (国家部委) / provincial (省委省政府) / provincial_dept (省级业务主管部门)."""
    delay: int = Field(default=0, ge=0, le=24)
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


class BottomOrder(StrEnum):
    """Which end ``bottom`` is written from: the last unit first (the default), or as the ranking reads."""

    WORST_FIRST = "worst_first"
    """``bottom[0]`` is for the last unit, ``bottom[1]`` for the second-last (倒数第一名 first)."""
    WORST_LAST = "worst_last"
    """As a document lists them, 倒数第三名 … 倒数第一名: the last amount is for the last unit."""


class GroupTiers(Strict):
    """Economic rewards/penalties (经济奖惩) in yuan (or 万: ``-60万``): ``top[0]`` for the first; ``bottom``
    from the last unit unless ``bottom_order: worst_last`` says it is written as the ranking reads."""

    top: list[Yuan] = Field(default_factory=list)
    bottom: list[Yuan] = Field(default_factory=list)
    bottom_order: BottomOrder | None = None
    """None: not said — read as ``worst_first``; the checks refuse an order that is likely the other one."""

    @property
    def from_last(self) -> list[int]:
        """The penalties for the last unit, the second-last, ... (what the engine and the pages apply)."""
        return self.bottom[::-1] if self.bottom_order == BottomOrder.WORST_LAST else list(self.bottom)


class Disqualify(Strict):
    """取消获奖资格: a unit with an honor of this kind dated in the period loses its reward; 后位名次递补."""

    honor_kind: str = "criticism"
    flag: str = "disqualified"


class Rewards(Strict):
    tiers: dict[str, GroupTiers] = Field(default_factory=dict)
    """Per group name."""
    disqualify: Disqualify | None = None
