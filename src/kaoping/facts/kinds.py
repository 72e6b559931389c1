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
    table: str
    """The store table holding the rows."""
    natural_key: tuple[str, ...]
    """The columns that say which row a new one replaces: importing a row again updates it, not copies it."""
    key_unique: bool
    """The key names at most one row.  Otherwise rows equal on their key within one file (two anonymous
    experts' scores) are told apart by their order, so a file imported again matches itself row by row."""
    write_permission: str
    """The value of the policy's permission to write this kind (``kaoping.api.roles.Perm``)."""
    time_column: str | None
    """The column that places a row in time (a period, a date or a time), for "rows of 2024-Q2"."""

    @property
    def name(self) -> str:
        """The kind's name in files, URLs and the store: ``scores``."""
        return self.kind.value

    @property
    def columns(self) -> tuple[Column, ...]:
        """The interchange columns (:data:`kaoping.facts.columns.FILES`), in file order."""
        return FILES[self.name]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


KINDS: tuple[KindSpec, ...] = (
    KindSpec(
        FactKind.UNITS,
        label="考评对象",
        label_en="Evaluated unit",
        row_name="unit",
        table="units",
        natural_key=("unit_id",),
        key_unique=True,
        write_permission="units.write",
        time_column=None,
    ),
    KindSpec(
        FactKind.SCORES,
        label="考评得分",
        label_en="Scores",
        row_name="score",
        table="scores",
        natural_key=("period", "unit_id", "part", "item", "source"),
        key_unique=False,
        write_permission="scores.write",
        time_column="period",
    ),
    KindSpec(
        FactKind.DEDUCTIONS,
        label="督查扣分",
        label_en="Inspection deductions",
        row_name="deduction",
        table="deductions",
        natural_key=("date", "unit_id", "part", "item", "source", "problem", "location", "time"),
        key_unique=False,
        write_permission="deductions.write",
        time_column="date",
    ),
    KindSpec(
        FactKind.HONORS,
        label="表彰与通报批评",
        label_en="Awards and criticisms",
        row_name="honor",
        table="honors",
        natural_key=("date", "unit_id", "kind", "level", "title"),
        key_unique=False,
        write_permission="honors.write",
        time_column="date",
    ),
    KindSpec(
        FactKind.NOTICES,
        label="整改通报",
        label_en="Rectification notices",
        row_name="notice",
        table="notices",
        natural_key=("problem_id", "unit_id", "notified_on"),
        key_unique=True,
        write_permission="notices.write",
        time_column="notified_on",
    ),
    KindSpec(
        FactKind.CASES,
        label="数字城管案卷",
        label_en="Digital city-management cases",
        row_name="case",
        table="cases",
        natural_key=("case_id",),
        key_unique=True,
        write_permission="cases.write",
        time_column="reported_at",
    ),
    KindSpec(
        FactKind.RANKS,
        label="单项任务排名",
        label_en="Task rankings",
        row_name="rank",
        table="ranks",
        natural_key=("period", "unit_id", "task"),
        key_unique=True,
        write_permission="ranks.write",
        time_column="period",
    ),
)
"""Every kind, in the order of the interchange files (and of a workbook's sheets)."""

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
