"""The unit page's view model, built from the engine's explanation lines and plain values (no queries).

A unit must be able to check every point of its score.  The engine explains a score as a flat list of
lines (each part's rows, a part's subtotal, 基本分, bonus, penalties, 总分); the page regroups them into
the few components a total is the sum of — each top-level part, each bonus rule, the penalties and, when
weights or the scheme's floor/cap change the plain sum, one adjustment — so the reader can add the
shown numbers and get exactly the total.  Kept free of the database so these rules are tested alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from kaoping.engine.numbers import rounded
from kaoping.engine.rectification import due_dates
from kaoping.engine.result import Line, LineKind, UnitResult
from kaoping.periods import Period, PeriodKind, period_of
from kaoping.scheme import Scheme
from kaoping.scheme.model import Rounding

DB_PREFIX = "db:"
ROWS_PER_LINE = 50
"""Rows shown under one line: a year's case-metrics line can cite thousands of cases."""

KIND_ORDER = tuple(PeriodKind)
"""Shortest first: month, quarter, half-year, year."""


@dataclass
class Component:
    """One addend of the total: a top-level part, a bonus rule, the penalties, or the adjustment."""

    kind: str
    """part | bonus | penalty | adjust"""
    name: str
    points: Decimal
    lines: list[Line] = field(default_factory=list)
    value: Decimal | None = None
    """A weighted part's own score (百分制 value before its weight); None when points are added as they are."""
    weight: Decimal | None = None
    """The part's percent weight under ``combine: weighted``."""


def _table_of(line: Line) -> str | None:
    return line.file.removeprefix(DB_PREFIX) if line.file.startswith(DB_PREFIX) else None


def compose(scheme: Scheme, unit: UnitResult) -> tuple[list[Component], list[Line]]:
    """The components whose points add up to ``unit.total``, and the lines that are not addends (奖惩, 问责).

    Each line goes by its kind to the component it explains: a part's lines (its nested parts' too, and
    its rows left out by the inspection windows) to that part, a bonus rule's to its bonus row, penalties'
    to the penalty row, 基本分 and 总分 to the adjustment; rewards, flags and the overall bonus cap stay
    apart.
    """
    parts = _part_components(scheme, unit)
    by_name = {c.name: c for c in parts}
    by_part = {name: by_name[top] for name, top in _owners(scheme, unit).items() if top in by_name}
    bonus = [Component("bonus", name, points) for name, points in unit.bonus_detail.items()]
    by_bonus = {c.name: c for c in bonus}
    penalty_name = scheme.penalties[0].name if len(scheme.penalties) == 1 else "整改扣分"
    penalty = Component("penalty", penalty_name, -unit.penalty)
    adjust = Component("adjust", "权重与封顶保底调整", Decimal(0))
    others: list[Line] = []
    for line in unit.lines:
        home = _home(line, by_part, by_bonus, penalty, adjust)
        (others if home is None else home.lines).append(line)
    out = [*parts, *bonus]
    if penalty.points or penalty.lines:
        out.append(penalty)
    adjust.points = unit.total - sum((c.points for c in out), Decimal(0))
    out.append(adjust)
    return out, others


def _owners(scheme: Scheme, unit: UnitResult) -> dict[str, str]:
    """Every part name or alias (nested parts too) → the name of the top-level part it belongs to."""
    owner: dict[str, str] = {}
    for part in scheme.parts:
        if part.name in unit.parts:
            for sub in part.walk():
                for name in sub.names():
                    owner.setdefault(name, part.name)
    return owner


def _part_components(scheme: Scheme, unit: UnitResult) -> list[Component]:
    """A component per top-level part; under percent weights (百分制) a part adds its score × its weight."""
    weights = {p.name: p.weight for p in scheme.parts} if scheme.combine == "weighted" else {}
    parts = []
    for name in unit.top_parts:
        value = unit.parts.get(name, Decimal(0))
        weight = weights.get(name)
        if weight is None:
            parts.append(Component("part", name, value))
        else:  # 部门考评 88 × 30% = 26.4 (rounded as the scheme rounds each term, round_terms)
            term = value * weight / 100
            if scheme.round_terms is not None:
                term = rounded(term, scheme.round_terms, Rounding.HALF_UP)
            parts.append(Component("part", name, term, value=value, weight=weight))
    return parts


def _home(
    line: Line,
    by_part: dict[str, Component],
    by_bonus: dict[str, Component],
    penalty: Component,
    adjust: Component,
) -> Component | None:
    """The component a line explains, by its kind; None for the lines shown apart."""
    match line.kind:
        case LineKind.PART | LineKind.EXCLUDED:
            return by_part.get(line.part)
        case LineKind.BONUS:
            return by_bonus.get(line.part)
        case LineKind.PENALTY:
            return penalty
        case LineKind.BASE | LineKind.TOTAL:
            return adjust
        case _:
            return None


def cited(lines: Iterable[Line], limit: int = ROWS_PER_LINE) -> dict[str, set[int]]:
    """Row ids to fetch, by store table: at most ``limit`` per line (the page shows no more)."""
    out: dict[str, set[int]] = {}
    for line in lines:
        table = _table_of(line)
        if table is not None and line.rows:
            out.setdefault(table, set()).update(line.rows[:limit])
    return out


def line_table(line: Line) -> str | None:
    """The store table a line cites (``deductions``...), or None for a computed line or a file's rows."""
    return _table_of(line) if line.rows else None


def notice_costs(lines: Iterable[Line]) -> dict[int, Decimal]:
    """What each notice row cost (整改通报扣分), by notices.id; a notice in time cites no line."""
    out: dict[int, Decimal] = {}
    for line in lines:
        if _table_of(line) == "notices":
            for row in line.rows:
                out[row] = out.get(row, Decimal(0)) + line.points
    return out


def cited_ids(lines: Iterable[Line], table: str) -> set[int]:
    """Every id of ``table`` the lines cite (no limit: used to mark rows as counted)."""
    return {row for line in lines if _table_of(line) == table for row in line.rows}


# --- 整改任务 -----------------------------------------------------------------------------------------

DONE, DONE_LATE, OPEN, OVERDUE = "已整改", "逾期整改", "整改中", "已逾期"


@dataclass(frozen=True)
class TaskState:
    """A notified problem's rectification: its deadline, state and days past the deadline."""

    deadline: date | None
    status: str
    days_overdue: int


def rectify_days(scheme: Scheme) -> int | None:
    """Days a unit has to rectify (docs/schemes.md §9); the strictest rule when several; None: no rule."""
    days = [p.rectify_days for p in scheme.penalties]
    return min(days) if days else None


def deadlines(scheme: Scheme, notified: list[date]) -> dict[date, date]:
    """Each notification day's deadline under the scheme (working days where its rule says so); empty
    without a rectification rule."""
    if not scheme.penalties or not notified:
        return {}
    days = pl.Series("notified_on", sorted(set(notified)), dtype=pl.Date)
    return dict(zip(days.to_list(), due_dates(scheme.penalties, scheme.calendar, days).to_list(), strict=True))


def task_state(notified_on: date, rectified_on: date | None, deadline: date | None, today: date) -> TaskState:
    """已整改 / 逾期整改 (rectified, in time or late), 整改中 / 已逾期 (open, before or past the deadline).

    ``deadline`` is the last day in time (:func:`deadlines`); the notification day itself with
    ``rectify_days: 0``.  Without a rectification rule there is no deadline, so nothing is ever late.
    """
    if rectified_on is not None:
        late = (rectified_on - deadline).days if deadline is not None else 0
        return TaskState(deadline, DONE_LATE if late > 0 else DONE, max(late, 0))
    late = (today - deadline).days if deadline is not None else 0
    return TaskState(deadline, OVERDUE if late > 0 else OPEN, max(late, 0))


STATUS_CLASS = {DONE: "done", DONE_LATE: "late", OPEN: "open", OVERDUE: "overdue"}


@dataclass(frozen=True)
class Task:
    """One notification of a problem (通报) as a rectification task, with what it cost (None: nothing)."""

    notice_id: int
    problem_id: str
    notified_on: date
    rectified_on: date | None
    state: TaskState
    cost: Decimal | None


def task_groups(tasks: Iterable[Task]) -> list[list[Task]]:
    """Notifications grouped by problem — evidence is filed per problem (``notices:<problem_id>``), so the
    page shows one upload per problem — newest first; problems still open come first, overdue ones first."""
    groups: dict[str, list[Task]] = {}
    for t in sorted(tasks, key=lambda t: (t.notified_on, t.notice_id), reverse=True):
        groups.setdefault(t.problem_id, []).append(t)
    urgency = {OVERDUE: 0, OPEN: 1, DONE_LATE: 2, DONE: 3}

    def key(group: list[Task]) -> tuple[int, int]:
        return min(urgency[t.state.status] for t in group), -group[0].notified_on.toordinal()

    return sorted(groups.values(), key=key)


# --- 案卷 -------------------------------------------------------------------------------------------


def case_marks(
    deadline: datetime | None,
    disposed_at: datetime | None,
    rework_count: int,
    verify_failed: int,
    postponed: int,
    now: datetime,
) -> list[tuple[str, int]]:
    """Why a case counts against its unit (超期处置, 返工, 核查不通过), plus approved postponements.

    Each mark is (Chinese text with ``{n}``, n), so the page can translate it before filling in the count.
    """
    marks: list[tuple[str, int]] = []
    if deadline is not None and ((disposed_at or now) > deadline):
        marks.append(("超期处置", 0) if disposed_at is not None else ("超期未处置", 0))
    if rework_count:
        marks.append(("返工{n}次", rework_count))
    if verify_failed:
        marks.append(("核查不通过{n}次", verify_failed))
    if postponed:
        marks.append(("延期{n}次", postponed))
    return marks


def against(marks: Iterable[tuple[str, int]]) -> bool:
    """Whether the marks count against the unit (an approved postponement alone does not)."""
    return any(text != "延期{n}次" for text, _ in marks)


@dataclass(frozen=True)
class Step:
    """One step of a case's timeline as the page shows it."""

    at: datetime
    from_status: str
    to_status: str
    actor: str
    note: str
    overdue: bool
    rework: bool


REWORK_FROM = {"verifying", "feedback"}
REWORK_TO = {"dispatched", "disposing"}


def timeline(steps: Sequence[tuple[datetime, str, str, str, str]], deadline: datetime | None) -> list[Step]:
    """The steps (at, from, to, actor, note) in time order; a step is overdue when the unit reported the
    case done (处理反馈) after the deadline, and a step back from 核查 to the unit is a 返工."""
    out = []
    for at, src, dst, actor, note in sorted(steps, key=lambda s: s[0]):
        overdue = deadline is not None and dst == "feedback" and at > deadline
        out.append(Step(at, src, dst, actor, note, overdue, src in REWORK_FROM and dst in REWORK_TO))
    return out


# --- 考评期 -----------------------------------------------------------------------------------------


def period_choices(scheme: Scheme, first: date, last: date, limit: int = 48) -> list[str]:
    """The periods offered in the picker: each evaluated kind from the first fact to the last, newest
    first (at most ``limit`` per kind, so a store with decades of data still gives a short list)."""
    out: list[str] = []
    for kind in KIND_ORDER:
        if kind not in scheme.periods:
            continue
        start, end = period_of(first, kind), period_of(last, kind)
        current: Period = end
        kind_out: list[str] = []
        while current >= start and len(kind_out) < limit:
            kind_out.append(str(current))
            current = current.previous()
        out.extend(kind_out)
    return sorted(out, key=lambda p: (p[:4], len(p) == 4, "H" in p, p), reverse=True)


def default_period(scheme: Scheme, last: date | None, today: date) -> str:
    """The latest period of the scheme's main kind with data (this period when the store is empty)."""
    return str(period_of(last or today, scheme.main_kind))


# --- lines with their rows ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LineView:
    """A line with the rows it cites, as fetched (``hidden``: cited but beyond what the page shows)."""

    line: Line
    table: str | None
    rows: list[object]
    hidden: int


def line_views(lines: Iterable[Line], fetched: dict[str, dict[int, object]]) -> list[LineView]:
    out = []
    for line in lines:
        table = line_table(line)
        found = fetched.get(table, {}) if table else {}
        shown = [found[r] for r in line.rows[:ROWS_PER_LINE] if r in found]
        out.append(LineView(line, table, shown, max(len(line.rows) - ROWS_PER_LINE, 0)))
    return out


def rounded_text(points: Decimal, decimals: int = 2) -> str:
    """Points as shown next to the exact sum: ``decimals`` places, half up (the page's exact values stay in
    ``data-points`` so a reader — or a test — can add them exactly)."""
    quantum = Decimal(1).scaleb(-decimals)
    text = f"{points.quantize(quantum, rounding=ROUND_HALF_UP):f}"
    return "0" if text.strip("-0.") == "" else text


def points_text(points: Decimal) -> str:
    """Points as a reader writes them: exact, without trailing zeros (``-2.5``, ``20``)."""
    text = f"{points:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
