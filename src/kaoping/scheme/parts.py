"""Parts of the score (考评构成) as types: a leaf of scores, deductions or cases, or a node of parts.

A scheme file writes every part as one flat mapping (``{name: 部门考评, max: 300, source: scores}``);
which kind it is follows from its keys: ``parts`` makes a node, otherwise ``source`` names the file
that feeds the leaf.  Each kind carries only its own keys, so a key that belongs to another kind is
named at load instead of being silently ignored, and the engine matches on the type instead of asking
which optional fields happen to be set.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, cast

from pydantic import BeforeValidator, Field, field_validator
from pydantic_core import PydanticCustomError

from kaoping.periods import PeriodKind
from kaoping.scheme.base import ByKind, Combine, Strict
from kaoping.scheme.due import Due


class Source(StrEnum):
    """Which interchange file feeds a leaf part."""

    SCORES = "scores"  # scores.csv: 部门考评, 第三方测评, 社会评价 ...
    DEDUCTIONS = "deductions"  # deductions.csv: 扣分制 items (maximum minus deductions, floored)
    CASES = "cases"  # cases.csv: a formula over the unit's case metrics (数字城管运行效果)


ItemsRule = Literal["group", "open", "none"] | list[str]
"""Which `item` values a data row may name: the unit's group items, any text, only the whole part, or a list."""

NodeCombine = Literal["sum", "weighted", "formula"]
"""How a node's children make its value: added up, percent weights, or a formula over their names."""


def _either(choices: list[str]) -> str:
    """'a', 'b' or 'c' — how Pydantic lists the values of an enumeration."""
    return ", ".join(choices[:-1]) + f" or {choices[-1]}" if len(choices) > 1 else choices[0]


class PartBase(Strict):
    """What every part has (考评构成): a name, bounds, a weight under a weighted parent, groups it applies to.

    Points: ``max`` (and ``min``) bound the value; the value is clamped to that range.  Weights: under a
    parent with ``combine: weighted`` each child carries ``weight`` in percent and the parent's value is
    the weighted sum.
    """

    name: str
    aliases: list[str] = Field(default_factory=list)
    max: Decimal | None = None
    min: Decimal = Decimal(0)
    weight: Decimal | None = None
    note: str | None = None
    groups: list[str] = Field(default_factory=list)
    """Top-level parts only: the groups this part applies to (default: all) — 村居 and 保洁公司 differ."""

    @property
    def is_leaf(self) -> bool:
        return True

    def names(self) -> list[str]:
        return [self.name, *self.aliases]

    def walk(self) -> list[Part]:
        """This part and all parts below it, parents first."""
        return [cast("Part", self)]  # every concrete part is one of the Part variants


class ScoresLeaf(PartBase):
    """A leaf fed by scores.csv (部门考评, 第三方测评, 社会评价): rows combined over scorers, items and time."""

    source: Literal[Source.SCORES] = Source.SCORES
    """Defaults only so a leaf whose file names no source still loads far enough to be reported by the
    whole-document checks together with everything else (see ``source_given``)."""
    given_per: PeriodKind | None = None
    """scores rows for this part must name a period of this kind (第三方测评: month; 部门考评: quarter)."""
    items: ItemsRule = "open"
    row_max: Decimal | None = None
    """Largest score one row may carry (default: ``max``); a larger one is an input error."""
    scorers: Combine = Combine.MEAN
    """Several rows for the same unit, item and period (several scorers): 多个评分取平均."""
    pool: bool = False
    """All rows of the unit in the evaluated period count as one set, whatever their month or item
    (有考评多次的取平均数: one mean over all evaluations of the quarter, not a mean of monthly means);
    ``scorers`` then combines them."""
    items_combine: Combine = Combine.SUM
    over_time: Combine = Combine.MEAN
    """Across the sub-periods of the evaluated period that have data: mean of months, sum, latest."""
    due: Due | None = None
    """报送时限: the part's scores are owed, per unit and item, by this day (see due.py); None: not chased."""
    by: list[str] | dict[str, list[str]] | None = None
    """Who owes the scores (报送单位, the ``source`` its rows carry): one list for every item, or per item
    (市容秩序: [市城管局, 市市场监管局]); None: whichever account scores the part (its account parts)."""

    def scorers_of(self, item: str) -> list[str]:
        """The organisations owing the score of ``item`` ([""]: not named — any account scoring the part)."""
        if self.by is None:
            return [""]
        named = self.by if isinstance(self.by, list) else self.by.get(item, [])
        return list(named) or [""]

    @field_validator("source", mode="before")
    @classmethod
    def _known_source(cls, value: Any) -> Any:
        """A source that is none of the three fell to this kind: answer with the enumeration's message."""
        if not isinstance(value, str) or value not in set(Source):  # a list or mapping is not hashable
            choices = [f"'{s.value}'" for s in Source]
            raise PydanticCustomError("enum", "Input should be {expected}", {"expected": _either(choices)})
        return value

    @property
    def source_given(self) -> bool:
        """Whether the file wrote ``source`` (a leaf without one is an error the checks report)."""
        return "source" in self.model_fields_set


class DeductionsLeaf(PartBase):
    """A 扣分制 leaf fed by deductions.csv: its maximum minus the deductions, never below its floor."""

    source: Literal[Source.DEDUCTIONS]
    items: ItemsRule = "open"
    item_cap: Decimal | None = None
    """At most this many points are deducted per item (单项扣完为止)."""
    floor: Decimal | None = None
    """The value never goes below this (default ``min``)."""


class CasesLeaf(PartBase):
    """A leaf fed by cases.csv (数字城管运行效果): a formula over the unit's case metrics (kaoping.cases.metrics)."""

    source: Literal[Source.CASES]
    formula: str | None = None


class Node(PartBase):
    """A part made of sub-parts, combined by ``combine`` (求和, 加权 or a formula over their names)."""

    parts: list[Part]
    combine: NodeCombine = "sum"
    formula: str | None = None
    round_terms: int | None = Field(default=None, ge=0, le=6)
    """With ``combine: weighted``: each weighted term rounded half-up to this many decimals before they are
    added, as offices that print each term do (a bulletin's 38.212 kept as 38.21); None: exact terms."""

    @property
    def is_leaf(self) -> bool:
        return False

    def walk(self) -> list[Part]:
        out: list[Part] = [self]
        for child in self.parts:
            out.extend(child.walk())
        return out


Leaf = ScoresLeaf | DeductionsLeaf | CasesLeaf
"""Any leaf part: each has a ``source``."""
ItemLeaf = ScoresLeaf | DeductionsLeaf
"""A leaf whose rows name an item (考评细项): scores and deductions, each with its ``items`` rule."""

_BY_SOURCE: dict[str, str] = {
    Source.SCORES: "ScoresLeaf",
    Source.DEDUCTIONS: "DeductionsLeaf",
    Source.CASES: "CasesLeaf",
}
PART_TAGS = frozenset({"Node", *_BY_SOURCE.values()})
"""Names Pydantic puts into error locations to say which kind of part it validated (not keys of the file)."""


def _part_kind(value: Any) -> str | None:
    """Which kind of part a mapping from the file is: ``parts`` makes a node, else ``source`` says.

    A leaf without a source, or with a source that is not one of the three, is validated as a scores
    leaf: the first loads and is reported by the checks, the second gets the enumeration's message.
    """
    if not isinstance(value, dict):
        return type(value).__name__ if type(value).__name__ in PART_TAGS else None
    if value.get("parts"):
        return "Node"
    return _BY_SOURCE.get(str(value.get("source")), "ScoresLeaf")


def _flat_part(value: Any) -> Any:
    """Flat keys that say nothing on a leaf (``parts: []``, ``combine: sum``) are accepted, as they always were."""
    if isinstance(value, dict) and not value.get("parts"):
        return {k: v for k, v in value.items() if (k, v) not in (("parts", []), ("combine", "sum"))}
    return value


Part = Annotated[
    ScoresLeaf | DeductionsLeaf | CasesLeaf | Node,
    ByKind(_part_kind, "part_kind", "expected a part: a mapping with name and source, or name and parts"),
    BeforeValidator(_flat_part),
]
"""A part of the score: one of the three leaves or a node (考评构成)."""
