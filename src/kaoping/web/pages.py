"""The page routes: 公示 (public rankings), the office's period page with bulletin downloads, sign-in.

Public pages read only what was *published* (``publishing.current``): the frozen document, never a
fresh computation, so what a citizen sees is exactly what the office released.  Bulletins are built
from the store on request (:mod:`kaoping.app.bulletins`, in the request's session), like
``kaoping report --db``, so the office always downloads current facts.
Routes are plain ``def``: scoring and PDF rendering block, so FastAPI runs them in its thread pool.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import unquote, urlsplit

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from kaoping.api.auth import Principal
from kaoping.api.context import CtxDep, SessionDep
from kaoping.app import bulletins
from kaoping.app.context import AppContext
from kaoping.app.owed import owed_report
from kaoping.app.period_states import PeriodStanding, PeriodState, months_of, period_standings, standing_of
from kaoping.app.policy import Perm
from kaoping.app.review import review_of
from kaoping.app.surveys import questionnaires, survey_standings
from kaoping.errors import InputErrors
from kaoping.periods import PeriodKind
from kaoping.reports.data import BulletinData
from kaoping.reports.grade_exports import GradeExport, write_grade_export
from kaoping.scheme import Scheme
from kaoping.statuses import ResultStatus
from kaoping.store import publishing
from kaoping.store.tables import PublishedResult
from kaoping.web.app import (
    ViewerDep,
    compile_templates,
    download,
    error_page,
    install_refusals,
    landing_pages,
    mount_static,
    render,
    require_page,
)
from kaoping.web.dashboard_charts import value_axis
from kaoping.web.i18n import request_lang
from kaoping.web.public_view import index_years, legend_needs, period_name, public_groups
from kaoping.web.review_view import barred_steps, review_view
from kaoping.web.robustness_view import robustness_view

router = APIRouter(include_in_schema=False)
Office = Annotated[Principal, require_page(Perm.PERIODS)]
"""考评办's pages: the period page and its bulletin downloads."""

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _versions(session: SessionDep, scheme: str, period: str) -> list[PublishedResult] | None:
    """Every version of (scheme, period), or None when the period text is not a period at all."""
    try:
        return publishing.versions(session, scheme=scheme, period=period)
    except ValueError:
        return None


def _chart(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The JSON island the bar charts read: per group, unit names and shown totals in rank order, and the
    value axis — always from zero (a bar's length is its value: on an axis from 82, 82.7 looks like a tenth
    of 92), on the round steps the dashboard's axes use."""
    out = []
    for g in document.get("groups", []):
        totals = [u["total"] for u in g.get("ranking", [])]
        axis = value_axis([0.0, *(float(t) for t in totals if t is not None)])
        out.append(
            {"group": g["group"], "units": [u["unit"] for u in g.get("ranking", [])], "totals": totals, "axis": axis}
        )
    return out


def _part_names(document: dict[str, Any]) -> list[str]:
    """Column headings for the parts, in the scheme's order (the first ranked unit has them all)."""
    for g in document.get("groups", []):
        for u in (*g.get("ranking", []), *g.get("units", [])):
            return list(u["parts"])
    return []


@router.get("/")
def home() -> RedirectResponse:
    """The public ranking is what most visitors come for."""
    return RedirectResponse("/public", status_code=302)


@router.get("/public")
def public_index(request: Request, session: SessionDep, ctx: CtxDep, who: ViewerDep) -> Response:
    """Every (scheme, period) with a published result, by year, newest first, named as people say them."""
    titles = {key: office.scheme.title for key, office in ctx.schemes.items()}
    years = index_years(publishing.published_periods(session), titles, request_lang(request))
    return render(request, "public_index.html", who, years=years, surveys=list(questionnaires(ctx).values()))


@router.get("/public/{scheme}/{period}")
def public_period(
    request: Request, scheme: str, period: str, session: SessionDep, ctx: CtxDep, who: ViewerDep
) -> Response:
    """The published ranking; earlier (superseded) versions are named so a correction is never hidden."""
    rows = _versions(session, scheme, period) or []
    current = next((r for r in rows if r.status == ResultStatus.PUBLISHED), None)
    if current is None:
        return error_page(request, who, 404, "未找到公示结果", f"{scheme} {period} 尚未发布考评结果。")
    earlier = [r for r in rows if r.status == ResultStatus.SUPERSEDED]
    document = current.document
    office = ctx.schemes.get(scheme)
    part_names = _part_names(document)
    groups = public_groups(document, part_names, office.scheme if office else None)
    return render(
        request,
        "public_period.html",
        who,
        scheme=scheme,
        period=period,
        period_name=period_name(period, request_lang(request)),
        current=current,
        earlier=earlier,
        document=document,
        part_names=part_names,
        groups=groups,
        legend=legend_needs(groups),
        chart=_chart(document),
    )


@router.get("/periods/{scheme}/{period}")
def period_page(request: Request, scheme: str, period: str, session: SessionDep, ctx: CtxDep, who: Office) -> Response:
    """The office's view of one period: every version in any status, the bulletin downloads, and — while a
    version is open — its ranking beside the published one with the rows that changed, so the review is
    made with the difference in sight."""
    rows = _versions(session, scheme, period)
    if rows is None or scheme not in ctx.schemes:
        return error_page(request, who, 404, "未找到考评期", f"没有考评方案 {scheme} 的考评期 {period}。")
    open_row = next((r for r in rows if r.status in publishing.OPEN), None)
    shown = None
    if open_row is not None:
        shown = review_view(review_of(session, open_row), ctx.schemes[scheme].scheme.display.decimals)
    barred = barred_steps(who, open_row, ctx.settings.separation_of_duties)
    months = _months_of(session, ctx.schemes[scheme].scheme, period)
    page: dict[str, Any] = {"rows": rows, "review": shown, "barred": barred, "months": months}
    page["robust"] = robustness_view(session, ctx.schemes[scheme].scheme, period, request_lang(request))
    page["graded"] = ctx.schemes[scheme].scheme.graded
    page["missing"] = len(owed_report(session, ctx.schemes[scheme].scheme, period).missing)
    page["state_names"] = PeriodState.names()
    page["surveys"] = survey_standings(ctx, session, scheme, period)
    page["separate"] = ctx.settings.separation_of_duties
    return render(request, "period.html", who, scheme=scheme, period=period, **page)


def _months_of(session: Session, scheme: Scheme, period: str) -> list[PeriodStanding]:
    """A quarter's (a year's) months with their states, when the scheme evaluates months: the office publishes
    them with it (empty for a month)."""
    if PeriodKind.MONTH not in scheme.periods:
        return []
    standings = period_standings(session, scheme.scheme)
    return [standings.get(m) or standing_of(m, []) for m in months_of(period)]


def _bulletin(
    request: Request,
    scheme: str,
    period: str,
    page: tuple[Session, AppContext, Principal],
    suffix: str,
    media_type: str,
    write: Callable[[BulletinData, Path], None],
    label: str = "考评通报",
) -> Response:
    """Build the bulletin from the store (the request's session) and hand it over as a download (built in a
    temporary folder)."""
    session, ctx, who = page
    office = ctx.schemes.get(scheme)
    if office is None:
        return error_page(request, who, 404, "未找到考评方案", f"本系统未运行考评方案 {scheme}。")
    try:
        data = bulletins.from_store(session, office.scheme, period)
    except (ValueError, InputErrors) as exc:
        return error_page(request, who, 422, "无法生成通报", str(exc))
    with tempfile.TemporaryDirectory(prefix="kaoping-bulletin-") as folder:
        out = Path(folder) / f"bulletin{suffix}"
        write(data, out)
        content = out.read_bytes()
    return download(content, f"{office.scheme.title}-{period}-{label}{suffix}", media_type)


@router.get("/periods/{scheme}/{period}/bulletin.xlsx")
def bulletin_xlsx(
    request: Request, scheme: str, period: str, session: SessionDep, ctx: CtxDep, who: Office
) -> Response:
    """The Excel bulletin (one sheet per group), for the office to edit or forward."""
    from kaoping.reports.xlsx_bulletin import write_xlsx

    return _bulletin(request, scheme, period, (session, ctx, who), ".xlsx", XLSX, write_xlsx)


@router.get("/periods/{scheme}/{period}/bulletin.pdf")
def bulletin_pdf(request: Request, scheme: str, period: str, session: SessionDep, ctx: CtxDep, who: Office) -> Response:
    """The PDF bulletin as issued (imported lazily: WeasyPrint is slow to load)."""
    from kaoping.reports.pdf_bulletin import write_pdf

    def write(data: BulletinData, out: Path) -> None:
        write_pdf(data, out)

    return _bulletin(request, scheme, period, (session, ctx, who), ".pdf", "application/pdf", write)


@router.get("/periods/{scheme}/{period}/grades-{kind}.xlsx")
def grade_export(
    request: Request, scheme: str, period: str, kind: GradeExport, session: SessionDep, ctx: CtxDep, who: Office
) -> Response:
    """等次运用: the 评优评先 list (units at the top grade) or the table for the government's performance system."""

    def write(data: BulletinData, out: Path) -> None:
        write_grade_export(kind, data, out)

    return _bulletin(request, scheme, period, (session, ctx, who), ".xlsx", XLSX, write, kind.label)


def same_site_path(target: str) -> str:
    """``target`` if it is a path on this site, else ``"/"`` (the role's landing page).

    The sign-in page sends the browser to ``?next=`` after login, so a link to our own sign-in page
    must not be able to send a user to a look-alike site (open redirect).  Browsers read ``\\`` as
    ``/`` and drop tabs and newlines, so ``/\\evil.example`` or ``/<TAB>/evil.example`` are
    ``//evil.example``: only one leading ``/``, no backslash, no control character and no scheme or
    host are accepted, checked on the text as decoded however many times it is percent-encoded
    (``/%2F%2Fevil``).
    """
    decoded, previous = target, None
    for _ in range(5):
        if decoded == previous:
            break
        previous, decoded = decoded, unquote(decoded)
    else:
        return "/"
    for text in (target, decoded):
        parts = urlsplit(text)
        if (
            not text.startswith("/")
            or text.startswith("//")
            or "\\" in text
            or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text)
            or parts.scheme
            or parts.netloc
        ):
            return "/"
    return target


@router.get("/login")
def login_page(request: Request, who: ViewerDep, next: str = "/") -> Response:
    """The sign-in form; it posts to the API's login, which sets the session cookie these pages read."""
    target = same_site_path(next)
    return render(request, "login.html", who, next=target, landing=landing_pages())


def mount_pages(app: FastAPI) -> None:
    """Add the pages and /static to the app (called by the composition root, :mod:`kaoping.server`)."""
    from kaoping.web import (
        account,
        appeals_inbox,
        case_flow_pages,
        case_metrics_page,
        dashboard,
        entry,
        evidence_flags_page,
        field_page,
        inspector_signals_page,
        my_entries,
        office_lists,
        owed_pages,
        plans_page,
        rectify_pages,
        scheme_view,
        survey_pages,
        unit_pages,
        whatif_page,
    )

    compile_templates()
    mount_static(app)
    install_refusals(app)
    app.include_router(office_lists.router)  # /periods and /units before the routes with a path parameter
    app.include_router(router)
    app.include_router(whatif_page.router)  # /schemes/{name}/whatif before /schemes/{name}
    areas = (dashboard, unit_pages, entry, scheme_view, appeals_inbox, case_metrics_page, account, my_entries)
    pages = (rectify_pages, owed_pages, plans_page, evidence_flags_page, survey_pages, inspector_signals_page)
    for area in (*areas, *pages, field_page, case_flow_pages):
        app.include_router(area.router)
