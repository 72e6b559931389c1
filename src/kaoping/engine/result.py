"""Results of an evaluation and their explanations (得分说明): every number traces back to rows and rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from kaoping.engine.phrases import Lang, Msg, Params, line_text


class LineKind(StrEnum):
    """What a line explains, so a reader (a page, a bulletin) can place it without reading its text."""

    PART = "part"
    """A part's rows or its subtotal (a leaf's value, a node combining its children)."""
    BASE = "base"
    """The top-level parts combined: 基本分, the total before bonus and penalties."""
    TOTAL = "total"
    """总分: base + bonus − penalties, a derived period's combination, or 未考评."""
    BONUS = "bonus"
    """A bonus rule's points (加分), its cap, or the scheme's overall bonus cap."""
    PENALTY = "penalty"
    """A penalty subtracted from the total (整改通报扣分)."""
    REWARD = "reward"
    """Economic rewards and penalties by rank (经济奖惩), skipped units, disqualification (取消获奖资格)."""
    FLAG = "flag"
    """An accountability flag (问责标记)."""
    RANK = "rank"
    """How a rank was decided (排名): equal totals put in order by the scheme's tie-break parts."""
    EXCLUDED = "excluded"
    """A row not counted (outside the inspection windows, 考评时段): reported, worth nothing."""
    GRADE = "grade"
    """The unit's grade (等次) by its shown total, where the scheme writes grade bands."""


@dataclass(frozen=True)
class Line:
    """One step of an explanation: which part or rule, what it did, how many points, from which rows.

    What it says is a message ``key`` with ``params`` (simple values), put into words by
    :mod:`kaoping.engine.phrases` in English (``rule``, what the CLI and the JSON print) or Chinese.
    ``rows`` are spreadsheet row numbers (header = 1) of the input file labelled ``file`` (a path, or
    book.xlsx[sheet]), or store ids (``db:deductions``); plain ints, because a big period cites millions
    of them.  ``periods``: the sub-periods a derived period's line came from, outermost first.
    """

    part: str
    kind: LineKind
    key: Msg
    params: Params = field(hash=False)
    points: Decimal
    file: str = ""
    rows: tuple[int, ...] = ()
    periods: tuple[str, ...] = ()

    @property
    def rule(self) -> str:
        """The line in English, as ``kaoping score --explain`` prints it."""
        return line_text(self, Lang.EN)

    def text(self, lang: str) -> str:
        """The line in ``lang`` (``zh`` or ``en``)."""
        return line_text(self, lang)

    def within(self, period: str) -> Line:
        """This line as a derived period shows it: the same line, from sub-period ``period``.

        A year's lines are its months' lines twice over (month → quarter → year), tens of thousands of them:
        the fields (params, row numbers) are shared, not copied, and the dataclass machinery of ``replace``
        (a check and an ``__init__`` per line) is skipped — a frozen line is never changed, so sharing is safe.
        """
        copy = object.__new__(Line)
        fields = copy.__dict__
        fields.update(self.__dict__)
        fields["periods"] = (period, *self.periods)
        return copy


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
    base: Decimal = Decimal(0)
    """The parts combined by the scheme's tree, before bonus and penalty: total = max(base + bonus − penalty,
    total_min), kept so a reader can check a total by hand (the public page's 基础分)."""
    rated: bool = True
    """False when no row scores the unit in the period (未考评): listed apart, never ranked, rewarded or flagged."""
    shown_total: Decimal = Decimal(0)
    rank: int = 0
    reward: int = 0
    flags: list[str] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    grade: str | None = None
    """The grade (等次) of the shown total among the scheme's bands; None: not graded (no bands, or unrated)."""


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
