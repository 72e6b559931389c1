"""整改 as a workflow (issue #17): a notified problem's deadline, the unit's plan, the inspector's re-inspection
and the office's 督办 — one use case each, for the API, the pages and the CLI alike.

The score never reads this module's tables: what counts is written to the facts through the ordinary fact
write (audited, in the published snapshot, reproduced by ``kaoping verify``) — a passed re-inspection fills
``rectified_on`` of the run's open notices, a failed one adds ``failed_reinspections`` on a notice row of its
day, which ``charge: report`` schemes charge (:mod:`kaoping.engine.rectification`).  The tables keep what the
people did: the plan (目标、时限、措施), every re-inspection, the status and the 督办 record.  Every step
leaves an audit event.  Who may do what is the policy table's (``Perm.RECTIFY_*``): a unit plans only for its
own notices, an inspector re-inspects, the office sends overdue problems to 督办.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.app.errors import Invalid, NotFound, Problem
from kaoping.app.facts import write_row
from kaoping.app.policy import Perm, Principal, allowed, deny, own_unit_write
from kaoping.engine.rectification import Run, calendar_for, deadline_rule, due_date, runs_of
from kaoping.facts.columns import SCHEMAS
from kaoping.input_messages import Msg, say
from kaoping.scheme import Scheme
from kaoping.store.audit import AuditWriter
from kaoping.store.rectify_tables import Rectification, Reinspection
from kaoping.store.tables import NoticeRow, Unit

TEXT_MAX = 2000
"""The longest 目标 / 措施 / note taken (bounded input)."""


class Status(StrEnum):
    """Where a rectification stands."""

    OPEN = "open"  # 整改中: notified, no plan yet
    PLANNED = "planned"  # 已报整改计划
    PASSED = "passed"  # 复查通过: rectified


@dataclass(frozen=True)
class OpenItem:
    """One open (not yet rectified) problem of a unit, with its deadline and what was done about it."""

    unit_id: str
    problem_id: str
    first_notified: date
    due: date
    overdue: bool
    status: Status
    target: str
    time_limit: date | None
    measures: str
    failures: int
    supervised_on: date | None

    @property
    def key(self) -> str:
        """How pages and the evidence upload name it: ``P1@2024-02-10`` (problem and its run's first day)."""
        return f"{self.problem_id}@{self.first_notified}"


def deadline_scheme(schemes: Iterable[Scheme]) -> Scheme | None:
    """Of the office's schemes, the one whose rectification rule sets the deadlines (the first that has one)."""
    return next((s for s in schemes if s.penalties), None)


def office_items(session: Session, schemes: Iterable[Scheme], today: date, unit_id: str | None) -> list[OpenItem]:
    """Open problems (of ``unit_id``) among the units of the deadline scheme's groups: what the pages, the
    API and the CLI list."""
    scheme = deadline_scheme(schemes)
    if scheme is None:
        return []
    groups = {g.name for g in scheme.groups}
    units = {u for u, g in session.execute(select(Unit.unit_id, Unit.group)) if g in groups}
    return [i for i in open_items(session, scheme, today, unit_id) if i.unit_id in units]


def _runs(session: Session, unit_id: str | None) -> list[Run]:
    stmt = select(NoticeRow)
    if unit_id is not None:
        stmt = stmt.where(NoticeRow.unit_id == unit_id)
    rows = [
        (
            n.problem_id,
            n.unit_id,
            n.notified_on,
            n.rectified_on,
            None if n.points is None else float(n.points),
            n.failed_reinspections,
            n.id,
        )
        for n in session.scalars(stmt)
    ]
    return runs_of(pl.DataFrame(rows, schema=SCHEMAS["notices"], orient="row"))


def open_items(session: Session, scheme: Scheme, today: date, unit_id: str | None = None) -> list[OpenItem]:
    """Every problem still open (of ``unit_id``, or of all units), with its deadline under ``scheme``;
    overdue first, then by deadline.  A scheme without a rectification rule holds notices to their own day."""
    runs = [r for r in _runs(session, unit_id) if r.rectified_on is None]
    if not runs:
        return []
    rule = deadline_rule(scheme.penalties)
    cal = None
    if rule is not None and rule.working_days:
        cal = calendar_for(scheme.calendar, min(r.first_notified for r in runs), today)
    kept = {(r.unit_id, r.problem_id, r.first_notified): r for r in session.scalars(select(Rectification))}
    out: list[OpenItem] = []
    for run in runs:
        due = due_date(rule, run.first_notified, cal) if rule is not None else run.first_notified
        row = kept.get((run.unit_id, run.problem_id, run.first_notified))
        failures = sum(f for _, _, f in run.rows)
        status = Status(row.status) if row is not None else Status.OPEN
        plan = (row.target, row.time_limit, row.measures) if row is not None else ("", None, "")
        supervised = row.supervised_on if row is not None else None
        out.append(
            OpenItem(
                run.unit_id,
                run.problem_id,
                run.first_notified,
                due,
                today > due,
                status,
                plan[0],
                plan[1],
                plan[2],
                failures,
                supervised,
            )
        )
    return sorted(out, key=lambda o: (not o.overdue, o.due, o.unit_id, o.problem_id))


@dataclass(frozen=True)
class Plan:
    """整改计划 as the unit writes it: 目标, 时限 (the day it commits to), 措施."""

    problem_id: str
    first_notified: date
    target: str
    time_limit: date | None
    measures: str


def _bounded(plan_text: str, column: str) -> str:
    text = plan_text.strip()
    if len(text) > TEXT_MAX:
        zh, en = say(Msg.FIELD_TOO_LONG, limit=TEXT_MAX)
        problem = Problem(file="request body", row=None, column=column, message=zh, message_en=en)
        raise Invalid(say(Msg.TEXT_TOO_LONG, column=column, limit=TEXT_MAX), [problem])
    return text


def _require(session: Session, who: Principal, perm: Perm, what: str, unit_id: str) -> None:
    if not allowed(who.role, perm):
        deny(session, who, what, table="rectifications", unit_id=unit_id)


def _item(session: Session, unit_id: str, problem_id: str, first_notified: date) -> Rectification:
    """The workflow row of a problem's open run (made on first use); NotFound when no such notice is open."""
    runs = [r for r in _runs(session, unit_id) if r.problem_id == problem_id and r.first_notified == first_notified]
    if not runs or runs[0].rectified_on is not None:
        raise NotFound(say(Msg.NO_OPEN_NOTICE, problem=problem_id, notified=first_notified, unit=unit_id))
    stmt = select(Rectification).where(
        Rectification.unit_id == unit_id,
        Rectification.problem_id == problem_id,
        Rectification.first_notified == first_notified,
    )
    row = session.scalars(stmt).one_or_none()
    if row is None:
        row = Rectification(unit_id=unit_id, problem_id=problem_id, first_notified=first_notified)
        row.status, row.target, row.measures = Status.OPEN.value, "", ""
        session.add(row)
        session.flush()
    return row


def record_plan(session: Session, who: Principal, unit_id: str | None, plan: Plan, at: datetime) -> Rectification:
    """A unit records (or corrects) its 整改计划 for one of its own open notices; audited, committed."""
    unit = own_unit_write(session, who, unit_id, "record a rectification plan", table="rectifications")
    if unit is None:
        zh, en = say(Msg.NAME_THE_UNIT)
        raise Invalid((zh, en), [Problem("request body", None, "unit_id", zh, message_en=en)])
    _require(session, who, Perm.RECTIFY_PLAN, "record a rectification plan", unit)
    target, measures = _bounded(plan.target, "target"), _bounded(plan.measures, "measures")
    row = _item(session, unit, plan.problem_id, plan.first_notified)
    before = {"target": row.target, "time_limit": str(row.time_limit or ""), "measures": row.measures}
    row.target, row.time_limit, row.measures = target, plan.time_limit, measures
    row.status, row.planned_by, row.planned_at = Status.PLANNED.value, who.actor, at
    after = {"target": target, "time_limit": str(plan.time_limit or ""), "measures": measures}
    audit = AuditWriter(session, who.actor, reason="整改计划")
    key = f"{unit}:{plan.problem_id}@{plan.first_notified}"
    audit.event("rectify_plan", "rectifications", key, unit_id=unit, detail={"before": before, "after": after})
    audit.flush()
    session.commit()
    return row


@dataclass(frozen=True)
class Outcome:
    """A re-inspection's verdict on one open problem."""

    unit_id: str
    problem_id: str
    first_notified: date
    passed: bool
    on: date
    note: str = ""


def reinspect(session: Session, who: Principal, verdict: Outcome, at: datetime) -> Reinspection:
    """An inspector's 复查: passed fills ``rectified_on`` of the run's open notices (the problem is rectified, its
    escalation stops); failed adds a failed re-inspection on the notice row of that day (整改不达标, charged by
    the scheme).  Both through the fact write (audited); the re-inspection itself is kept and audited too."""
    _require(session, who, Perm.RECTIFY_REINSPECT, "re-inspect a rectification", verdict.unit_id)
    note = _bounded(verdict.note, "note")
    row = _item(session, verdict.unit_id, verdict.problem_id, verdict.first_notified)
    if verdict.on < verdict.first_notified:
        zh, en = say(Msg.REINSPECTED_BEFORE_NOTICE)
        problem = Problem("request body", None, "inspected_on", zh, message_en=en)
        raise Invalid((f"inspected_on：{zh}", f"inspected_on: {en}"), [problem])
    runs = [r for r in _runs(session, verdict.unit_id) if r.problem_id == verdict.problem_id]
    run = next(r for r in runs if r.first_notified == verdict.first_notified)
    failures = sum(f for _, _, f in run.rows)
    reason = f"复查{'通过' if verdict.passed else '不合格'}"
    if verdict.passed:
        for day, _, failed in run.rows:
            _write_notice(session, who, verdict, day, failed, verdict.on, reason)
        row.status = Status.PASSED.value
    else:
        same_day = sum(f for day, _, f in run.rows if day == verdict.on)
        _write_notice(session, who, verdict, verdict.on, same_day + 1, None, reason)
    done = Reinspection(
        rectification_id=row.id,
        inspected_on=verdict.on,
        passed=verdict.passed,
        note=note,
        inspector=who.actor,
        recorded_at=at,
        failures_before=failures,
    )
    session.add(done)
    session.flush()
    audit = AuditWriter(session, who.actor, reason=reason)
    detail = {"passed": verdict.passed, "inspected_on": str(verdict.on), "note": note, "failures_before": failures}
    key = f"{verdict.unit_id}:{verdict.problem_id}@{verdict.first_notified}"
    audit.event("reinspect", "rectifications", key, unit_id=verdict.unit_id, detail=detail)
    audit.flush()
    session.commit()
    return done


def _write_notice(
    session: Session, who: Principal, v: Outcome, day: date, failed: int, rectified: date | None, reason: str
) -> None:
    """One notice row of the run written through the fact store (matched on its natural key)."""
    existing = session.scalars(
        select(NoticeRow).where(
            NoticeRow.unit_id == v.unit_id, NoticeRow.problem_id == v.problem_id, NoticeRow.notified_on == day
        )
    ).one_or_none()
    points = None if existing is None or existing.points is None else float(existing.points)
    values = (v.problem_id, v.unit_id, day, rectified, points, failed, 0)
    frame = pl.DataFrame([values], schema=SCHEMAS["notices"], orient="row")
    write_row(session, "notices", frame, actor=who.actor, reason=reason)


def supervise_overdue(session: Session, who: Principal, scheme: Scheme, today: date) -> list[OpenItem]:
    """The office sends every overdue open problem not yet under 督办 to 督办 (a record each, audited);
    returns the ones sent now.  Run from the office's to-do or ``kaoping rectify supervise``."""
    _require(session, who, Perm.RECTIFY_SUPERVISE, "send overdue rectifications to 督办", "")
    sent: list[OpenItem] = []
    audit = AuditWriter(session, who.actor, reason="整改逾期，转督办")
    for item in open_items(session, scheme, today):
        if not item.overdue or item.supervised_on is not None:
            continue
        row = _item(session, item.unit_id, item.problem_id, item.first_notified)
        row.supervised_on, row.supervised_by = today, who.actor
        detail = {"due": str(item.due), "days_overdue": (today - item.due).days}
        audit.event("supervise", "rectifications", f"{item.unit_id}:{item.key}", unit_id=item.unit_id, detail=detail)
        sent.append(item)
    audit.flush()
    session.commit()
    return sent
