"""被考评单位 pages: a unit's score explained down to the rows, its cases, rectification tasks and appeals.

Who may look: the office (考评办) at any unit, a unit account at its own unit only — the API's rule for the
explanation (``Perm.EXPLAIN`` and ``unit_scope`` of the policy table), answered as pages answer: a Chinese
403 page or a sign-in redirect instead of JSON.  Numbers are *current* (computed from the store,
like ``kaoping score --db``), so a unit sees the effect of a correction before it is published.
Writes (evidence upload, appeals) go through the API from ``static/unit.js``; these routes only read.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.api.auth import Principal
from kaoping.api.context import ApiContext, CtxDep, OfficeScheme, SessionDep
from kaoping.api.models import DB_INT_MAX, RowId
from kaoping.api.routes_evidence import MAX_BYTES
from kaoping.app.appeals import appeal_window
from kaoping.app.policy import WRITE_KIND_PERMS, Perm, allowed, unit_scope
from kaoping.app.results import Scored, scored, unit_lines
from kaoping.app.row_history import Change, row_history
from kaoping.app.surveys import unit_sheets
from kaoping.engine.evaluate import UnsupportedPeriod
from kaoping.engine.phrases import Msg
from kaoping.engine.result import GroupResult, Line
from kaoping.errors import Forbidden, InputErrors, NotFound
from kaoping.periods import Period, PeriodError, parse_period, period_of
from kaoping.statuses import AppealStatus
from kaoping.store.tables import CaseRow, DeductionRow, Unit, UnitArea
from kaoping.web import unit_case_list as lists
from kaoping.web import unit_data as data
from kaoping.web import unit_view as view
from kaoping.web.app import PageRefused, download, error_page, render, require_page
from kaoping.web.i18n import request_lang, translator
from kaoping.web.point_map import point_map

router = APIRouter(include_in_schema=False)
Explainer = Annotated[Principal, require_page(Perm.EXPLAIN)]
"""Who may open a unit's pages: 考评办, and a unit account (its own unit, checked by ``_unit``)."""

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_FILTER = data.NO_FILTER
APPEAL_STATUS = AppealStatus.names()
ACCEPT = "image/png,image/jpeg,image/webp"
HELPERS: dict[str, Any] = {
    "pts": view.points_text,
    "shown": view.rounded_text,
    "status_labels": lists.STATUS_LABELS,
    "appeal_status": APPEAL_STATUS,
    "status_class": view.STATUS_CLASS,
    "max_bytes": MAX_BYTES,
    "max_mb": MAX_BYTES // (1024 * 1024),
    "accept": ACCEPT,
}
"""What every unit template uses: number formatting, Chinese labels, the upload limits."""


class Refused(Exception):
    """A request the page answers with something else than itself (sign-in, 403, 404)."""

    def __init__(self, response: Response) -> None:
        super().__init__()
        self.response = response


def _unit(who: Principal, session: SessionDep, unit_id: str) -> Unit:
    """The unit, if ``who`` may see it (the role was checked by the page's permission): another unit → 403."""
    try:
        unit_scope(who, unit_id, "see the unit page")
    except Forbidden as exc:
        raise PageRefused(who, exc, "此页面仅限考评办和本单位查看。") from None
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise PageRefused(who, NotFound("没有这个被考评单位。"))
    return unit


def _office(request: Request, who: Principal, ctx: ApiContext, name: str | None) -> OfficeScheme:
    office = ctx.schemes.get(name) if name else next(iter(ctx.schemes.values()), None)
    if office is None:
        raise Refused(error_page(request, who, 404, "未找到考评方案", "本系统未运行这个考评方案。"))
    return office


def _period(request: Request, who: Principal, text: str) -> Period:
    try:
        return parse_period(text)
    except PeriodError:
        raise Refused(
            error_page(request, who, 404, "未找到考评期", "考评期的写法应为 2024-05、2024-Q2 或 2024。")
        ) from None


def _scored(request: Request, who: Principal, session: SessionDep, office: OfficeScheme, period: Period) -> Scored:
    try:
        return scored(session, office.scheme, period)
    except UnsupportedPeriod:
        raise Refused(error_page(request, who, 404, "未找到考评期", "该考评方案不考评这类考评期。")) from None
    except InputErrors:
        raise Refused(
            error_page(request, who, 422, "无法计算得分", "库中数据不符合考评方案，请考评办检查数据。")
        ) from None


def _entered_after(result: Scored, deductions: list[DeductionRow]) -> set[int]:
    """Of a published version, the listed deductions its snapshot does not hold (entered after it)."""
    if result.version is None:
        return set()
    held = set(result.facts.deductions.get_column("_row").to_list())
    return {d.id for d in deductions if d.id not in held}


def _group(result: Scored, unit_id: str) -> GroupResult | None:
    for g in result.result.groups:
        if any(u.unit_id == unit_id for u in (*g.ranking, *g.unrated)):
            return g
    return None


def _query(office: OfficeScheme, period: Period, **extra: object) -> str:
    pairs = {"scheme": office.scheme.scheme, "period": str(period), **extra}
    return "&".join(f"{k}={quote(str(v))}" for k, v in pairs.items())


@router.get("/units/{unit_id}")
def unit_page(
    request: Request,
    unit_id: str,
    session: SessionDep,
    ctx: CtxDep,
    who: Explainer,
    scheme: str | None = None,
    period: str | None = None,
) -> Response:
    """The unit's score for one period, every point down to its rows; cases, 整改任务 and 申诉."""
    try:
        unit = _unit(who, session, unit_id)
        office = _office(request, who, ctx, scheme)
        span = data.data_range(session)
        now = ctx.settings.clock()
        text = period or view.default_period(office.scheme, span[1] if span else None, now.date())
        chosen = _period(request, who, text)
        result = _scored(request, who, session, office, chosen)
    except Refused as refused:
        return refused.response
    found = result.result.unit(unit_id)
    components, others = view.compose(office.scheme, found) if found else ([], [])
    lines = unit_lines(session, result, unit_id)
    cited = view.cited(lines)
    # a published version cites its rows as they were published; live numbers cite the store's rows
    fetched = (
        data.rows_from_facts(result.facts, cited, unit_id)
        if result.version
        else data.fetch_rows(session, cited, unit_id)
    )
    deductions = data.deductions(session, unit_id, chosen)
    notices = data.notices(session, unit_id, chosen)
    targets = [f"deductions:{d.id}" for d in deductions] + sorted({f"notices:{n.problem_id}" for n in notices})
    days = view.rectify_days(office.scheme)
    costs = view.notice_costs(lines)
    dues = view.deadlines(office.scheme, [n.notified_on for n in notices])
    tasks = [
        view.Task(
            n.id,
            n.problem_id,
            n.notified_on,
            n.rectified_on,
            view.task_state(n.notified_on, n.rectified_on, dues.get(n.notified_on), now.date()),
            costs.get(n.id),
        )
        for n in notices
    ]
    group = _group(result, unit_id)
    context: dict[str, Any] = {
        "unit": unit,
        "scheme": office.scheme,
        "schemes": list(ctx.schemes.values()),
        "period": str(chosen),
        "choices": _choices(office, span, chosen),
        "found": found,
        "group_size": len(group.ranking) if group else 0,
        "components": [(c, view.line_views(c.lines, fetched)) for c in components],
        "others": view.line_views(others, fetched),
        "deductions": deductions,
        "counted": view.cited_ids(lines, "deductions"),
        "point_map": _point_map(session, unit_id, deductions, view.cited_ids(lines, "deductions")),
        "late": _entered_after(result, deductions),
        "version": result.version,
        "excluded": _excluded(lines, request_lang(request)),
        "task_groups": view.task_groups(tasks),
        "rectify_days": days,
        "rectify_working": any(p.working_days and p.rectify_days == days for p in office.scheme.penalties),
        "photos": data.photos(session, unit_id, targets),
        "appeals": data.appeals(session, unit_id, period=str(chosen)),
        "window": appeal_window(session, [office.scheme.scheme], str(chosen), ctx.settings.appeal_days, now),
        "query": _query(office, chosen),
        "survey_sheets": unit_sheets(ctx, session, office.scheme.scheme, unit_id, str(chosen)),
        **lists.cases_context(session, now, (unit_id, chosen), 0, lines, NO_FILTER),
    }
    return render(request, "unit.html", who, **HELPERS, **context)


def _point_map(session: Session, unit_id: str, rows: list[DeductionRow], counted: Any) -> Any:
    """扣分点位: the deductions' points over the unit's area (None when no deduction has a point)."""
    area = session.get(UnitArea, unit_id) if any(r.lat is not None for r in rows) else None
    return point_map(area.geometry if area else None, rows, set(counted))


def _choices(office: OfficeScheme, span: tuple[Any, Any] | None, chosen: Period) -> list[str]:
    choices = view.period_choices(office.scheme, span[0], span[1]) if span else []
    return choices if str(chosen) in choices else [str(chosen), *choices]


OUTSIDE_TEXT = "{at} 不在考评时段 {window} 内，不计扣分"


def _excluded(lines: list[Line], lang: str) -> dict[int, str]:
    """Deductions the engine did not count (outside the inspection windows), with the reason in the page's
    language, said from the parameters of the engine's own explanation line (never parsed from its text)."""
    gettext = translator(lang)
    out: dict[int, str] = {}
    for ln in lines:
        if ln.key == Msg.EXCLUDED_DEDUCTION and ln.file == "db:deductions":
            at = f"{ln.params['date']} {ln.params['time']}"
            out.update(dict.fromkeys(ln.rows, gettext(OUTSIDE_TEXT, at=at, window=ln.params["window"])))
    return out


@router.get("/units/{unit_id}/cases")
def unit_cases(
    request: Request,
    unit_id: str,
    session: SessionDep,
    ctx: CtxDep,
    who: Explainer,
    wanted: lists.FilterDep,
    period: str,
    scheme: str | None = None,
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
) -> Response:
    """The unit's cases of a period, filtered; the rows alone for htmx's 更多 button, a whole page otherwise."""
    try:
        unit = _unit(who, session, unit_id)
        office = _office(request, who, ctx, scheme)
        chosen = _period(request, who, period)
        result = _scored(request, who, session, office, chosen)
    except Refused as refused:
        return refused.response
    lines = unit_lines(session, result, unit_id)
    context: dict[str, Any] = {
        "unit": unit,
        "scheme": office.scheme,
        "period": str(chosen),
        "query": _query(office, chosen, **lists.filter_params(wanted)),
        "base_query": _query(office, chosen),
        **lists.cases_context(session, ctx.settings.clock(), (unit_id, chosen), offset, lines, wanted),
    }
    name = "unit_cases_more.html" if request.headers.get("HX-Request") else "unit_cases.html"
    response = render(request, name, who, **HELPERS, **context)
    response.headers["Vary"] = "HX-Request"  # the same address answers a fragment or a page
    return response


@router.get("/units/{unit_id}/cases.xlsx")
def unit_cases_export(
    request: Request,
    unit_id: str,
    session: SessionDep,
    ctx: CtxDep,
    who: Explainer,
    wanted: lists.FilterDep,
    period: str,
) -> Response:
    """The unit's listed cases of a period (as filtered) as a workbook; more than MAX_EXPORT: narrow first."""
    try:
        unit = _unit(who, session, unit_id)
        chosen = _period(request, who, period)
    except Refused as refused:
        return refused.response
    now = ctx.settings.clock()
    if data.case_counts(session, unit_id, chosen, now, wanted).total > lists.MAX_EXPORT:
        message = f"超过 {lists.MAX_EXPORT:,} 件案卷，请先按状态或类别筛选再导出。"
        return error_page(request, who, 422, "无法导出", message)
    text = translator(request_lang(request))
    content = lists.export_bytes(session, now, (unit_id, chosen), wanted, text)
    return download(content, f"{unit.name}-{chosen}-案卷.xlsx", XLSX)


@router.get("/units/{unit_id}/cases/{case_id}")
def case_page(
    request: Request, unit_id: str, case_id: str, session: SessionDep, ctx: CtxDep, who: Explainer
) -> Response:
    """One case with its whole timeline (every step, who and when; late and reworked steps marked)."""
    try:
        unit = _unit(who, session, unit_id)
    except Refused as refused:
        return refused.response
    row = session.scalar(select(CaseRow).where(CaseRow.case_id == case_id, CaseRow.unit_id == unit_id))
    if row is None:
        return error_page(request, who, 404, "未找到", "本单位没有这个案卷。")
    now = ctx.settings.clock()
    raw = data.transitions(session, [row.case_id])[row.case_id]
    steps = view.timeline([(t.at, t.from_status, t.to_status, t.actor, t.note) for t in raw], row.deadline)
    marks = view.case_marks(row.deadline, row.disposed_at, row.rework_count, row.verify_failed, row.postponed, now)
    shown = {"case": row, "steps": steps, "marks": marks, **_history(session, who, "cases", row)}
    return render(request, "unit_case.html", who, **HELPERS, unit=unit, **shown)


def _history(session: Session, who: Principal, kind: str, row: CaseRow | DeductionRow) -> dict[str, Any]:
    """记录来历 of a row for the page, when the viewer may read the audit trail (``Perm.AUDIT_READ``), and
    the link to change the row (我的录入) when the viewer's role may write its kind."""
    history = row_history(session, kind, row.nkey, row.import_id) if allowed(who.role, Perm.AUDIT_READ) else None
    may_edit = allowed(who.role, Perm.OWN_ENTRIES) and allowed(who.role, WRITE_KIND_PERMS[kind])
    return {
        "history": history,
        "changes": Change.names(),
        "edit_href": f"/my-entries/{kind}/{row.id}" if may_edit else None,
    }


def _counted_in(lines: list[Line], row_id: int) -> list[Line]:
    return [ln for ln in lines if ln.file == "db:deductions" and row_id in ln.rows]


@router.get("/units/{unit_id}/deductions/{row_id}")
def deduction_page(
    request: Request,
    unit_id: str,
    row_id: RowId,
    session: SessionDep,
    ctx: CtxDep,
    who: Explainer,
    scheme: str | None = None,
) -> Response:
    """One deduction: every field, the problem photos and rectification photos, upload and appeal forms."""
    try:
        unit = _unit(who, session, unit_id)
        office = _office(request, who, ctx, scheme)
        row = session.get(DeductionRow, row_id)
        if row is None or row.unit_id != unit_id:
            raise Refused(error_page(request, who, 404, "未找到", "本单位没有这条扣分记录。"))
        chosen = period_of(row.date, office.scheme.main_kind)
        result = _scored(request, who, session, office, chosen)
    except Refused as refused:
        return refused.response
    target = f"deductions:{row.id}"
    shots = data.photos(session, unit_id, [target])[target]
    now = ctx.settings.clock()
    lines = unit_lines(session, result, unit_id)  # a result from kept cells: the rows read for this unit
    context: dict[str, Any] = {
        "unit": unit,
        "scheme": office.scheme,
        "period": str(chosen),
        "row": row,
        "target": target,
        "counted_in": _counted_in(lines, row.id),
        "excluded_reason": _excluded(lines, request_lang(request)).get(row.id),
        "problem_photos": [p for p in shots if not p.rectification],
        "rectification_photos": [p for p in shots if p.rectification],
        "appeals": data.appeals(session, unit_id, target=target),
        "window": appeal_window(session, [office.scheme.scheme], str(chosen), ctx.settings.appeal_days, now),
        "query": _query(office, chosen),
        "survey_sheets": unit_sheets(ctx, session, office.scheme.scheme, unit_id, str(chosen)),
        **_history(session, who, "deductions", row),
    }
    return render(request, "unit_deduction.html", who, **HELPERS, **context)
