"""Case metrics at the three levels of GB/T 30428.4: region (区域), department (部门) and post (岗位).

:mod:`kaoping.cases.metrics` gives the scoring engine one row per responsible unit; the office also
evaluates where problems arise (网格 → 社区 → 街道 → 区), how each 专业部门 disposes of them, and how the
centre's staff work (监督员, 受理员, 派遣员, 值班长).  Those need columns the interchange reader does not
carry yet, so the input is a Polars cases frame that may have: ``grid``, ``community``, ``street``,
``district``, ``department`` (default: ``unit_id``), ``reporter`` (监督员), ``registrar`` (受理员),
``dispatcher`` (派遣员), ``shift_lead`` (值班长), ``registered_at`` (立案时间), ``source``
(``supervisor`` | ``public``) and ``dispatch_correct`` (bool).

Every count is anchored to its own step's time falling in the period [start, end):

| name | definition |
|---|---|
| 上报数 (受理数 for a 受理员) | problems reported in the period (reported_at), by anyone |
| 监督员上报数 | of those, reported by a 监督员 (source = supervisor) |
| 有效上报数 | of those reported, registered (立案) before the period ended |
| 立案数 | cases registered in the period (registered_at; dispatched_at when the column is absent) |
| 按时立案数 | of those, registered within N working hours of the report (N = ``register_hours``, default 1) |
| 派遣数 = 应结案数 = 应处置数 | cases dispatched in the period — the base of the disposal rates, as in metrics.py |
| 准确派遣数 | of those, dispatched to the right unit the first time (dispatch_correct) |
| 结案数 | of those dispatched, closed before the period ended |
| 按期结案数 | of those dispatched, closed at or before the deadline (and before the period ended) |
| 按期处置数 | of those dispatched, disposed at or before the deadline (and before the period ended) |
| 返工数, 延期数 | of those dispatched, sent back at least once (rework_count > 0), postponed (postponed > 0) |

Rates are fractions in [0, 1]: 监督举报率 = 监督员上报数 / 上报数, 有效上报率 = 有效上报数 / 上报数,
按时立案率 = 按时立案数 / 立案数, 准确派遣率 = 准确派遣数 / 派遣数, 结案率 = 结案数 / 应结案数,
按期结案率 = 按期结案数 / 应结案数, 按期处置率 = 按期处置数 / 应处置数, 返工率 = 返工数 / 应结案数,
延期率 = 延期数 / 应结案数.  (监督举报率 here is the 监督员's share of reports, higher is better; platforms
that follow the older CJ/T 292 wording compute the public's share 监督举报核实数 / 立案数 instead, lower
is better — the same signal from the other side.)  As in metrics.py, an empty base leaves nothing
undone: a "good" rate is 1 and 返工率 / 延期率 are 0.  A metric whose input column is absent (``source``,
``dispatch_correct``, or ``registered_at`` for 按时立案) is left out rather than guessed.

Regions roll up: counts are summed per grid, then the grid rows are summed into communities, streets and
districts, and rates are recomputed from the sums — so a street's 结案率 is never an average of rates, and a
grid filed under two communities is an error instead of a double count.  Everything is Polars expressions
over whole columns: one pass marks each case's counts for the period, then one group-by per level.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl

from kaoping.cases.calendar import WorkCalendar
from kaoping.cases.handbook import WorkingClock
from kaoping.periods import Span

REGION_TIERS = ("grid", "community", "street", "district")
POSTS = ("supervisor", "registrar", "dispatcher", "shift_lead")
LEVELS = (*REGION_TIERS, "department", *POSTS)
GROUPS: dict[str, tuple[str, ...]] = {"region": REGION_TIERS, "department": ("department",), "post": POSTS}
LABELS = {
    "grid": "网格",
    "community": "社区",
    "street": "街道",
    "district": "区",
    "department": "部门",
    "supervisor": "监督员",
    "registrar": "受理员",
    "dispatcher": "派遣员",
    "shift_lead": "值班长",
}
KEY_COLUMN = {
    **{t: t for t in REGION_TIERS},
    "department": "department",
    "supervisor": "reporter",
    "registrar": "registrar",
    "dispatcher": "dispatcher",
    "shift_lead": "shift_lead",
}

COUNTS = (
    "上报数",
    "监督员上报数",
    "有效上报数",
    "立案数",
    "按时立案数",
    "派遣数",
    "准确派遣数",
    "应结案数",
    "结案数",
    "按期结案数",
    "应处置数",
    "按期处置数",
    "返工数",
    "延期数",
)
RATES: dict[str, tuple[str, str, bool]] = {
    # rate: (numerator, denominator, higher is better)
    "监督举报率": ("监督员上报数", "上报数", True),
    "有效上报率": ("有效上报数", "上报数", True),
    "按时立案率": ("按时立案数", "立案数", True),
    "准确派遣率": ("准确派遣数", "派遣数", True),
    "结案率": ("结案数", "应结案数", True),
    "按期结案率": ("按期结案数", "应结案数", True),
    "按期处置率": ("按期处置数", "应处置数", True),
    "返工率": ("返工数", "应结案数", False),
    "延期率": ("延期数", "应结案数", False),
}
_CLOSURE = ("应结案数", "结案数", "结案率", "按期结案数", "按期结案率", "返工数", "返工率", "延期数", "延期率")
SHOWN: dict[str, tuple[str, ...]] = {
    **{t: ("上报数", "监督员上报数", "监督举报率", "立案数", *_CLOSURE) for t in REGION_TIERS},
    "department": ("应处置数", "按期处置数", "按期处置率", *_CLOSURE),
    "supervisor": ("上报数", "有效上报数", "有效上报率"),
    "registrar": ("上报数", "立案数", "按时立案数", "按时立案率"),
    "dispatcher": ("派遣数", "准确派遣数", "准确派遣率"),
    "shift_lead": ("立案数", "按时立案数", "按时立案率", "应结案数", "结案数", "结案率"),
}
"""The metrics reported at each level (a 派遣员's 结案率 would be computable, but it is not their work)."""
RENAMED = {"registrar": {"上报数": "受理数"}}
NEEDS = {"监督员上报数": "source", "准确派遣数": "dispatch_correct", "按时立案数": "registered_at"}
"""Counts that need an optional column of the cases (without it they, and their rates, are left out)."""


class LevelError(ValueError):
    """Cases that cannot be evaluated at a level: a key column missing, or a region filed under two parents."""


def marked_cases(
    cases: pl.DataFrame,
    period: Span,
    *,
    calendar: WorkCalendar | None = None,
    register_hours: float = 1.0,
) -> pl.DataFrame:
    """The cases relevant to ``period`` with one boolean column per count (the table above), key columns kept.

    Building this once and grouping it per level is what keeps all nine levels to one pass over the cases.
    """
    start = datetime.combine(period.start(), datetime.min.time())
    end = datetime.combine(period.end_exclusive(), datetime.min.time())
    have = set(cases.columns)
    registered = "registered_at" if "registered_at" in have else "dispatched_at"

    def within(column: str) -> pl.Expr:
        c = pl.col(column)
        return c.is_not_null() & (c >= start) & (c < end)

    frame = cases.filter(within("reported_at") | within(registered) | within("dispatched_at"))
    if "registered_at" in have:
        clock = _clock(frame, calendar)
        frame = frame.with_columns(clock.hours_between(frame["reported_at"], frame["registered_at"]).alias("_reg_h"))
    dispatched = within("dispatched_at")
    before_end = pl.col("closed_at").is_not_null() & (pl.col("closed_at") < end)
    has_deadline = pl.col("deadline").is_not_null()
    flags: dict[str, pl.Expr] = {
        "上报数": within("reported_at"),
        "有效上报数": within("reported_at") & pl.col(registered).is_not_null() & (pl.col(registered) < end),
        "立案数": within(registered),
        "派遣数": dispatched,
        "应结案数": dispatched,
        "应处置数": dispatched,
        "结案数": dispatched & before_end,
        "按期结案数": dispatched & has_deadline & before_end & (pl.col("closed_at") <= pl.col("deadline")),
        "按期处置数": dispatched
        & has_deadline
        & (pl.col("disposed_at") <= pl.col("deadline"))
        & (pl.col("disposed_at") < end),
        "返工数": dispatched & (pl.col("rework_count").fill_null(0) > 0),
        "延期数": dispatched & (_column(cases, "postponed", 0).fill_null(0) > 0),
    }
    if "source" in have:
        flags["监督员上报数"] = within("reported_at") & (pl.col("source") == "supervisor")
    if "dispatch_correct" in have:
        flags["准确派遣数"] = dispatched & pl.col("dispatch_correct")
    if "registered_at" in have:
        flags["按时立案数"] = within("registered_at") & (pl.col("_reg_h") <= register_hours)
    keys = [c for c in dict.fromkeys([*KEY_COLUMN.values(), "unit_id"]) if c in have]
    marked = frame.select(*keys, **{name: expr.fill_null(False) for name, expr in flags.items()})
    if "department" not in have:
        marked = marked.with_columns(department=pl.col("unit_id"))
    return marked


def _column(cases: pl.DataFrame, name: str, default: int) -> pl.Expr:
    return pl.col(name) if name in cases.columns else pl.lit(default)


def _clock(frame: pl.DataFrame, calendar: WorkCalendar | None) -> WorkingClock:
    """A working clock covering every report and registration of ``frame`` (China's calendar by default)."""
    lo = frame["reported_at"].min()
    hi = frame["registered_at"].max()
    first = lo.date() if isinstance(lo, datetime) else date(2000, 1, 1)
    last = max(hi.date() if isinstance(hi, datetime) else first, first)
    cal = calendar or WorkCalendar.china(range(first.year, last.year + 2))
    # a month either side: the clock must hold working windows even around a long holiday
    return WorkingClock.build(cal, first - timedelta(days=31), last + timedelta(days=31))


def level_metrics(
    cases: pl.DataFrame,
    period: Span,
    level: str,
    *,
    calendar: WorkCalendar | None = None,
    register_hours: float = 1.0,
) -> pl.DataFrame:
    """One row per key of ``level`` (see LEVELS) with its counts and rates for ``period``.

    Columns: ``level``, ``key``, the parent regions for a region tier, then the metrics of SHOWN[level].
    """
    marked = marked_cases(cases, period, calendar=calendar, register_hours=register_hours)
    return metrics_of(marked, level)


def metrics_by_level(
    cases: pl.DataFrame,
    period: Span,
    levels: tuple[str, ...] = LEVELS,
    *,
    calendar: WorkCalendar | None = None,
    register_hours: float = 1.0,
) -> dict[str, pl.DataFrame]:
    """:func:`level_metrics` for several levels, marking the cases once."""
    marked = marked_cases(cases, period, calendar=calendar, register_hours=register_hours)
    out: dict[str, pl.DataFrame] = {}
    region: dict[str, pl.DataFrame] = {}
    for level in levels:
        if level in REGION_TIERS:
            region = region or _region_rollup(marked)
            out[level] = _finish(region[level], level)
        else:
            out[level] = metrics_of(marked, level)
    return out


def metrics_of(marked: pl.DataFrame, level: str) -> pl.DataFrame:
    """The rows of ``level`` from :func:`marked_cases` output."""
    if level not in LEVELS:
        raise LevelError(f"unknown level '{level}'; expected one of {', '.join(LEVELS)} (or a group: region, post)")
    if level in REGION_TIERS:
        return _finish(_region_rollup(marked)[level], level)
    key = KEY_COLUMN[level]
    if key not in marked.columns:
        raise LevelError(f"{LABELS[level]} ({level}) metrics need a '{key}' column in the cases; it is absent")
    counts = marked.group_by(pl.col(key).alias("key")).agg(_sums(marked.columns))
    return _finish(counts, level)


def _sums(columns: list[str]) -> list[pl.Expr]:
    return [pl.col(c).sum().cast(pl.Int64) for c in COUNTS if c in columns]


def _region_rollup(marked: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Counts per grid, then each tier summed from the tier below; LevelError if a region has two parents."""
    missing = [t for t in REGION_TIERS if t not in marked.columns]
    if missing:
        raise LevelError(
            f"区域 (region) metrics need the columns {', '.join(REGION_TIERS)}; the cases lack {', '.join(missing)}"
        )
    present = [c for c in COUNTS if c in marked.columns]
    rows = marked.group_by(*REGION_TIERS).agg(_sums(marked.columns))
    out: dict[str, pl.DataFrame] = {}
    for i, tier in enumerate(REGION_TIERS):
        parents = list(REGION_TIERS[i + 1 :])
        if i:
            rows = rows.group_by(tier, *parents).agg(pl.col(present).sum())
        doubled = rows.filter(pl.col(tier).is_duplicated())
        if parents and doubled.height:
            doubled = doubled.select(tier, pl.concat_str(parents, separator="/"))
            paths = doubled.group_by(tier).agg(pl.col(parents[0]).sort()).sort(tier).head(5)
            shown = "; ".join(f"{key} under {' and '.join(p)}" for key, p in paths.iter_rows())
            raise LevelError(f"{LABELS[tier]} filed under more than one {LABELS[parents[0]]}: {shown}")
        out[tier] = rows.rename({tier: "key"})
    return out


def _finish(counts: pl.DataFrame, level: str) -> pl.DataFrame:
    """Rates from counts, the level's metrics in order, rows sorted by key."""
    rate_exprs = []
    for rate, (num, den, good) in RATES.items():
        if num in counts.columns and den in counts.columns:
            empty = 1.0 if good else 0.0
            value = pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den)).otherwise(empty)
            rate_exprs.append(value.cast(pl.Float64).alias(rate))
    full = counts.with_columns(rate_exprs)
    shown = [m for m in SHOWN[level] if m in full.columns]
    parents = list(REGION_TIERS[REGION_TIERS.index(level) + 1 :]) if level in REGION_TIERS else []
    return (
        full.select(pl.lit(level).alias("level"), pl.col("key").cast(pl.String), *parents, *shown)
        .sort("key", nulls_last=True)
        .rename(RENAMED.get(level, {}))
    )
