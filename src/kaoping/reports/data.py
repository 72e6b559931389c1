"""Everything a bulletin shows, as one value the Excel and PDF writers lay out without computing anything.

Both writers need the same things: the period's result, the previous period's result to compare with,
the deduction-reason analysis and the case metrics.  They are gathered by the use case
:mod:`kaoping.app.bulletins` (from files, a store URL or a page's session), so the two formats can never
disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from kaoping.engine.analysis import Analysis
from kaoping.engine.owed import OwedState, OwedStatus
from kaoping.engine.result import PeriodResult
from kaoping.engine.robustness import Robustness
from kaoping.facts import Facts
from kaoping.periods import parse_period
from kaoping.scheme import Scheme

__all__ = [
    "DRAFT_CREATED",
    "FILES_DRAFT",
    "SHORT_HEAD",
    "STORE_DRAFT",
    "BulletinData",
    "BulletinStamp",
    "case_metrics",
    "period_label",
    "survey_rows",
]

SHORT_HEAD = 12
"""Hex characters of the audit chain head printed on paper: the public page prints as many."""

DRAFT_CREATED = datetime(2000, 1, 1)
"""The creation date a draft's file carries: a fixed one, so the same facts give the same bytes (a draft
has no publication time, and the time of the download would make every copy differ)."""

_CN_NUM = "〇一二三四五六七八九十"


@dataclass(frozen=True)
class BulletinStamp:
    """Which published version a bulletin stands for, printed on every page and kept in the file's properties.

    Paper outlives the system: a bulletin forwarded or printed must say by itself whether it is the
    published result (which version, when, and the audit chain head saved with it, which anyone can
    compare with the office's chain via ``kaoping verify --audit``) or a draft that decides nothing.
    ``version`` None is a draft; ``basis`` then says what it was built from.
    """

    version: int | None = None
    published_at: datetime | None = None
    audit_head: str | None = None
    status: str = "draft"
    basis: str = "按库中当前数据生成，未发布"

    @property
    def published(self) -> bool:
        return self.version is not None

    @property
    def short_head(self) -> str:
        return (self.audit_head or "")[:SHORT_HEAD]

    @property
    def created(self) -> datetime:
        """The file's creation date: the publication (so reprints are identical), else the fixed draft date."""
        return self.published_at or DRAFT_CREATED

    def line(self) -> str:
        """``第 2 版 · 发布于 2024-07-05 09:30 · 审计链头 3f9a…`` (12 hex), or ``草稿 · <basis>``."""
        if self.version is None:
            return f"草稿 · {self.basis}"
        parts = [f"第 {self.version} 版"]
        if self.published_at is not None:
            parts.append(f"发布于 {self.published_at:%Y-%m-%d %H:%M}")
        if self.audit_head:
            parts.append(f"审计链头 {self.short_head}")
        return " · ".join(parts)


STORE_DRAFT = BulletinStamp()
"""A bulletin from the store's current facts while nothing (matching) is published."""
FILES_DRAFT = BulletinStamp(basis="按数据文件生成，未发布")
"""A bulletin from a data folder or workbook (``kaoping report --data``): never a publication."""


def period_label(period: str) -> str:
    """``2024-Q2`` -> 2024年第二季度, ``2024-H1`` -> 2024年上半年, ``2024-05`` -> 2024年5月, ``2024`` -> 2024年度."""
    if m := re.fullmatch(r"(\d{4})-?H([12])", period):
        return f"{m.group(1)}年{'上' if m.group(2) == '1' else '下'}半年"
    if m := re.fullmatch(r"(\d{4})-?Q([1-4])", period):
        return f"{m.group(1)}年第{_CN_NUM[int(m.group(2))]}季度"
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", period):
        return f"{m.group(1)}年{int(m.group(2))}月"
    if re.fullmatch(r"\d{4}", period):
        return f"{period}年度"
    return period


@dataclass
class BulletinData:
    """The inputs of one bulletin; ``previous`` is None when there is no evaluated previous period."""

    scheme: Scheme
    result: PeriodResult
    previous: PeriodResult | None
    analysis: Analysis
    metrics: pl.DataFrame | None
    """One row per unit with cases: unit_id, unit, the counts and rates of kaoping.cases.metrics; None without cases."""
    stamp: BulletinStamp = field(default=FILES_DRAFT)
    """The published version this bulletin stands for, or the draft marking (printed on every page)."""
    robustness: Robustness | None = None
    """排名稳健性 of the result: a fragile rank (tie-break, margin below the rounding unit) gets a note."""
    owed: list[OwedState] | None = None
    """The period's scores owed (应报分数) and where each stands, from the store; None: not chased, or files."""
    surveys: list[dict[str, object]] = field(default_factory=list)
    """The period's score rows made from questionnaires (问卷), with n, margin and flag (:func:`survey_rows`)."""

    def owed_out(self) -> list[OwedState]:
        """The owed scores a bulletin reports: missing, late or not yet due (in by the due day: not listed)."""
        return [s for s in self.owed or [] if s.status != OwedStatus.FILLED]


def case_metrics(facts: Facts, result: PeriodResult) -> pl.DataFrame | None:
    """Case counts and rates per unit for the result's period, as floats ready for a sheet or a table.

    ``rates`` works on one unit's counts; it runs once per unit with cases (not per case row).
    """
    from kaoping.cases.cells import period_counts
    from kaoping.cases.metrics import COUNTS, RATES, rates

    if not facts.has_cases():
        return None
    counts = period_counts(facts.cases, facts.case_cells, parse_period(result.period))
    if counts.is_empty():
        return None
    rows: list[dict[str, object]] = []
    for r in counts.iter_rows(named=True):
        unit = result.unit(r["unit_id"])
        values = rates({c: int(r[c]) for c in COUNTS})
        row: dict[str, object] = {"unit_id": r["unit_id"], "unit": unit.name if unit else ""}
        row.update({name: float(values[name]) for name in (*COUNTS, *RATES)})
        rows.append(row)
    schema: dict[str, pl.DataType] = {"unit_id": pl.String(), "unit": pl.String()}
    schema.update({name: pl.Float64() for name in (*COUNTS, *RATES)})
    return pl.DataFrame(rows, schema=schema, orient="row")


def survey_rows(facts: Facts, result: PeriodResult) -> list[dict[str, object]]:
    """The score rows of the result's period a questionnaire's tally wrote (source ``问卷:…``), each with the
    unit's name and n, mean, margin, quota and flag read back from its note (kaoping.engine.survey)."""
    from kaoping.engine.survey import read_note

    rows = facts.scores.filter(pl.col("period") == result.period, pl.col("source").str.starts_with("问卷:"))
    out: list[dict[str, object]] = []
    for r in rows.sort("unit_id").iter_rows(named=True):
        unit = result.unit(r["unit_id"])
        base = {k: r[k] for k in ("unit_id", "part", "item", "score", "source")}
        out.append({**base, "unit": unit.name if unit else "", **read_note(str(r["note"]))})
    return out
