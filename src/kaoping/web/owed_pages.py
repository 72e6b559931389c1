"""应报分数 pages: a department's scores still owed in a period, entered on the same screen (through the fact
API, the entry forms' own write path), and the office's completeness matrix (报送情况: units × items).

Both read :func:`kaoping.app.owed.owed_report`; who sees which is the policy table's (``Perm.OWED_OWN`` for the
organisations that score, ``Perm.OWED_ALL`` for the office).  The period picker offers the periods score rows
name, newest first, and the current one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from kaoping.api.auth import Principal, csrf_token
from kaoping.api.context import ApiContext, CtxDep, SessionDep
from kaoping.app.owed import OwedReport, first_owing, owed_report, periods_offered
from kaoping.app.policy import Perm, allowed
from kaoping.engine.owed import OwedState, OwedStatus, worst
from kaoping.periods import PeriodError, parse_period
from kaoping.web.app import error_page, render, require_page

router = APIRouter(include_in_schema=False)
Scorer = Annotated[Principal, require_page(Perm.OWED_OWN)]
Office = Annotated[Principal, require_page(Perm.OWED_ALL)]


def _default(session: Session, ctx: ApiContext, scheme: str, who: Principal, offered: list[str]) -> str:
    """Where the page opens: the newest period in which a department still owes scores, else the newest."""
    if allowed(who.role, Perm.OWED_OWN):
        owing = first_owing(session, ctx.schemes[scheme].scheme, who, offered)
        if owing is not None:
            return owing.period
    return offered[0]


def _chosen(request: Request, ctx: ApiContext, session: Session, who: Principal) -> tuple[str, str, list[str]] | str:
    """(scheme, period, the periods offered) from the query, or why not (a Chinese message)."""
    scheme = request.query_params.get("scheme") or next(iter(ctx.schemes))
    if scheme not in ctx.schemes:
        return f"本系统未运行考评方案 {scheme}。"
    offered = periods_offered(session, ctx.schemes[scheme].scheme)
    text = request.query_params.get("period") or _default(session, ctx, scheme, who, offered)
    try:
        return scheme, str(parse_period(text[:20])), offered
    except PeriodError:
        return f"“{text[:20]}”不是考评期（如 2024-Q4、2024-12）。"


def _context(
    request: Request, ctx: ApiContext, session: Session, who: Principal, title: str, *, own: bool
) -> dict[str, Any] | Response:
    """What both pages show: the scheme and period asked for, the periods offered and the report (``own``:
    only what ``who`` scores, else every cell, as the office sees it); or the error page ``title`` saying why not."""
    chosen = _chosen(request, ctx, session, who)
    if isinstance(chosen, str):
        return error_page(request, who, 404, title, chosen)
    scheme, period, offered = chosen
    report = owed_report(session, ctx.schemes[scheme].scheme, period, who=who if own else None)
    return {
        "report": report, "scheme": scheme, "period": period, "offered": offered,
        "schemes": list(ctx.schemes), "statuses": OwedStatus,
    }  # fmt: skip


def owed_reminder(session: Session, ctx: ApiContext, who: Principal) -> OwedReport | None:
    """The reminder on a department's home page (数据录入): the newest period it still owes scores in."""
    if not allowed(who.role, Perm.OWED_OWN):
        return None
    for office in ctx.schemes.values():
        found = first_owing(session, office.scheme, who, periods_offered(session, office.scheme))
        if found is not None:
            return found
    return None


@router.get("/owed")
def owed_page(request: Request, session: SessionDep, ctx: CtxDep, who: Scorer) -> Response:
    """The scores this organisation still owes in the period, each with a field to enter it there."""
    context = _context(request, ctx, session, who, "无法显示应报分数", own=True)
    if isinstance(context, Response):
        return context
    return render(request, "owed.html", who, csrf=csrf_token(request), **context)


@dataclass(frozen=True)
class MatrixRow:
    unit_id: str
    unit: str
    cells: dict[tuple[str, str], tuple[OwedStatus, list[OwedState]]]


def matrix(report: OwedReport) -> tuple[list[tuple[str, str]], list[MatrixRow]]:
    """Units × (part, item): each cell's worst status over its periods and scorers, with the states behind it."""
    columns: list[tuple[str, str]] = []
    rows: dict[str, MatrixRow] = {}
    for s in report.states:
        column = (s.cell.part, s.cell.item)
        if column not in columns:
            columns.append(column)
        row = rows.setdefault(s.cell.unit_id, MatrixRow(s.cell.unit_id, s.cell.unit, {}))
        row.cells.setdefault(column, (OwedStatus.FILLED, []))[1].append(s)
    for row in rows.values():
        for column, (_, found) in list(row.cells.items()):
            row.cells[column] = (worst(s.status for s in found), found)
    return columns, list(rows.values())


@router.get("/owed/matrix")
def owed_matrix(request: Request, session: SessionDep, ctx: CtxDep, who: Office) -> Response:
    """报送情况: every unit × item of the period — filled, late, missing, not yet due."""
    context = _context(request, ctx, session, who, "无法显示报送情况", own=False)
    if isinstance(context, Response):
        return context
    columns, rows = matrix(context["report"])
    return render(request, "owed_matrix.html", who, columns=columns, rows=rows, **context)
