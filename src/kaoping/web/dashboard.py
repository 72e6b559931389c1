"""综合看板: the office's dashboard of one period — rankings with rank change, trend, parts, and a map.

It shows *current* numbers from the store (``results.scored``, cached by data version), not only what was
published: the office watches a period while its facts come in, then publishes it from the period page.
A year of trend points is a dozen cached results over one loaded copy of the facts, so a busy store is not
re-read per chart.  Numbers are shaped in ``dashboard_data`` and the charts' islands in ``dashboard_charts``
(pure, unit-tested); this module loads and
renders, behind ``Perm.DASHBOARD`` of the policy table.  Routes are plain ``def``: scoring blocks, FastAPI
runs them in a thread.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import extract, select
from sqlalchemy.orm import Session

from kaoping.api.auth import Principal
from kaoping.api.context import CtxDep, SessionDep
from kaoping.app import frozen
from kaoping.app.entry_checks import evaluated_years
from kaoping.app.period_states import PeriodState
from kaoping.app.policy import Perm
from kaoping.app.results import counted_rows, evaluated_kinds, period_rows, scored, store_version, try_scored
from kaoping.caching import Bounded
from kaoping.errors import InputErrors
from kaoping.periods import Period, PeriodError, parse_period
from kaoping.scheme import Scheme
from kaoping.scheme.model import ScoreBonus, Source
from kaoping.store import publishing
from kaoping.store.case_cells import dispatch_months
from kaoping.store.tables import DeductionRow, ScoreRow, Unit, UnitArea
from kaoping.web import dashboard_charts as dc
from kaoping.web import dashboard_data as dd
from kaoping.web.app import error_page, render, require_page
from kaoping.web.dashboard_points import problem_points
from kaoping.web.office_todo import office_todo

router = APIRouter(include_in_schema=False)
Office = Annotated[Principal, require_page(Perm.DASHBOARD)]
"""The dashboard is the office's (考评办): anonymous readers sign in, other roles get the 403 page."""


def _fed_by(scheme: Scheme, source: Source) -> list[str]:
    """Every name (aliases too) of the scheme's leaves fed by ``source``; for scores, the bonus parts too."""
    names = [n for p in scheme.leaves() if p.source == source for n in p.names()]
    if source == Source.SCORES:
        names += [n for r in scheme.bonus.rules if isinstance(r, ScoreBonus) for n in r.names()]
    return names


def _dated_months(session: Session, when: Any, *where: Any) -> set[int]:
    stmt = select(extract("year", when), extract("month", when)).where(*where).distinct()
    return {int(y) * 12 + int(m) - 1 for y, m in session.execute(stmt) if y is not None}


def _score_months(session: Session, *where: Any) -> set[int]:
    months: set[int] = set()
    for text in session.scalars(select(ScoreRow.period).where(*where).distinct()):
        try:
            p = parse_period(text)
        except PeriodError:
            continue
        months.update(range(p.first, p.last + 1))
    return months


_months: Bounded[tuple[str, str, date, tuple[int, ...]], frozenset[int]] = Bounded(16)


def fact_months(session: Session, scheme: Scheme, today: date) -> set[int]:
    """:func:`scan_fact_months`, kept while no fact in the store changes (it scans every dated row)."""
    key = (str(session.get_bind().engine.url), scheme.scheme, today, store_version(session))
    return set(_months.get_or_make(key, lambda: frozenset(scan_fact_months(session, scheme, today))))


def scan_fact_months(session: Session, scheme: Scheme, today: date) -> set[int]:
    """Month indexes (year * 12 + month - 1) in which the scheme evaluates rows of its units.

    Only rows that score a unit count — scores of its parts, deductions of its deduction parts, cases when
    a part is fed by cases — and only in the scheme's evaluated years up to today
    (:func:`kaoping.app.entry_checks.evaluated_years`): one stray row dated 2031 must not open a 2031
    period of all-tied units.  Asked of the database (distinct months, a few cheap queries) rather than of
    loaded facts, so that ``/dashboard`` can find the latest period without loading a whole store.
    """
    ours = select(Unit.unit_id).where(Unit.group.in_([g.name for g in scheme.groups]))
    deducted = DeductionRow.part.in_(_fed_by(scheme, Source.DEDUCTIONS))
    months = _dated_months(session, DeductionRow.date, DeductionRow.unit_id.in_(ours), deducted)
    months |= _score_months(session, ScoreRow.unit_id.in_(ours), ScoreRow.part.in_(_fed_by(scheme, Source.SCORES)))
    if _fed_by(scheme, Source.CASES):  # the months cases were dispatched in, as the engine counts them: from cells
        months |= dispatch_months(session, ours)
    first, last = evaluated_years([scheme], today)
    latest = min((last + 1) * 12 - 1, today.year * 12 + today.month - 1)
    return {m for m in months if first * 12 <= m <= latest}


def _with_lang(request: Request, url: str) -> str:
    """Keep ``?lang=`` across a redirect, so the first English visit lands on an English page."""
    lang = request.query_params.get("lang")
    return f"{url}?{urlencode({'lang': lang})}" if lang else url


def _picker(ctx: CtxDep, scheme: Scheme, months: set[int]) -> dict[str, Any]:
    """What the period picker needs: the schemes, this scheme's kinds and their periods with data."""
    kinds = evaluated_kinds(scheme)
    return {
        "schemes": [(name, office.scheme.title) for name, office in ctx.schemes.items()],
        "kinds": [(k.value, dd.KIND_NAMES[k]) for k in kinds],
        "options": {k.value: dd.period_options(months, k) for k in kinds},
    }


def _today(ctx: CtxDep) -> date:
    return ctx.settings.clock().date()


@router.get("/dashboard")
def dashboard_home(
    request: Request,
    session: SessionDep,
    ctx: CtxDep,
    who: Office,
    scheme: str = "",
    kind: str = "",
    period: str = "",
    current: str = "",
) -> Response:
    """The picker's target (a plain GET form) and the nav link: go to the chosen or the latest period.

    A changed kind arrives with a period of the old kind (no JavaScript needed): the period of the new
    kind holding it is shown.  A changed scheme starts at that scheme's latest period with data.
    """
    if not ctx.schemes:
        return error_page(request, who, 404, "未找到考评方案", "本系统尚未配置考评方案。")
    name = scheme if scheme in ctx.schemes else next(iter(ctx.schemes))
    office = ctx.schemes[name].scheme
    kinds = evaluated_kinds(office)
    wanted = next((k for k in kinds if k.value == kind), None)
    chosen: Period | None = None
    if period and current in ("", name):
        try:
            chosen = parse_period(period)
        except PeriodError:
            chosen = None
    months: set[int] = set()
    if chosen is not None:
        chosen = dd.convert_period(chosen, wanted or (chosen.kind if chosen.kind in kinds else kinds[0]))
    else:
        months = fact_months(session, office, _today(ctx))
        chosen = dd.latest_period(months, wanted or kinds[0])
    if chosen is None:
        return render(request, "dashboard.html", who, view=None, scheme=office, **_picker(ctx, office, months))
    return RedirectResponse(_with_lang(request, f"/dashboard/{name}/{chosen}"), status_code=303)


def _areas(session: Session, unit_ids: list[str]) -> dict[str, Any]:
    rows = session.execute(select(UnitArea.unit_id, UnitArea.geometry).where(UnitArea.unit_id.in_(unit_ids)))
    return {unit_id: geometry for unit_id, geometry in rows}


def _view(session: Session, scheme: Scheme, period: Period, months: set[int]) -> dict[str, Any]:
    """Everything the page shows for ``period``; every result comes from the shared cache."""
    now = scored(session, scheme, period)
    before = try_scored(session, scheme, period.previous())
    finer = evaluated_kinds(scheme)[0]
    points = [
        (p, now.result if p == period else scored(session, scheme, p).result)
        for p in dc.trend_periods(period, months, finer)
    ]
    rows = counted_rows(session, now, period)  # deductions as rows (a result from kept cells holds none)
    acts = dd.activity(rows, period, now.result)
    unit_ids = [u.unit_id for g in now.result.groups for u in (*g.ranking, *g.unrated)]
    excluded = len(dd.excluded_rows(now.facts, now.result))
    return {
        "result": now.result,
        "empty": not now.result.evaluated or not now.result.units(),
        "changes": dd.rank_changes(now.result, before.result if before else None),
        "has_previous": before is not None and before.result.evaluated,
        "previous": str(period.previous()),
        "kpis": dd.kpis(now.result, acts, has_cases=now.facts.has_cases(), excluded=excluded),
        "trend": dc.trend(points),
        "parts": dc.part_comparison(scheme, now.result),
        "map": dc.map_data(now.result, _areas(session, unit_ids), acts, scheme.scheme, str(period)),
        "points": problem_points(rows, period, now.result),
        "published": publishing.current(session, scheme=scheme.scheme, period=str(period)),
        "drift": _drift(session, scheme, period, {u.unit_id: u.name for u in now.result.units()}),
    }


def _drift(session: Session, scheme: Scheme, period: Period, names: dict[str, str]) -> list[dict[str, Any]]:
    """The rows of ``period`` that live data has changed since its published version (empty if none or
    unpublished), as the page lists them."""
    kept = frozen.published_frozen(session, scheme.scheme, str(period))
    if kept is None:
        return []
    return [dd.changed_row(r, names) for r in frozen.drift(kept, period_rows(session, scheme, period))]


def _formatter(scheme: Scheme) -> Any:
    """Numbers as the scheme shows them (its decimals), for the tables."""
    step = Decimal(1).scaleb(-scheme.display.decimals)

    def num(x: Decimal | float | None) -> str:
        return "" if x is None else f"{Decimal(str(x)).quantize(step, ROUND_HALF_UP)}"

    return num


@router.get("/dashboard/{scheme}/{period}")
def dashboard(request: Request, scheme: str, period: str, session: SessionDep, ctx: CtxDep, who: Office) -> Response:
    """One period of one scheme, computed from the store's current facts."""
    office = ctx.schemes.get(scheme)
    try:
        chosen = parse_period(period)
    except PeriodError:
        chosen = None
    if office is None or chosen is None:
        return error_page(request, who, 404, "未找到考评期", f"没有考评方案 {scheme} 的考评期 {period}。")
    kinds = evaluated_kinds(office.scheme)
    if chosen.kind not in kinds:
        allowed = "、".join(dd.KIND_NAMES[k] for k in kinds)
        return error_page(request, who, 404, "未找到考评期", f"考评方案 {scheme} 只进行{allowed}考评。")
    months = fact_months(session, office.scheme, _today(ctx))
    try:
        view = _view(session, office.scheme, chosen, months)
    except InputErrors as exc:
        return error_page(request, who, 422, "无法计算考评结果", str(exc))
    return render(
        request,
        "dashboard.html",
        who,
        view=view,
        scheme=office.scheme,
        period=str(chosen),
        kind=chosen.kind.value,
        num=_formatter(office.scheme),
        todo=office_todo(ctx, session, who, scheme, len(view["drift"]), str(chosen)),
        state_names=PeriodState.names(),
        **_picker(ctx, office.scheme, months),
    )
