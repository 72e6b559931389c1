"""Flag conditions (问责条件) as types: what makes a unit get an accountability flag.

A scheme file writes a flag rule's condition as one flat key beside its code (``{code: statement,
bottom: 1}``); ``FlagRule`` reads that key into one of the types below.  Each condition says itself —
``params()`` feeds the engine's explanation line, ``sentence()`` the scheme page's Chinese reading — so no
reader asks which of six optional fields happens to be set; the engine matches on the type to apply it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter, ValidationError

from kaoping.scheme.base import ByKind, Strict

FlagName = Callable[[str], str]
"""How a page names a flag code (its Chinese name); the identity where a code will do."""
ConditionParams = dict[str, str | int | Decimal]
"""A condition's parameters of the engine's flag line (``condition`` names it; see engine/phrases.py)."""
Sentence = tuple[str, dict[str, object]]
"""A Chinese sentence with ``{placeholders}`` and their values: how the scheme page reads a condition."""


def _plain(value: Decimal) -> str:
    """A number as a scheme writes it: ``60`` not ``6E+1``, ``59.5`` not ``59.50``."""
    return format(value.normalize(), "f")


class LastInGroup(Strict):
    """末位: among the last ``bottom`` of the group's ranking, ties included (末位表态发言); the default."""

    bottom: int = Field(default=1, ge=1)

    def params(self) -> ConditionParams:
        return {"condition": "bottom", "n": self.bottom}

    def sentence(self, flag_name: FlagName = str) -> Sentence:
        return "组内排名末 {n} 位（并列者同计）", {"n": self.bottom}


class FirstInGroup(Strict):
    """前列: among the first ``top`` as ranked (表彰 as a flag rather than money: 通报表扬)."""

    top: int = Field(ge=1)

    def params(self) -> ConditionParams:
        return {"condition": "top", "n": self.top}

    def sentence(self, flag_name: FlagName = str) -> Sentence:
        return "排名前 {n} 名", {"n": self.top}


class TotalBelow(Strict):
    """不达标: the shown (rounded) total is below this score."""

    below: Decimal

    def params(self) -> ConditionParams:
        return {"condition": "below", "n": self.below}

    def sentence(self, flag_name: FlagName = str) -> Sentence:
        return "总分低于 {x} 分", {"x": _plain(self.below)}


class FlaggedEarlier(Strict):
    """The unit got flag ``flagged`` from an earlier rule in the period (提醒 twice in a row → 督导)."""

    flagged: str

    def params(self) -> ConditionParams:
        return {"condition": "flagged", "flagged": self.flagged, "n": 0}

    def sentence(self, flag_name: FlagName = str) -> Sentence:
        return "已获标记“{f}”", {"f": flag_name(self.flagged)}


class RankCondition(Strict):
    """A unit's rank in an outside evaluation (ranks.csv) worse than ``worse_than`` in the period."""

    task: str
    worse_than: int = Field(ge=1)


class OutsideRankWorse(Strict):
    """排名靠后: its rank in an outside evaluation (a ranks.csv task) is worse than a number (保洁公司 warning)."""

    rank: RankCondition

    def params(self) -> ConditionParams:
        return {"condition": "rank", "task": self.rank.task, "n": self.rank.worse_than}

    def sentence(self, flag_name: FlagName = str) -> Sentence:
        return "在“{t}”中排名低于第 {n} 名", {"t": self.rank.task, "n": self.rank.worse_than}


class FailedVerifications(Strict):
    """核查不通过: cases of the unit failed verification in the period; the flag is written ``code:N``."""

    failed_verifications: Literal[True] = True

    def params(self) -> ConditionParams:
        return {"condition": "failed_verifications", "n": 0}

    def sentence(self, flag_name: FlagName = str) -> Sentence:
        return "有案卷处置效果核查不通过（标记次数）", {}


class GradeIs(Strict):
    """等次: the unit's grade in the period is this one (不合格 → 问责); the grade bands are the scheme's."""

    grade: str = Field(min_length=1, max_length=20)

    def params(self) -> ConditionParams:
        return {"condition": "grade", "grade": self.grade, "n": 0}

    def sentence(self, flag_name: FlagName = str) -> Sentence:
        return "考评等次为“{g}”", {"g": self.grade}


CONDITION_KEYS: dict[str, type[Strict]] = {
    "bottom": LastInGroup,
    "top": FirstInGroup,
    "below": TotalBelow,
    "flagged": FlaggedEarlier,
    "rank": OutsideRankWorse,
    "failed_verifications": FailedVerifications,
    "grade": GradeIs,
}
"""Each flat key of a flag rule in the file → the condition it writes."""
CONDITION_TAGS = frozenset(c.__name__ for c in CONDITION_KEYS.values())
"""Names Pydantic puts into error locations to say which condition it validated (not keys of the file)."""


def _condition_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        found = [CONDITION_KEYS[k].__name__ for k in value if k in CONDITION_KEYS]
        return found[0] if len(found) == 1 else None
    return type(value).__name__ if type(value).__name__ in CONDITION_TAGS else None


FlagCondition = Annotated[
    LastInGroup | FirstInGroup | TotalBelow | FlaggedEarlier | OutsideRankWorse | FailedVerifications | GradeIs,
    ByKind(
        _condition_kind,
        "flag_condition",
        "expected one condition: bottom, top, below, flagged, rank, failed_verifications or grade",
    ),
]
"""What makes a unit get a flag: exactly one of the seven conditions."""


def condition_value(key: str, value: Any) -> Any:
    """A flat condition key's value as the condition takes it; None when the key does not count.

    ``null`` never counts, nor ``failed_verifications: false`` (as the file always read); a yes/no that is
    not a boolean is passed on for the condition to report.
    """
    if value is None or key != "failed_verifications":
        return value
    try:
        return True if TypeAdapter(bool).validate_python(value) else None
    except ValidationError:
        return value
