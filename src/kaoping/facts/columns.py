"""The interchange files as data: which columns each one has, what a value must look like, its dtype.

Keeping the contract in one table (rather than spread over reader code) means the validator, the empty
frames for absent files and :func:`~kaoping.facts.facts_from_frames` can never disagree about a
schema, and a reader of this module sees the whole public data format at a glance.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from enum import Enum

import polars as pl

ROW = "_row"
"""Extra column of every frame: the row number as a spreadsheet shows it, so later errors can point at it."""


class Kind(Enum):
    """What a column holds; decides parsing, dtype, the value used for an empty cell and the messages."""

    TEXT = "text"
    CHOICE = "choice"  # one of Column.choices (compared lower-case)
    PERIOD = "period"  # YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY, normalised by kaoping.periods
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
    zh: str = ""
    """The Chinese header (the Excel template's, the pages' label); filled from :data:`COLUMN_NAMES`."""
    aliases: tuple[str, ...] = ()
    """Other headers a file may use for this column (``单位``, ``分值``): clerks name columns their own way."""
    choice_names: tuple[tuple[str, str], ...] = ()
    """Chinese spellings of :attr:`choices` (``表彰`` → ``award``), accepted in cells like the codes."""

    @property
    def dtype(self) -> pl.DataType:
        return DTYPES[self.kind]

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header that names this column: the contract's name, the Chinese one, the aliases."""
        return tuple(dict.fromkeys(h for h in (self.name, self.zh, *self.aliases) if h))

    def expected(self) -> tuple[str, str]:
        """What a good value looks like, ``(Chinese, English)``, for messages ("empty; expected a date")."""
        if self.kind is Kind.CHOICE:
            names: dict[str, str] = {}
            for code, name in self.choice_names:
                names.setdefault(code, name)  # the first (official) name of each code
            zh = "、".join(f"{names[c]}（{c}）" if c in names else c for c in self.choices)
            return "以下之一：" + zh, "one of " + ", ".join(self.choices)
        return EXPECTED[self.kind]


EXPECTED: dict[Kind, tuple[str, str]] = {
    Kind.TEXT: ("非空的内容", "a value"),
    Kind.CHOICE: ("列出的值之一", "one of the listed values"),
    Kind.PERIOD: (
        "考评期，如 2024-08、2024年8月、2024-Q2、2024年第二季度、2024-H1、2024年上半年或 2024",
        "a period YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY (also 2024年8月, 2024年第二季度, 2024年上半年)",
    ),
    Kind.DATE: ("日期，如 2024-12-05、2024/12/5 或 2024年12月5日", "a date YYYY-MM-DD (also 2024/12/5, 2024年12月5日)"),
    Kind.TIME: ("时间，如 2024-12-05 08:30 或日期 2024-12-05", "a time YYYY-MM-DD HH:MM[:SS] or a date YYYY-MM-DD"),
    Kind.CLOCK: ("时刻，如 08:30", "a time of day HH:MM[:SS]"),
    Kind.NUMBER: ("数字", "a number"),
    Kind.POINTS: ("不小于 0 的数", "a number ≥ 0"),
    Kind.RANK: ("不小于 1 的整数", "a whole number ≥ 1"),
    Kind.COUNT: ("不小于 0 的整数", "a whole number ≥ 0"),
    Kind.FLAG: ("是/否、true/false、1/0 或 yes/no", "true/false, 是/否, 1/0 or yes/no"),
    Kind.TIMES: ("不小于 0 的整数（或 是/否）", "a whole number ≥ 0 (or true/false)"),
}
"""What a good value of each kind looks like, in both languages (choices list their own)."""


def _text(name: str, *, required: bool = True, optional: bool = False) -> Column:
    return Column(name, Kind.TEXT, required=required, optional=optional)


def _extra(name: str) -> Column:
    """An optional free-text column: may be missing from the header or empty, read as ""."""
    return _text(name, required=False, optional=True)


def _time(name: str, *, required: bool = False) -> Column:
    return Column(name, Kind.TIME, required=required)


_HONOR_KINDS = (("award", "表彰"), ("criticism", "通报批评"))
_LEVELS = (
    ("national", "国家部委"),
    ("national", "国家级"),
    ("provincial", "省委省政府"),
    ("provincial", "省级"),
    ("provincial_dept", "省级业务主管部门"),
)

_SATISFACTION = (("satisfied", "满意"), ("basic", "基本满意"), ("unsatisfied", "不满意"))


def _on_item(when: Column, amount: Column) -> tuple[Column, ...]:
    """What a score and a deduction both are: an amount for one unit's part and item (none: the whole part)
    at a time, from a source — the same columns, in the same order, in both files."""
    return (when, _text("unit_id"), _text("part"), _text("item", required=False), amount, _extra("source"))


_CONTRACT: dict[str, tuple[Column, ...]] = {
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
        # additions for the standards catalogue (扣分标准, scheme/standard.py): the kind of problem found, how
        # much of it (m², places) and why the points differ from the standard; all optional, empty by default
        _extra("problem_kind"),
        Column("quantity", Kind.POINTS, required=False, optional=True),
        _extra("override_reason"),
        # additions for point locations (issue #16.5, the field app): where the problem is (WGS-84 degrees,
        # as the phone's GPS gives them) and how sure the device was (metres); all optional, empty = none
        Column("lat", Kind.NUMBER, required=False, optional=True),
        Column("lon", Kind.NUMBER, required=False, optional=True),
        Column("accuracy_m", Kind.POINTS, required=False, optional=True),
    ),
    "honors": (
        Column("date", Kind.DATE),
        _text("unit_id"),
        Column("kind", Kind.CHOICE, choices=("award", "criticism"), choice_names=_HONOR_KINDS),
        Column("level", Kind.CHOICE, choices=("national", "provincial", "provincial_dept"), choice_names=_LEVELS),
        _text("title", required=False),
    ),
    "notices": (
        _text("problem_id"),
        _text("unit_id"),
        Column("notified_on", Kind.DATE),
        Column("rectified_on", Kind.DATE, required=False),
        # addition to the pinned contract: the deduction the notified problem cost (原扣分), for schemes that
        # double it while the problem stays unrectified (加倍扣分, ``times_original``)
        Column("points", Kind.POINTS, required=False, optional=True),
        # addition: re-inspections of the problem that failed on this row's day (整改不达标, 复查不合格), each
        # charged by ``charge: report`` schemes; the rectification workflow writes them (app/rectify_flow.py)
        Column("failed_reinspections", Kind.TIMES, required=False, optional=True),
    ),
    "cases": (
        _text("case_id"),
        _text("unit_id"),
        Column(
            "kind", Kind.CHOICE, choices=("component", "event"), choice_names=(("component", "部件"), ("event", "事件"))
        ),
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
        # additions for 12345 work orders (工单, cases/metric_defs.py ORDER_COUNT_DEFS): where the case came
        # from (12345 makes it an order), the 回访 answer and the earlier order a 重复投诉 repeats
        _extra("channel"),
        Column(
            "satisfaction",
            Kind.CHOICE,
            required=False,
            optional=True,
            choices=("satisfied", "basic", "unsatisfied"),
            choice_names=_SATISFACTION,
        ),
        _extra("repeat_of"),
    ),
    "ranks": (
        Column("period", Kind.PERIOD),
        _text("unit_id"),
        _text("task"),
        Column("rank", Kind.RANK),
    ),
}


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
    "problem_kind": "问题类型编号",
    "quantity": "数量",
    "override_reason": "调整理由",
    "lat": "纬度",
    "lon": "经度",
    "accuracy_m": "定位精度（米）",
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
    "failed_reinspections": "复查不合格次数",
    "channel": "案件来源",
    "satisfaction": "回访结果",
    "repeat_of": "重复投诉原工单",
    "task": "考评任务",
    "rank": "名次",
}
"""The Chinese name of each column: the header the Excel template writes, the label of pages and messages.
The contract's English name stays a valid header (the pinned interchange contract); both are read."""

ALIASES: dict[str, tuple[str, ...]] = {
    "unit_id": ("考评对象", "单位", "单位名称", "被考评单位", "责任单位", "单位编号"),
    "group": ("分组", "序列", "组别"),
    "period": ("考评周期", "考评月份", "月份", "周期"),
    "part": ("考评部分", "项目"),
    "item": ("考评细项", "细项", "内容"),
    "score": ("分数", "评分"),
    "source": ("来源", "评分单位", "检查单位", "督查单位"),
    "date": ("检查日期", "发现日期"),
    "points": ("分值", "扣分分值", "扣分值"),
    "problem": ("问题", "存在问题"),
    "location": ("位置", "地址"),
    "evidence": ("照片", "证据材料"),
    "time": ("时间", "检查时间"),
    "problem_kind": ("问题类型", "扣分标准编号", "标准编号"),
    "quantity": ("面积", "处数", "数量（平方米/处）"),
    "override_reason": ("扣分调整理由", "调整原因"),
    "lat": ("latitude", "北纬"),
    "lon": ("longitude", "lng", "东经"),
    "accuracy_m": ("accuracy", "定位精度", "精度（米）"),
    "kind": ("类型",),
    "title": ("表彰名称", "通报名称"),
    "case_id": ("案卷号", "案件编号"),
    "category": ("小类", "案件小类"),
    "rank": ("排名",),
    "channel": ("来源渠道", "渠道"),
    "satisfaction": ("回访满意度", "满意度", "回访"),
    "repeat_of": ("重复投诉", "原工单编号"),
    "task": ("任务",),
}
"""Other headers clerks write for a column, in every file that has it (see :data:`_FILE_ALIASES`)."""

_FILE_ALIASES: dict[tuple[str, str], tuple[str, ...]] = {
    ("units", "unit_id"): ("单位编号", "编号", "考评对象编号"),
    ("units", "name"): ("单位名称", "名称", "考评对象"),
}
"""Where one file reads a header otherwise: in units, 单位名称 is the name column, not the unit."""


def header_key(text: str) -> str:
    """A header cell as compared: full-width folded (NFKC), case and spaces ignored, a required mark
    (``日期*``) and a trailing note in brackets (``日期（YYYY-MM-DD）``) dropped."""
    key = unicodedata.normalize("NFKC", text).strip().lower()
    key = _HEADER_NOTE.sub("", key).rstrip("*").strip()
    return re.sub(r"\s+", "", key)


_HEADER_NOTE = re.compile(r"\s*\([^()]*\)\s*$")


def _named(file: str, column: Column) -> Column:
    aliases = _FILE_ALIASES.get((file, column.name), ALIASES.get(column.name, ()))
    return replace(column, zh=COLUMN_NAMES.get(column.name, ""), aliases=aliases)


FILES: dict[str, tuple[Column, ...]] = {
    file: tuple(_named(file, c) for c in columns) for file, columns in _CONTRACT.items()
}
"""Every interchange file's columns, in file order, each with its Chinese header and aliases."""


def _header_index(file: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for column in FILES[file]:
        for header in column.headers:
            taken = index.setdefault(header_key(header), column.name)
            if taken != column.name:
                raise AssertionError(f"{file}: header {header!r} names both {taken} and {column.name}")
    return index


HEADERS: dict[str, dict[str, str]] = {file: _header_index(file) for file in FILES}
"""File -> header key (:func:`header_key`) -> column name: how a header cell is recognised."""


def column_of(file: str, header: str) -> str | None:
    """The contract column the header cell ``header`` of ``file`` names, or None."""
    return HEADERS[file].get(header_key(header))


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
