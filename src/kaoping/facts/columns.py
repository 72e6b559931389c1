"""The interchange files as data: which columns each one has, what a value must look like, its dtype.

Keeping the contract in one table (rather than spread over reader code) means the validator, the empty
frames for absent files and :func:`~kaoping.facts.facts_from_frames` can never disagree about a
schema, and a reader of this module sees the whole public data format at a glance.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import polars as pl

ROW = "_row"
"""Extra column of every frame: the row number as a spreadsheet shows it, so later errors can point at it."""


class Kind(Enum):
    """What a column holds; decides parsing, dtype, the value used for an empty cell and the messages."""

    TEXT = "text"
    CHOICE = "choice"  # one of Column.choices (compared lower-case)
    PERIOD = "period"  # YYYY-MM, YYYY-Qn or YYYY, normalised by kaoping.periods
    DATE = "date"  # YYYY-MM-DD
    TIME = "time"  # YYYY-MM-DD HH:MM[:SS], or a plain date = midnight
    CLOCK = "clock"  # HH:MM[:SS], a time of day
    NUMBER = "number"
    POINTS = "points"  # a number >= 0
    RANK = "rank"  # a whole number >= 1
    COUNT = "count"  # a whole number >= 0; empty = 0
    FLAG = "flag"  # yes/no; empty = yes
    TIMES = "times"  # a whole number >= 0, or true/false = 1/0; empty = 0


DTYPES: dict[Kind, pl.DataType] = {
    Kind.TEXT: pl.String(),
    Kind.CHOICE: pl.String(),
    Kind.PERIOD: pl.String(),
    Kind.DATE: pl.Date(),
    Kind.TIME: pl.Datetime("us"),
    Kind.CLOCK: pl.Time(),
    Kind.NUMBER: pl.Float64(),
    Kind.POINTS: pl.Float64(),
    Kind.RANK: pl.Int64(),
    Kind.COUNT: pl.Int64(),
    Kind.FLAG: pl.Boolean(),
    Kind.TIMES: pl.Int64(),
}

TRUE_WORDS = ("true", "是", "1", "yes")
FALSE_WORDS = ("false", "否", "0", "no")


@dataclass(frozen=True)
class Column:
    """One column of an interchange file."""

    name: str
    kind: Kind = Kind.TEXT
    required: bool = True
    """The value must be non-empty (otherwise an empty cell gets the kind's default)."""
    optional: bool = False
    """The column may be left out of the header altogether (then every value is the default)."""
    choices: tuple[str, ...] = ()

    @property
    def dtype(self) -> pl.DataType:
        return DTYPES[self.kind]

    def expected(self) -> str:
        """What a good value looks like, for messages ("empty; expected a date YYYY-MM-DD")."""
        match self.kind:
            case Kind.TEXT:
                return "a value"
            case Kind.CHOICE:
                return "one of " + ", ".join(self.choices)
            case Kind.PERIOD:
                return "a period YYYY-MM, YYYY-Qn or YYYY"
            case Kind.DATE:
                return "a date YYYY-MM-DD"
            case Kind.TIME:
                return "a time YYYY-MM-DD HH:MM[:SS] or a date YYYY-MM-DD"
            case Kind.CLOCK:
                return "a time of day HH:MM[:SS]"
            case Kind.NUMBER:
                return "a number"
            case Kind.POINTS:
                return "a number ≥ 0"
            case Kind.RANK:
                return "a whole number ≥ 1"
            case Kind.COUNT:
                return "a whole number ≥ 0"
            case Kind.FLAG:
                return "true/false, 是/否, 1/0 or yes/no"
            case Kind.TIMES:
                return "a whole number ≥ 0 (or true/false)"


def _text(name: str, *, required: bool = True, optional: bool = False) -> Column:
    return Column(name, Kind.TEXT, required=required, optional=optional)


def _extra(name: str) -> Column:
    """An optional free-text column: may be missing from the header or empty, read as ""."""
    return _text(name, required=False, optional=True)


def _time(name: str, *, required: bool = False) -> Column:
    return Column(name, Kind.TIME, required=required)


def _on_item(when: Column, amount: Column) -> tuple[Column, ...]:
    """What a score and a deduction both are: an amount for one unit's part and item (none: the whole part)
    at a time, from a source — the same columns, in the same order, in both files."""
    return (when, _text("unit_id"), _text("part"), _text("item", required=False), amount, _extra("source"))


FILES: dict[str, tuple[Column, ...]] = {
    "units": (
        _text("unit_id"),
        _text("name"),
        _text("group"),
        Column("reward_eligible", Kind.FLAG, required=False, optional=True),
    ),
    "scores": (*_on_item(Column("period", Kind.PERIOD), Column("score", Kind.NUMBER)), _extra("note")),
    "deductions": (
        *_on_item(Column("date", Kind.DATE), Column("points", Kind.POINTS)),
        _extra("problem"),
        _extra("location"),
        _extra("evidence"),
        # addition to the pinned contract: when the problem was found, for inspection windows (考评时段)
        Column("time", Kind.CLOCK, required=False, optional=True),
    ),
    "honors": (
        Column("date", Kind.DATE),
        _text("unit_id"),
        Column("kind", Kind.CHOICE, choices=("award", "criticism")),
        Column("level", Kind.CHOICE, choices=("national", "provincial", "provincial_dept")),
        _text("title", required=False),
    ),
    "notices": (
        _text("problem_id"),
        _text("unit_id"),
        Column("notified_on", Kind.DATE),
        Column("rectified_on", Kind.DATE, required=False),
    ),
    "cases": (
        _text("case_id"),
        _text("unit_id"),
        Column("kind", Kind.CHOICE, choices=("component", "event")),
        _text("category"),
        _time("reported_at", required=True),
        _time("dispatched_at"),
        _time("deadline"),
        _time("disposed_at"),
        _time("closed_at"),
        Column("rework_count", Kind.COUNT, required=False),
        Column("verify_failed", Kind.TIMES, required=False, optional=True),
        # additions to the pinned contract (optional, so every existing file stays valid):
        Column("postponed", Kind.TIMES, required=False, optional=True),  # 延期 approved by the office
    ),
    "ranks": (
        Column("period", Kind.PERIOD),
        _text("unit_id"),
        _text("task"),
        Column("rank", Kind.RANK),
    ),
}

SCHEMAS: dict[str, pl.Schema] = {
    name: pl.Schema([(c.name, c.dtype) for c in columns] + [(ROW, pl.Int64())]) for name, columns in FILES.items()
}
"""The dtype of every column of every frame, ``_row`` last."""


def default_value(column: Column) -> pl.Expr:
    """The value an empty cell (or an absent optional column) stands for, typed."""
    match column.kind:
        case Kind.TEXT | Kind.CHOICE | Kind.PERIOD:
            value: object = ""
        case Kind.FLAG:
            value = True
        case Kind.COUNT | Kind.TIMES:
            value = 0
        case _:
            value = None
    return pl.lit(value, dtype=column.dtype)


def empty_frame(name: str) -> pl.DataFrame:
    """A frame with no rows and the schema of file ``name``: what an absent file reads as."""
    return pl.DataFrame(schema=SCHEMAS[name])


COLUMN_NAMES: dict[str, str] = {
    "unit_id": "考评对象编号",
    "name": "考评对象名称",
    "group": "分组/序列",
    "reward_eligible": "是否参与奖惩",
    "period": "考评期",
    "part": "考评项目",
    "item": "考评内容",
    "score": "得分",
    "source": "来源/评分单位",
    "note": "备注",
    "date": "日期",
    "points": "扣分",
    "problem": "问题描述",
    "location": "地点",
    "evidence": "证据",
    "time": "发现时间",
    "kind": "类别",
    "level": "级别",
    "title": "名称",
    "problem_id": "问题编号",
    "notified_on": "通报日期",
    "rectified_on": "整改日期",
    "case_id": "案卷编号",
    "category": "案卷小类",
    "reported_at": "上报时间",
    "dispatched_at": "派遣时间",
    "deadline": "处置时限",
    "disposed_at": "处置时间",
    "closed_at": "结案时间",
    "rework_count": "返工次数",
    "verify_failed": "核查不通过次数",
    "postponed": "延期次数",
    "task": "考评任务",
    "rank": "名次",
}
"""The Chinese name of each column (templates' prompts, pages naming a changed value): the header itself
stays the contract's name."""
