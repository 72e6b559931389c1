"""The kinds of data (数据类别) as one registry: per kind its columns, store table, natural key, names and
the permission that writes it.

A kind is one interchange file, one store table, one pair of API endpoints and one entry form.  Before,
a dozen modules kept their own list of kinds (the readers, the consistency checks, the store's tables and
keys, the API's models and routes, the entry page, the policy's write permissions), so adding a kind or
renaming one meant finding them all.  They now read this table, and a test checks the API models and the
store tables against it.

Neutral (no store, api or web imports), so io and the engine may use it as well: the write permission is
the *value* of the policy's permission (``"scores.write"``), which the policy turns into its enum.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kaoping.facts.columns import FILES, Column

__all__ = [
    "ENTRY_ORDER",
    "FILE_NAMES",
    "KINDS",
    "UNIT_FACTS",
    "FactKind",
    "KindSpec",
    "spec_of",
]


class FactKind(StrEnum):
    """What a row is: a unit under evaluation, or one of the kinds of fact a unit is scored on."""

    UNITS = "units"
    SCORES = "scores"
    DEDUCTIONS = "deductions"
    HONORS = "honors"
    NOTICES = "notices"
    CASES = "cases"
    RANKS = "ranks"


@dataclass(frozen=True)
class KindSpec:
    """Everything the system knows about one kind of data (数据类别), apart from what is done with it."""

    kind: FactKind
    label: str
    """The Chinese name (headings, upload summaries); the pages translate it to :attr:`label_en`."""
    label_en: str
    row_name: str
    """One row in English (``score``): names the API's models (``ScoreIn``) and endpoints (``post_score``)."""
    natural_key: tuple[str, ...]
    """The columns that say which row a new one replaces: importing a row again updates it, not copies it."""
    key_unique: bool
    """The key names at most one row.  Otherwise rows equal on their key within one file (two anonymous
    experts' scores) are told apart by their order, so a file imported again matches itself row by row."""
    time_column: str | None
    """The column that places a row in time (a period, a date or a time), for "rows of 2024-Q2"."""

    @property
    def name(self) -> str:
        """The kind's name in files, URLs and the store: ``scores``."""
        return self.kind.value

    @property
    def table(self) -> str:
        """The store table holding the rows: named as the kind, so it is derived rather than written twice."""
        return self.name

    @property
    def write_permission(self) -> str:
        """The value of the policy's permission to write this kind (``kaoping.api.roles.Perm``):
        ``<kind>.write`` for every kind, which the policy's enum spells out member by member."""
        return f"{self.name}.write"

    @property
    def columns(self) -> tuple[Column, ...]:
        """The interchange columns (:data:`kaoping.facts.columns.FILES`), in file order."""
        return FILES[self.name]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


_NAMES: dict[FactKind, tuple[str, str, str]] = {
    # kind: (label, label_en, row_name)
    FactKind.UNITS: ("考评对象", "Evaluated unit", "unit"),
    FactKind.SCORES: ("考评得分", "Scores", "score"),
    FactKind.DEDUCTIONS: ("督查扣分", "Inspection deductions", "deduction"),
    FactKind.HONORS: ("表彰与通报批评", "Awards and criticisms", "honor"),
    FactKind.NOTICES: ("整改通报", "Rectification notices", "notice"),
    FactKind.CASES: ("数字城管案卷", "Digital city-management cases", "case"),
    FactKind.RANKS: ("单项任务排名", "Task rankings", "rank"),
}
"""How each kind is named.  The registry is a table, one row a kind, written as such; it is split by
concern (names here, keys below) so that a row fits on a line."""

_KEYS: dict[FactKind, tuple[tuple[str, ...], bool, str | None]] = {
    # kind: (natural_key, key_unique, time_column)
    FactKind.UNITS: (("unit_id",), True, None),
    FactKind.SCORES: (("period", "unit_id", "part", "item", "source"), False, "period"),
    FactKind.DEDUCTIONS: (("date", "unit_id", "part", "item", "source", "problem", "location", "time"), False, "date"),
    FactKind.HONORS: (("date", "unit_id", "kind", "level", "title"), False, "date"),
    FactKind.NOTICES: (("problem_id", "unit_id", "notified_on"), True, "notified_on"),
    FactKind.CASES: (("case_id",), True, "reported_at"),
    FactKind.RANKS: (("period", "unit_id", "task"), True, "period"),
}
"""How each kind's rows are matched and placed in time (see the fields of :class:`KindSpec`)."""

KINDS: tuple[KindSpec, ...] = tuple(KindSpec(kind, *_NAMES[kind], *_KEYS[kind]) for kind in FactKind)
"""Every kind, in the order of :class:`FactKind`, which is that of the interchange files (and of a workbook's
sheets)."""

FILE_NAMES: tuple[str, ...] = tuple(spec.name for spec in KINDS)
"""The interchange files, in order: ``units`` first (the other files name its units)."""

UNIT_FACTS: tuple[KindSpec, ...] = tuple(spec for spec in KINDS if spec.kind is not FactKind.UNITS)
"""The facts proper: rows about one unit (each names a ``unit_id`` of units), kept in fact tables."""

ENTRY_ORDER: tuple[FactKind, ...] = (
    FactKind.SCORES,
    FactKind.DEDUCTIONS,
    FactKind.NOTICES,
    FactKind.HONORS,
    FactKind.RANKS,
    FactKind.CASES,
)
"""The order the entry page offers the facts and the API lists them: the daily work first."""

_BY_NAME: dict[str, KindSpec] = {spec.name: spec for spec in KINDS}


def spec_of(kind: str) -> KindSpec:
    """The registry entry of ``kind`` (``"scores"`` or ``FactKind.SCORES``); KeyError for no such kind."""
    return _BY_NAME[kind]
