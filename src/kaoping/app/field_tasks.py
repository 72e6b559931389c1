"""What the field app downloads (今日任务): the day's tasks, the units, and the checklist from the standard.

The phone keeps this for the day, so it must be enough to work offline: the plan visits drawn for the
signed-in inspector in the current month (检查计划, :mod:`kaoping.app.plans`), every unit (a task-less entry
— a problem seen on the way — names its unit from the list), and the standard's kinds of problem (扣分标准,
:mod:`kaoping.scheme.standard`) on the deduction parts the account may write, each with its standard
points, so the app shows the deduction before it is saved.  The server checks the points again on sync.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.app.context import AppContext
from kaoping.app.facts import canonical_names
from kaoping.app.field_points import area_polygons
from kaoping.app.policy import Principal, part_allowed
from kaoping.scheme.standard import Per
from kaoping.store.plan_tables import InspectionPlanRow, PlanVisitRow
from kaoping.store.tables import Unit, UnitArea

MAX_UNITS = 5000
"""Units sent to the phone at most (a city has a few hundred; the bound keeps the download small)."""
MAX_AREA_POINTS = 50_000
"""Area vertices sent to the phone at most; the areas beyond it are left out (the server still warns on sync)."""


def _n(x: Decimal) -> str:
    return format(x.normalize(), "f")


def checklist(ctx: AppContext, who: Principal) -> list[dict[str, Any]]:
    """The standards' kinds of problem on a checklist (deduction part) the account may write, one per code."""
    canonical = canonical_names(ctx)
    seen: dict[str, dict[str, Any]] = {}
    for office in ctx.schemes.values():
        standard = office.scheme.catalogue
        if standard is None:
            continue
        for code, entry in standard.kinds().items():
            parts = [p for p in entry.checklists if part_allowed(who, p, entry.item, canonical)]
            if not parts or code in seen:
                continue
            k = entry.kind
            zh, _en = (text.replace(" × 1", "", 1) for text in entry.explain(Decimal(1)))
            seen[code] = {
                "code": code,
                "name": k.name,
                "item": entry.item,
                "parts": parts,
                "points": _n(k.points),
                "per": k.per.value,
                "counted": k.per is not Per.OCCURRENCE,
                "cap": _n(k.cap) if k.cap is not None else None,
                "label": zh,
            }
    return list(seen.values())


def my_visits(session: Session, who: Principal, today: date) -> list[dict[str, Any]]:
    """The drawn visits of this month's plans that name the account among their inspectors."""
    month = today.strftime("%Y-%m")
    stmt = (
        select(PlanVisitRow, InspectionPlanRow)
        .join(InspectionPlanRow, InspectionPlanRow.id == PlanVisitRow.plan_id)
        .where(InspectionPlanRow.period == month, InspectionPlanRow.drawn_at.is_not(None))
        .order_by(PlanVisitRow.round, PlanVisitRow.position, PlanVisitRow.id)
    )
    names = {unit_id: name for unit_id, name in session.execute(select(Unit.unit_id, Unit.name))}
    return [
        {
            "task": visit.id,
            "plan": plan.name,
            "part": plan.part,
            "round": visit.round,
            "team": visit.team,
            "unit_id": visit.unit_id,
            "unit_name": names.get(visit.unit_id, visit.unit_id),
        }
        for visit, plan in session.execute(stmt)
        if who.username in visit.inspectors
    ]


def areas(session: Session) -> dict[str, list[list[list[list[float]]]]]:
    """Unit id → its area as polygons of rings of [lon, lat], for the app to warn before saving a point outside
    it; only areas in degrees (a planar area says nothing about a GPS point), at most MAX_AREA_POINTS vertices."""
    out: dict[str, list[list[list[list[float]]]]] = {}
    left = MAX_AREA_POINTS
    for area in session.scalars(select(UnitArea).order_by(UnitArea.unit_id)):
        polygons = area_polygons(area.geometry)
        size = sum(len(ring) for poly in polygons or [] for ring in poly)
        if polygons and size <= left:
            out[area.unit_id] = [[[[x, y] for x, y in ring] for ring in poly] for poly in polygons]
            left -= size
    return out


def field_tasks(ctx: AppContext, session: Session, who: Principal) -> dict[str, Any]:
    """Everything the app keeps for the day (JSON-ready)."""
    today = ctx.settings.clock().date()
    units = session.execute(select(Unit.unit_id, Unit.name).order_by(Unit.group, Unit.unit_id).limit(MAX_UNITS))
    return {
        "day": today.isoformat(),
        "account": who.actor,
        "tasks": my_visits(session, who, today),
        "units": [{"unit_id": u, "name": n} for u, n in units],
        "checklist": checklist(ctx, who),
        "areas": areas(session),
    }
