"""检查计划与抽签: create a plan (its seed committed), draw it, reveal the seed after the inspections, verify.

The order is what makes the draw trustworthy: :func:`create_plan` generates the secret seed and records its
SHA-256 (``commitment``) in the plan and the audit trail — printed by the CLI, shown by the API — before
anything is drawn; :func:`draw_plan` records the inputs (units, inspectors) and the assignment the pure
:func:`kaoping.scheme.inspection.draw` gives; :func:`reveal_plan`, once the month is over, makes the seed
public (audit trail too); :func:`verify_plan` re-runs the draw from the revealed seed and the recorded inputs
and compares.  Who may see a plan is the policy's (:func:`kaoping.app.policy.plan_refusal`): a unit never
sees an unannounced plan before its seed is revealed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kaoping.app.errors import Conflict, Invalid, NotFound
from kaoping.app.policy import Principal, plan_refusal
from kaoping.field_messages import FIELD_NAMES, field_message
from kaoping.periods import PeriodError, parse_period
from kaoping.roles import Role
from kaoping.scheme import Scheme
from kaoping.scheme.inspection import (
    DrawError,
    Frequency,
    PlanSpec,
    Visit,
    canonical_digest,
    commitment,
    draw,
    inputs_document,
    redraw,
)
from kaoping.scheme.model import DeductionsLeaf
from kaoping.store.audit import AuditWriter
from kaoping.store.db import get_for_update, savepoint
from kaoping.store.plan_tables import InspectionPlanRow, PlanVisitRow
from kaoping.store.tables import Unit, User

TABLE = "inspection_plans"


def plan_key(row: InspectionPlanRow) -> str:
    return f"{row.scheme}/{row.period}/{row.name}"


def spec_of(row: InspectionPlanRow) -> PlanSpec:
    return PlanSpec(
        scheme=row.scheme,
        period=row.period,
        name=row.name,
        part=row.part,
        visit=Visit(row.visit),
        frequency=Frequency(row.frequency),
        per_month=row.per_month,
        quota=row.quota,
        teams=row.teams,
        team_size=row.team_size,
    )


PLAN_FIELD_NAMES: dict[str, str] = {
    **FIELD_NAMES,
    "scheme": "考评方案",
    "period": "月份",
    "name": "计划名称",
    "part": "扣分项目（检查表）",
}
"""The plan's fields as the plans page labels them (计划), for refusals that name the field."""


def parse_spec(values: dict[str, object]) -> PlanSpec:
    """A plan from a form, a request or the command line; Invalid naming the field otherwise."""
    try:
        return PlanSpec.model_validate(values)
    except ValidationError as exc:
        raise Invalid(field_message(exc.errors()[0], PLAN_FIELD_NAMES)) from None


def checked_against(scheme: Scheme, spec: PlanSpec) -> PlanSpec:
    """The plan with its checklist named as the scheme names the deduction part (an alias is accepted);
    Invalid when the scheme is another one or has no such deduction part."""
    if scheme.scheme != spec.scheme:
        raise Invalid(f"scheme: 计划属于方案 {spec.scheme}，而不是 {scheme.scheme}")
    parts = {n: p.name for p in scheme.leaves_of(DeductionsLeaf) for n in p.names()}
    if spec.part not in parts:
        raise Invalid(
            f"part: “{spec.part}”不是方案 {scheme.scheme} 的扣分项目；应为 {'、'.join(sorted(set(parts.values())))}"
        )
    return spec.model_copy(update={"part": parts[spec.part]})


def create_plan(
    session: Session, who: Principal, spec: PlanSpec, now: datetime, seed: str | None = None
) -> InspectionPlanRow:
    """Store the plan with a fresh secret seed and commit to it: its SHA-256 goes into the audit trail now.
    Callers check the plan against its scheme first (:func:`checked_against`)."""
    secret = seed if seed is not None else secrets.token_hex(32)
    row = InspectionPlanRow(
        **spec.model_dump(mode="json"),
        seed=secret,
        commitment=commitment(secret),
        created_at=now,
        created_by=who.actor,
    )
    try:
        with savepoint(session):
            session.add(row)
    except IntegrityError:
        raise Conflict(f"{spec.scheme} {spec.period} 已有检查计划“{spec.name}”") from None
    audit = AuditWriter(session, who.actor, reason="检查计划：公布种子的 SHA-256（抽签前承诺）")
    detail = {**spec.model_dump(mode="json"), "commitment": row.commitment, "rounds": spec.rounds}
    audit.event("plan_commit", TABLE, plan_key(row), period=row.period, detail=detail)
    audit.flush()
    return row


def get_plan(session: Session, plan_id: int) -> InspectionPlanRow:
    row = session.get(InspectionPlanRow, plan_id)
    if row is None:
        raise NotFound(f"没有编号为 {plan_id} 的检查计划")
    return row


def read_plan(session: Session, who: Principal, plan_id: int) -> InspectionPlanRow:
    """The plan if ``who`` may see it (policy: a unit never sees an unannounced plan before it is done)."""
    row = get_plan(session, plan_id)
    plan_refusal(who, Visit(row.visit), revealed=row.revealed_at is not None, what=f"read plan {plan_id}")
    return row


def list_plans(session: Session, who: Principal, scheme: str | None, period: str | None) -> list[InspectionPlanRow]:
    """Plans of a scheme and period, those ``who`` may see, newest month first."""
    stmt = select(InspectionPlanRow).order_by(InspectionPlanRow.period.desc(), InspectionPlanRow.id)
    if scheme:
        stmt = stmt.where(InspectionPlanRow.scheme == scheme)
    if period:
        stmt = stmt.where(InspectionPlanRow.period == month_of(period))
    rows = list(session.scalars(stmt))
    if who.role != Role.UNIT:
        return rows
    return [r for r in rows if r.visit == Visit.ANNOUNCED or r.revealed_at is not None]


def month_of(text: str) -> str:
    """A period as written in a query (2024-06, 2024年6月), normalised; Invalid when it is not one."""
    try:
        return str(parse_period(text))
    except PeriodError as exc:
        raise Invalid(f"period: {exc}") from None


def inspector_accounts(session: Session) -> list[str]:
    """The active inspector accounts (督查员): whom a draw assigns when no list is given."""
    stmt = select(User.username).where(User.role == Role.INSPECTOR, User.active.is_(True))
    return sorted(session.scalars(stmt))


def draw_plan(
    session: Session,
    who: Principal,
    plan_id: int,
    now: datetime,
    *,
    units: list[str] | None = None,
    inspectors: list[str] | None = None,
) -> InspectionPlanRow:
    """Draw the plan once: targets, order and teams from the committed seed; inputs and result recorded."""
    row = get_for_update(session, InspectionPlanRow, plan_id, NotFound(f"没有编号为 {plan_id} 的检查计划"))
    if row.drawn_at is not None:
        raise Conflict(f"检查计划 {plan_id} 已于 {row.drawn_at} 抽签，不能重抽")
    spec = spec_of(row)
    chosen_units = units if units is not None else list(session.scalars(select(Unit.unit_id)))
    people = inspectors if inspectors is not None else inspector_accounts(session)
    try:
        result = draw(row.seed, spec, chosen_units, people)
    except DrawError as exc:
        raise Invalid(str(exc)) from None
    inputs = inputs_document(spec, chosen_units, people)
    row.inputs, row.inputs_digest = inputs, canonical_digest(inputs)
    row.draw, row.draw_digest = result.document(), result.digest()
    row.drawn_by, row.drawn_at = who.actor, now
    for v in result.visits:
        team = list(result.teams[v.team])
        session.add(
            PlanVisitRow(
                plan_id=row.id, round=v.round, position=v.order, unit_id=v.unit_id, team=v.team, inspectors=team
            )
        )
    audit = AuditWriter(session, who.actor, reason="检查计划抽签")
    detail = {"commitment": row.commitment, "inputs_digest": row.inputs_digest, "draw_digest": row.draw_digest}
    audit.event("plan_draw", TABLE, plan_key(row), period=row.period, detail={**detail, "visits": len(result.visits)})
    audit.flush()
    return row


def reveal_plan(session: Session, who: Principal, plan_id: int, now: datetime) -> InspectionPlanRow:
    """Make the seed public once the month is over (the inspections are done); recorded in the audit trail."""
    row = get_for_update(session, InspectionPlanRow, plan_id, NotFound(f"没有编号为 {plan_id} 的检查计划"))
    if row.drawn_at is None:
        raise Conflict(f"检查计划 {plan_id} 尚未抽签")
    if row.revealed_at is not None:
        return row
    ends = parse_period(row.period).end_exclusive()
    if now.date() < ends:
        raise Conflict(f"{row.period} 的检查尚未结束（{ends} 起可公开种子）")
    row.revealed_at = now
    audit = AuditWriter(session, who.actor, reason="检查结束，公开抽签种子")
    detail = {"seed": row.seed, "commitment": row.commitment, "draw_digest": row.draw_digest}
    audit.event("plan_reveal", TABLE, plan_key(row), period=row.period, detail=detail)
    audit.flush()
    return row


@dataclass(frozen=True)
class PlanCheck:
    """What :func:`verify_plan` found: every problem in Chinese (none: the draw is what the seed gives)."""

    plan_id: int
    commitment: str
    draw_digest: str | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_plan(session: Session, who: Principal, plan_id: int) -> PlanCheck:
    """Re-run the draw from the revealed seed and the recorded inputs; compare with what was recorded."""
    row = read_plan(session, who, plan_id)
    if row.revealed_at is None or row.inputs is None:
        raise Conflict(f"检查计划 {plan_id} 的种子尚未公开：检查结束并公开后方可核验")
    problems: list[str] = []
    if commitment(row.seed) != row.commitment:
        problems.append("公开的种子与抽签前公布的 SHA-256 不符")
    if canonical_digest(row.inputs) != row.inputs_digest:
        problems.append("抽签输入（对象、人员、计划）与记录的摘要不符")
    again = redraw(row.seed, row.inputs)
    if again.digest() != row.draw_digest or again.document() != row.draw:
        problems.append("按公开种子重抽的结果与记录的抽签结果不同")
    stored = session.execute(
        select(PlanVisitRow.round, PlanVisitRow.position, PlanVisitRow.unit_id, PlanVisitRow.team)
        .where(PlanVisitRow.plan_id == plan_id)
        .order_by(PlanVisitRow.round, PlanVisitRow.position)
    ).all()
    if [tuple(r) for r in stored] != [(v.round, v.order, v.unit_id, v.team) for v in again.visits]:
        problems.append("检查安排表与抽签结果不一致")
    return PlanCheck(plan_id, row.commitment, row.draw_digest, tuple(problems))


def plan_view(row: InspectionPlanRow) -> dict[str, object]:
    """The plan as the API and pages show it: the seed only once revealed."""
    spec = spec_of(row)
    return {
        "id": row.id,
        **spec.model_dump(mode="json"),
        "rounds": spec.rounds,
        "commitment": row.commitment,
        "drawn_at": row.drawn_at.isoformat() if row.drawn_at else None,
        "inputs_digest": row.inputs_digest,
        "draw_digest": row.draw_digest,
        "draw": row.draw,
        "revealed_at": row.revealed_at.isoformat() if row.revealed_at else None,
        "seed": row.seed if row.revealed_at is not None else None,
    }
