"""Sanity checks at entry (录入合理性校验): one place for the form, the upload, the API and ``kaoping import``.

The readers check that a cell *is* a date and the scheme checks that a row *fits* the plan; neither asks
whether the row is plausible.  One mistyped year (2031-01-01) used to open 2031 periods on the dashboard,
a 250-point deduction under a 100-point part and an inspection at 23:45 went in without a word, and a row
dated in an already-published period changed nothing anyone would see until the next correction.  So
every entry path runs the rows of one fact kind through :func:`check_rows` before writing, and gets two
kinds of problem back:

* **refused** (拒绝, never confirmable): a date or period outside the scheme's evaluated years
  (``years:`` of the scheme; default 2000 to the current year), or a fact dated after today — a deduction,
  honor, notice or case cannot have been observed tomorrow.  Such a row is a typo, never a judgement call.
* **to confirm** (需确认): deduction points above the item's cap or the part's maximum, a ``time`` outside
  the scheme's inspection window for that month, a row in a period that already has a published result.
  Each can be right (a part floored at its minimum, a special night inspection announced by notice, a
  late fact the office will publish as a correction), so the person entering it may confirm with a reason,
  which goes into the audit trail.

Every problem names the file (or ``api:<kind>``) and row, the column, the value and what was expected, in
Chinese with an English twin for the English pages and API clients.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import polars as pl
from sqlalchemy.orm import Session

from kaoping.engine.windows import outside_windows, window_text
from kaoping.errors import MAX_ERRORS, InputError, InputErrors, Problem
from kaoping.facts import Facts
from kaoping.facts.columns import ROW
from kaoping.periods import Period, PeriodError, parse_period
from kaoping.scheme import Scheme
from kaoping.scheme.model import DeductionsLeaf
from kaoping.store.audit import AuditWriter
from kaoping.store.publishing import published_periods

__all__ = [
    "CONFIRM_LABEL",
    "EntryProblem",
    "Findings",
    "Unconfirmed",
    "audit_reason",
    "check_facts_entry",
    "check_rows",
    "evaluated_years",
    "record_confirmation",
]

FIRST_YEAR = 2000
"""Without ``years:`` in the scheme, nothing before this year is taken (a 1924 typo for 2024)."""
CONFIRM_LABEL = "我已核实，确认提交"
"""The words every entry path uses for the confirmation (form checkbox, upload checkbox, CLI help)."""

DATES: dict[str, tuple[str, ...]] = {
    "deductions": ("date",),
    "honors": ("date",),
    "notices": ("notified_on", "rectified_on"),
    "cases": ("reported_at", "dispatched_at", "disposed_at", "closed_at"),
}
"""Columns that say when something was observed; a case's ``deadline`` may lie ahead and is left out."""
PERIODS: dict[str, str] = {"scores": "period", "ranks": "period"}
PLACED_BY: dict[str, str] = {**{k: v[0] for k, v in DATES.items()}, **PERIODS}
"""The column that places a row in a period (for "falls into a published period")."""


@dataclass(frozen=True)
class EntryProblem:
    """One implausible cell: where, what it holds, what was expected; ``confirmable`` says which kind."""

    file: str
    row: int | None
    column: str
    value: str
    message: str
    """Chinese: the value, what was expected, and why."""
    message_en: str
    confirmable: bool

    def input_error(self) -> InputError:
        return InputError(self.file, self.row, self.column, self.message, self.message_en)

    def problem(self, scheme: str | None = None) -> Problem:
        return Problem(self.file, self.row, self.column, self.message, scheme, self.message_en)


@dataclass
class Findings:
    """The problems of a batch of rows, the first :data:`~kaoping.errors.MAX_ERRORS` of each kind kept."""

    refused: list[EntryProblem] = field(default_factory=list)
    warnings: list[EntryProblem] = field(default_factory=list)
    refused_total: int = 0
    warnings_total: int = 0

    def add(self, found: Iterable[EntryProblem], more: int = 0) -> None:
        """Keep ``found``; ``more``: refused rows beyond them that were counted but not spelled out."""
        self.refused_total += more
        for p in found:
            kept, total = (self.warnings, "warnings_total") if p.confirmable else (self.refused, "refused_total")
            setattr(self, total, getattr(self, total) + 1)
            if len(kept) < MAX_ERRORS:
                kept.append(p)

    def merge(self, other: Findings) -> None:
        """Add ``other``'s problems, counting the ones it did not keep as well."""
        self.add([*other.refused, *other.warnings])
        self.refused_total += other.refused_total - len(other.refused)
        self.warnings_total += other.warnings_total - len(other.warnings)

    def needs_confirmation(self, reason: str | None) -> bool:
        """Warnings stand unless a non-empty reason confirms them (refusals are never confirmable)."""
        return bool(self.warnings_total) and not (reason or "").strip()


class Unconfirmed(InputErrors):
    """Rows that need an explicit confirmation with a reason (nothing written); ``findings.warnings`` lists
    them.  An :class:`~kaoping.errors.InputErrors`, so a caller that knows nothing of confirmation still
    reports the rows and writes nothing."""

    def __init__(self, findings: Findings) -> None:
        super().__init__([p.input_error() for p in findings.warnings], findings.warnings_total)
        self.findings = findings


def audit_reason(base: str, found: Findings, reason: str | None) -> str:
    """The audit trail's reason: ``base``, and the confirmation's reason when warnings were confirmed."""
    given = (reason or "").strip()
    if not found.warnings_total or not given:
        return base
    confirmed = f"{CONFIRM_LABEL}（{found.warnings_total} 处需确认）：{given}"
    return f"{base}；{confirmed}" if base.strip() and base.strip() != given else confirmed


def record_confirmation(
    session: Session, actor: str, table: str, key: str, found: Findings, reason: str | None
) -> None:
    """A ``confirmed`` event in the audit trail listing what was confirmed (the written rows carry the
    reason too), so an auditor sees the warnings the person saw, not only that something was confirmed."""
    if not found.warnings_total or not (reason or "").strip():
        return
    audit = AuditWriter(session, actor, reason=audit_reason("", found, reason))
    detail = {"warnings": [f"{p.file} {p.row} {p.column}: {p.message}" for p in found.warnings]}
    audit.event("confirmed", table[:50], key[:200], detail=detail | {"total": found.warnings_total})
    audit.flush()


def check_facts_entry(
    session: Session | None, facts: Facts, names: Iterable[str], schemes: Sequence[Scheme], now: datetime
) -> Findings:
    """:func:`check_rows` over the files ``names`` of ``facts`` (an import or upload), labelled as read."""
    found = Findings()
    for name in names:
        found.merge(check_rows(session, name, getattr(facts, name), label=facts.label(name), schemes=schemes, now=now))
    return found


def evaluated_years(schemes: Sequence[Scheme], today: date) -> tuple[int, int]:
    """The years a fact may be dated in: the union of the schemes' ``years`` (default 2000–this year)."""
    spans = [
        (s.years.from_, s.years.to if s.years.to is not None else today.year)
        if s.years is not None
        else (FIRST_YEAR, today.year)
        for s in schemes
    ] or [(FIRST_YEAR, today.year)]
    return min(lo for lo, _ in spans), max(hi for _, hi in spans)


def check_rows(
    session: Session | None,
    kind: str,
    frame: pl.DataFrame,
    *,
    label: str,
    schemes: Sequence[Scheme],
    now: datetime,
) -> Findings:
    """Every refusal and every warning for ``frame`` (rows of ``kind``, interchange schema with ``_row``).

    ``schemes``: the office's schemes, or the one an import is checked against (none: only the default
    years and the future are checked, and every published period counts).  ``session`` None skips the
    published-period check (no store at hand).
    """
    found = Findings()
    if frame.is_empty() or kind not in PLACED_BY:
        return found
    years = evaluated_years(schemes, now.date())
    for column in DATES.get(kind, ()):
        found.add(*_dates(frame, label, column, years, now))
    if kind in PERIODS:
        found.add(_periods(frame, label, PERIODS[kind], years, now.date()))
    if kind == "deductions":
        found.add(_points(frame, label, schemes))
        found.add(_windows(frame, label, schemes))
    if session is not None and not found.refused_total:
        found.add(_published(session, frame, label, kind, schemes))
    return found


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, float):
        return format(Decimal(str(value)).normalize(), "f")
    return "" if value is None else str(value)


def _dates(
    frame: pl.DataFrame, label: str, column: str, years: tuple[int, int], now: datetime
) -> tuple[list[EntryProblem], int]:
    """Dates outside the evaluated years, or after today (refused): the first ones, and how many more."""
    lo, hi = years
    limit: date | datetime = now if frame.schema[column] == pl.Datetime("us") else now.date()
    when = pl.col(column)
    bad = frame.filter(when.is_not_null() & ((when.dt.year() < lo) | (when.dt.year() > hi) | (when > limit)))
    out: list[EntryProblem] = []
    for row, value in bad.sort(ROW).head(MAX_ERRORS).select(ROW, column).iter_rows():
        text = _text(value)
        if not lo <= value.year <= hi:
            zh = f"日期 {text} 不在考评方案的考评年度内：应为 {lo}–{hi} 年的日期（是否输错了年份？）"
            en = f"date {text} is outside the scheme's evaluated years: expected a date in {lo}–{hi} (a mistyped year?)"
        else:
            today = _text(limit)
            zh = f"日期 {text} 晚于当前时间 {today}：尚未发生的事实不能录入，应为今天或更早的日期"
            en = f"date {text} is after now ({today}): nothing can be observed in the future; expected an earlier date"
        out.append(EntryProblem(label, row, column, text, zh, en, confirmable=False))
    return out, bad.height - len(out)


def _periods(frame: pl.DataFrame, label: str, column: str, years: tuple[int, int], today: date) -> list[EntryProblem]:
    """Periods outside the evaluated years, or not yet begun (refused).  Unreadable ones are the readers'."""
    lo, hi = years
    out: list[EntryProblem] = []
    for text in frame.get_column(column).unique().to_list():
        try:
            p = parse_period(str(text))
        except PeriodError:
            continue
        if lo <= p.year and (p.last // 12) <= hi and p.start() <= today:
            continue
        if not (lo <= p.year and p.last // 12 <= hi):
            zh = f"考评期 {text} 不在考评方案的考评年度内：应为 {lo}–{hi} 年的考评期（是否输错了年份？）"
            en = f"period {text} is outside the scheme's evaluated years: expected a period in {lo}–{hi}"
        else:
            zh = f"考评期 {text} 尚未开始（今天是 {today}）：应为已开始的考评期"
            en = f"period {text} has not begun (today is {today}): expected a period already under way"
        rows = frame.filter(pl.col(column) == text).sort(ROW).get_column(ROW).head(MAX_ERRORS).to_list()
        out += [EntryProblem(label, r, column, str(text), zh, en, confirmable=False) for r in rows]
    return out


def _points(frame: pl.DataFrame, label: str, schemes: Sequence[Scheme]) -> list[EntryProblem]:
    """Deduction points above the item's cap or the part's maximum (to confirm)."""
    out: dict[int, EntryProblem] = {}
    for scheme in schemes:
        for leaf in scheme.leaves_of(DeductionsLeaf):
            rows = frame.filter(pl.col("part").is_in(leaf.names()))
            for limit, what_zh, what_en in (
                (leaf.item_cap, "每个细项最多扣", "the most one item may lose is"),
                (leaf.max, "该项满分为", "the part is worth at most"),
            ):
                if limit is None:
                    continue
                over = rows.filter(pl.col("points") > float(limit)).sort(ROW).head(MAX_ERRORS)
                for row, points in over.select(ROW, "points").iter_rows():
                    n, cap = _text(points), _text(float(limit))
                    zh = f"扣分 {n} 超过“{leaf.name}”的上限：{what_zh} {cap} 分（方案 {scheme.scheme}），请核实"
                    en = f"{n} points exceed the limit of {leaf.name}: {what_en} {cap} (scheme {scheme.scheme})"
                    out.setdefault(row, EntryProblem(label, row, "points", n, zh, en, confirmable=True))
    return [out[r] for r in sorted(out)]


def _windows(frame: pl.DataFrame, label: str, schemes: Sequence[Scheme]) -> list[EntryProblem]:
    """Times outside the scheme's inspection window of the row's month (to confirm: such rows do not count)."""
    out: dict[int, EntryProblem] = {}
    for scheme in schemes:
        parts = [n for leaf in scheme.leaves_of(DeductionsLeaf) for n in leaf.names()]
        if not scheme.inspection_windows or not parts:
            continue
        ours = pl.col("part").is_in(parts) & pl.col("date").is_not_null()
        outside = frame.filter(ours & outside_windows(scheme.inspection_windows))
        for row, day, clock in outside.sort(ROW).head(MAX_ERRORS).select(ROW, "date", "time").iter_rows():
            window, at = window_text(scheme, day.month), clock.strftime("%H:%M")
            zh = (
                f"时间 {at} 不在考评时段内：{day.month} 月的考评时段为 {window}（方案 {scheme.scheme}），"
                "时段外发现的问题不计入得分"
            )
            en = f"time {at} is outside the inspection window {window} of month {day.month}; such rows do not count"
            out.setdefault(row, EntryProblem(label, row, "time", at, zh, en, confirmable=True))
    return [out[r] for r in sorted(out)]


def _published(
    session: Session, frame: pl.DataFrame, label: str, kind: str, schemes: Sequence[Scheme]
) -> list[EntryProblem]:
    """Rows falling into a period that already has a published result (to confirm)."""
    names = {s.scheme for s in schemes}
    published = [(s, parse_period(p)) for s, p in published_periods(session) if not names or s in names]
    if not published:
        return []
    column = PLACED_BY[kind]
    spans = _spans(frame, column)
    out: dict[int, EntryProblem] = {}
    for scheme, period in published:
        hit = spans.filter((pl.col("first") <= period.last) & (pl.col("last") >= period.first))
        for row, value in hit.sort(ROW).head(MAX_ERRORS).select(ROW, column).iter_rows():
            text = _text(value)
            zh = (
                f"{text} 属于已发布结果的考评期 {period}（方案 {scheme}）：已发布的结果不会随之改变，"
                "须由考评办更正并重新发布"
            )
            en = f"{text} falls into {period}, already published (scheme {scheme}); the published result stays as it is"
            out.setdefault(row, EntryProblem(label, row, column, text, zh, en, confirmable=True))
    return [out[r] for r in sorted(out)]


def _spans(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Each row's first and last month index (year * 12 + month - 1) from its date or period."""
    if frame.schema[column] == pl.String:
        bounds: dict[str, Period] = {}
        for text in frame.get_column(column).unique().to_list():
            try:
                bounds[str(text)] = parse_period(str(text))
            except PeriodError:
                continue
        first = pl.col(column).replace_strict({k: p.first for k, p in bounds.items()}, default=None)
        last = pl.col(column).replace_strict({k: p.last for k, p in bounds.items()}, default=None)
        return frame.with_columns(first=first.cast(pl.Int64), last=last.cast(pl.Int64))
    index = pl.col(column).dt.year().cast(pl.Int64) * 12 + pl.col(column).dt.month().cast(pl.Int64) - 1
    return frame.filter(pl.col(column).is_not_null()).with_columns(first=index, last=index)
