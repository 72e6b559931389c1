"""A unit's case list on its pages: the filters (status, category, 案卷号, whether the score counts it),
one page of cases with their timelines, the sentence that reconciles the list with the score, and the
export.

The reconciliation is :mod:`kaoping.app.case_lists`'s: the list shows the cases the period touches, the
score counts those dispatched in it, and the page says how many of each and why the rest count elsewhere —
each reason a link to the list of exactly those cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query
from sqlalchemy.orm import Session

from kaoping.app.case_lists import (
    MAX_CASE_ID,
    MAX_CATEGORY,
    CaseFilter,
    CaseState,
    Reach,
    list_summary,
)
from kaoping.cases.lifecycle import LABELS
from kaoping.engine.phrases import Msg
from kaoping.engine.result import Line
from kaoping.output.sheet import ColumnKind, Sheet, Value, workbook_bytes
from kaoping.periods import Period
from kaoping.store.tables import CaseRow
from kaoping.web import unit_data as data
from kaoping.web import unit_view as view

MAX_EXPORT = 50_000
"""The most cases one export holds (a unit's year is a few thousand; beyond this, narrow the filters)."""
REACH_NAMES = Reach.names()
STATE_NAMES = CaseState.names()
STATUS_LABELS = {str(k): v for k, v in LABELS.items()}


Choice = TypeVar("Choice", Reach, CaseState)


def _choice(kind: type[Choice], text: str) -> Choice | None:
    """The member named ``text``, or None (an unknown value filters nothing rather than failing the page)."""
    return next((m for m in kind if m.value == text), None)


def case_filter(
    state: Annotated[str, Query(max_length=20)] = "",
    category: Annotated[str, Query(max_length=MAX_CATEGORY)] = "",
    q: Annotated[str, Query(max_length=MAX_CASE_ID)] = "",
    reach: Annotated[str, Query(max_length=20)] = "",
    against: Annotated[str, Query(max_length=5)] = "",
) -> CaseFilter:
    """The list's filters from the query string, bounded and checked."""
    return CaseFilter(
        state=_choice(CaseState, state),
        category=category,
        case_id=q.strip(),
        reach=_choice(Reach, reach),
        against=against in ("1", "on", "true"),
    )


FilterDep = Annotated[CaseFilter, Depends(case_filter)]


def filter_params(wanted: CaseFilter) -> dict[str, str]:
    """The query parameters that ask for ``wanted`` (empty ones left out)."""
    values = {
        "state": wanted.state.value if wanted.state else "",
        "category": wanted.category,
        "q": wanted.case_id,
        "reach": wanted.reach.value if wanted.reach else "",
        "against": "1" if wanted.against else "",
    }
    return {k: v for k, v in values.items() if v}


def reach_of(row: CaseRow, period: Period) -> Reach:
    """Where a listed case counts (the same rule as :func:`~kaoping.app.case_lists.reach_condition`)."""
    if row.dispatched_at is None:
        return Reach.UNDISPATCHED
    day = row.dispatched_at.date()
    if day < period.start():
        return Reach.EARLIER
    return Reach.LATER if day >= period.end_exclusive() else Reach.COUNTED


def score_counted(lines: Sequence[Line]) -> int | None:
    """How many cases the shown score counted (应结案数): the cases line of its first cases part, summed over
    the months a quarter is the mean of; None when the score has no such line (no case dispatched)."""
    counted = [ln for ln in lines if ln.key == Msg.CASE_COUNTS]
    if not counted:
        return None
    return sum(int(str(ln.params["n"])) for ln in counted if ln.part == counted[0].part)


def cases_context(
    session: Session, now: datetime, where: tuple[str, Period], offset: int, lines: Sequence[Line], wanted: CaseFilter
) -> dict[str, Any]:
    """One page of the unit's cases (those ``wanted``) with their timelines, the link to the next page, the
    reconciliation with the score (``lines``: the unit's explanation, its case rows filled in) and the
    filter's choices."""
    unit_id, period = where
    cited = view.cited_ids(lines, "cases")
    rows = data.cases(session, unit_id, period, now, offset=offset, wanted=wanted)
    steps = data.transitions(session, [c.case_id for c in rows])
    items = []
    for c in rows:
        marks = view.case_marks(c.deadline, c.disposed_at, c.rework_count, c.verify_failed, c.postponed, now)
        timeline = view.timeline(
            [(t.at, t.from_status, t.to_status, t.actor, t.note) for t in steps[c.case_id]], c.deadline
        )
        reach = reach_of(c, period)
        items.append(
            {"row": c, "cited": c.id in cited, "reach": reach, "marks": marks, "against": view.against(marks)}
            | {"steps": timeline}
        )
    summary = list_summary(session, unit_id, period, now)
    # unfiltered, the list's counts are the summary's (one pass over the unit's cases, not two)
    counts = (
        data.case_counts(session, unit_id, period, now, wanted)
        if wanted.active
        else data.CaseCounts(summary.reconciled.listed, summary.against)
    )
    more = offset + len(rows) if offset + len(rows) < counts.total else None
    return {
        "case_items": items,
        "case_counts": counts,
        "case_more": more,
        "case_offset": offset,
        "reconciled": summary.reconciled,
        "score_counted": score_counted(lines),
        "case_filter": wanted,
        "case_categories": [(c, c) for c in summary.categories],
        "reach_names": REACH_NAMES,
        "state_names": STATE_NAMES,
    }


_COLUMNS: list[tuple[str, ColumnKind]] = [
    ("案卷号", ColumnKind.TEXT),
    ("案件类别", ColumnKind.TEXT),
    ("上报时间", ColumnKind.TIME),
    ("派遣时间", ColumnKind.TIME),
    ("处置期限", ColumnKind.TIME),
    ("处置时间", ColumnKind.TIME),
    ("结案时间", ColumnKind.TIME),
    ("返工次数", ColumnKind.COUNT),
    ("核查不通过次数", ColumnKind.COUNT),
    ("延期次数", ColumnKind.COUNT),
    ("当前状态", ColumnKind.TEXT),
    ("计分", ColumnKind.TEXT),
]


def _state(row: CaseRow) -> CaseState:
    if row.closed_at is not None:
        return CaseState.CLOSED
    if row.disposed_at is not None:
        return CaseState.DISPOSED
    return CaseState.DISPOSING if row.dispatched_at is not None else CaseState.UNDISPATCHED


def export_sheet(rows: list[CaseRow], period: Period, text: Any) -> Sheet:
    """The listed cases as one sheet, translated by ``text`` (the page's ``_``)."""
    out: list[list[Value]] = []
    for c in rows:
        times: list[Value] = [c.reported_at, c.dispatched_at, c.deadline, c.disposed_at, c.closed_at]
        counts: list[Value] = [c.rework_count, c.verify_failed, c.postponed]
        labels = [text(_state(c).label), text(reach_of(c, period).label)]
        out.append([c.case_id, c.category, *times, *counts, *labels])
    return Sheet(text("案卷"), [(text(title), kind) for title, kind in _COLUMNS], out)


def export_bytes(session: Session, now: datetime, where: tuple[str, Period], wanted: CaseFilter, text: Any) -> bytes:
    """The unit's listed cases (those ``wanted``, at most :data:`MAX_EXPORT`) as a workbook."""
    unit_id, period = where
    rows = data.cases(session, unit_id, period, now, limit=MAX_EXPORT, wanted=wanted)
    return workbook_bytes([export_sheet(rows, period, text)])
