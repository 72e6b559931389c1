"""Results of an evaluation and their explanations (得分说明): every number traces back to rows and rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Line:
    """One step of an explanation: which part or rule, what it did, how many points, from which rows.

    ``rows`` are spreadsheet row numbers (header = 1) of the input file labelled ``file`` (a path, or
    book.xlsx[sheet]); plain ints, because a big period cites millions of them.
    """

    part: str
    rule: str
    points: Decimal
    file: str = ""
    rows: tuple[int, ...] = ()


@dataclass
class UnitResult:
    """A unit's result for one period.  ``total`` is exact; ``shown_total`` is rounded by the scheme."""

    unit_id: str
    name: str
    group: str
    reward_eligible: bool
    parts: dict[str, Decimal]
    """Every part's value by name, top-level parts first (nested parts follow their parent)."""
    top_parts: list[str]
    bonus: Decimal
    bonus_detail: dict[str, Decimal]
    total: Decimal
    penalty: Decimal = Decimal(0)
    """Subtracted from the total (整改通报扣分)."""
    rated: bool = True
    """False when no row scores the unit in the period (未考评): listed apart, never ranked, rewarded or flagged."""
    shown_total: Decimal = Decimal(0)
    rank: int = 0
    reward: int = 0
    flags: list[str] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class Excluded:
    file: str
    row: int
    unit_id: str
    reason: str


@dataclass
class GroupResult:
    group: str
    ranking: list[UnitResult]
    unrated: list[UnitResult] = field(default_factory=list)


@dataclass
class PeriodResult:
    scheme: str
    period: str
    groups: list[GroupResult]
    excluded: list[Excluded] = field(default_factory=list)
    """Rows not counted, and why (deductions outside the inspection windows): reported, never dropped."""
    evaluated: bool = True
    """False when no fact at all falls in the period (used to tell 'no data' from 'everyone scored 0')."""

    def unit(self, unit_id: str) -> UnitResult | None:
        for g in self.groups:
            for u in (*g.ranking, *g.unrated):
                if u.unit_id == unit_id:
                    return u
        return None

    def units(self) -> list[UnitResult]:
        """The ranked units of every group (unrated ones are not among them)."""
        return [u for g in self.groups for u in g.ranking]
