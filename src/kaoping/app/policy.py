"""Who may do what (权限) — the one place, for the API, the pages and the use cases alike.

``POLICY`` maps every permission to the roles holding it. Every /api endpoint declares exactly one permission
(``api/roles.require``), every page one (``web/app.require_page``), and the header's links are derived from the same
table. The row-level rules (a unit sees its own unit, a department scores only its parts...) are the functions below the
table; they know no web framework and refuse with the domain errors of :mod:`kaoping.errors`, mapped once by each edge.

A refused *write* is also recorded in the audit trail as ``denied`` (who tried what), committed although the request
fails: an office must be able to see who tried to change a score they may not. Anonymous attempts and requests failing
the CSRF check are not recorded: they name nobody, and recording them would let anyone fill the trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NoReturn, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute, Session

from kaoping.app.duties import Step as Step
from kaoping.app.duties import duty_conflict as duty_conflict
from kaoping.app.duties import separate_duties as separate_duties
from kaoping.app.errors import Denied, Forbidden
from kaoping.facts import UNIT_FACTS
from kaoping.input_messages import Msg, say
from kaoping.roles import EVERYONE, STAFF, Role
from kaoping.store.audit import AuditWriter

Query = TypeVar("Query", bound=Select[Any])


class Via(StrEnum):
    """How the caller proved who they are: a script's bearer token, a browser's session cookie, the office's
    command line on the server, or not at all."""

    BEARER = "bearer"
    COOKIE = "cookie"
    CLI = "cli"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Principal:
    """The caller as the rules see it (调用者); anonymous callers are role ``public`` with no username."""

    username: str | None
    role: Role
    display_name: str = ""
    unit_id: str | None = None
    parts: tuple[str, ...] = ()
    via: Via = Via.ANONYMOUS

    @property
    def authenticated(self) -> bool:
        return self.username is not None

    @property
    def actor(self) -> str:
        """The name audit rows carry."""
        return self.username or "anonymous"

    @property
    def scorer_name(self) -> str:
        """The ``source`` a department's or third party's score rows carry: the organisation's name."""
        return self.display_name or self.username or ""


ANONYMOUS = Principal(username=None, role=Role.PUBLIC)


class Perm(StrEnum):
    OPEN = "open"  # sign-in, schemes, published results, API docs
    OWN_PASSWORD = "own_password"  # a signed-in account changes its own password (anonymous callers have none)
    UNITS_READ = "units.read"
    UNITS_WRITE = "units.write"
    USERS_READ = "users.read"
    USERS_WRITE = "users.write"
    FACTS_READ = "facts.read"
    SCORES_WRITE = "scores.write"
    DEDUCTIONS_WRITE = "deductions.write"
    NOTICES_WRITE = "notices.write"
    HONORS_WRITE = "honors.write"
    RANKS_WRITE = "ranks.write"
    CASES_WRITE = "cases.write"
    FACTS_DELETE = "facts.delete"
    RESULTS_COMPUTE = "results.compute"
    RESULTS_REVIEW = "results.review"
    RESULTS_PUBLISH = "results.publish"
    EXPLAIN = "explain"
    APPEALS_FILE = "appeals.file"
    APPEALS_READ = "appeals.read"
    APPEALS_ANSWER = "appeals.answer"
    EVIDENCE_UPLOAD = "evidence.upload"
    EVIDENCE_READ = "evidence.read"
    EVIDENCE_ORIGINAL = "evidence.original"  # the photo as uploaded, EXIF (GPS position, time) and all
    EVIDENCE_FLAGS = "evidence.flags"  # page and API: 照片核验 (reused photos, EXIF time off), mark reviewed
    EVIDENCE_SIGNALS = "evidence.signals"  # page and API: 督查信号 (one person's share, reports falling, edges)
    AUDIT_READ = "audit.read"
    DASHBOARD = "dashboard"  # page: 综合看板 (current numbers of a period)
    PERIODS = "periods"  # pages: the office's periods list, period page and its bulletin downloads
    APPEALS_INBOX = "appeals.inbox"  # page: 申诉处理 (every appeal, its deadline and the answer form)
    UNIT_LIST = "units.list"  # page: 被考评单位 list (every unit, its group and its page)
    ENTRY = "entry"  # page: 数据录入 (forms and upload)
    OWN_ENTRIES = "entries.own"  # page: 我的录入 (the account's rows, changed or deleted with a reason)
    CASE_METRICS = "cases.metrics"  # page: 数字城管指标 (every unit's case metrics of a period, its export)
    WHATIF = "whatif"  # page: 试算 on the scheme page (a draft revision against a past period's facts)
    RECTIFY_READ = "rectify.read"  # open notices with their deadlines, plans and 督办 (unit: its own)
    RECTIFY_PLAN = "rectify.plan"  # 整改计划 (目标、时限、措施) for a notice
    RECTIFY_REINSPECT = "rectify.reinspect"  # 复查: pass or fail a rectification
    RECTIFY_SUPERVISE = "rectify.supervise"  # 督办: overdue rectifications sent on, and their list
    OWED_OWN = "owed.own"  # page: 应报分数 (the scores a department still owes in a period, entered there)
    OWED_ALL = "owed.all"  # page: 报送情况 (every unit × item of a period: filled, missing, late)
    PLANS_READ = "plans.read"  # 检查计划: a unit sees announced plans, unannounced ones once revealed
    PLANS_WRITE = "plans.write"  # create, draw, reveal a plan
    PLANS_PROGRESS = "plans.progress"  # page and API: progress per unit and team, overdue plans
    SURVEYS_ENTER = "surveys.enter"  # page: 问卷录入 (电话回访 answer sheets, import of answer sheets)
    SURVEYS_TALLY = "surveys.tally"  # 问卷汇总计分: the stored answers into score rows of a period
    FIELD_APP = "field.app"  # page /field/ and API /api/field: 现场采集 (today's tasks, offline entries, sync)
    CASE_INTAKE = "cases.intake"  # 受理: the intake queue (Open311, form, import, 12345) and 立案 or 作废 request
    CASE_DISPATCH = "cases.dispatch"  # 派遣: registered cases with the handbook's suggestion, dispatch them
    CASE_TODO = "cases.todo"  # 待办: a unit's dispatched cases, its 处置反馈 with photos, 延期/挂账 request
    CASE_VERIFY = "cases.verify"  # 核查: the cases fed back, pass (结案) or fail (返工)
    CASE_APPROVE = "cases.approve"  # 审批: 延期、挂账、作废 requests approved or refused


ADMIN, DEPARTMENT, INSPECTOR, THIRD_PARTY, UNIT, _PUBLIC, ACCEPTOR, DISPATCHER, SUPERVISOR = tuple(Role)
_OFFICE = frozenset({ADMIN})

WRITE_KIND_PERMS = {spec.name: Perm(spec.write_permission) for spec in UNIT_FACTS}
"""Fact kind → the permission that writes it, as the registry of kinds (kaoping.facts.kinds) names it."""

_FACT_WRITES: dict[Perm, frozenset[Role]] = {
    Perm.SCORES_WRITE: frozenset({ADMIN, DEPARTMENT, THIRD_PARTY}),  # department/third_party: their parts
    Perm.DEDUCTIONS_WRITE: frozenset({ADMIN, INSPECTOR}),  # inspector with parts: those parts
    Perm.NOTICES_WRITE: frozenset({ADMIN, INSPECTOR}),
    Perm.HONORS_WRITE: _OFFICE,
    Perm.RANKS_WRITE: _OFFICE,
    Perm.CASES_WRITE: _OFFICE,
}

POLICY: dict[Perm, frozenset[Role]] = {
    Perm.OPEN: EVERYONE,
    Perm.OWN_PASSWORD: EVERYONE,  # every account, its own only (app/accounts.change_password)
    Perm.UNITS_READ: STAFF | {UNIT},  # unit: its own unit only
    Perm.UNITS_WRITE: _OFFICE,
    Perm.USERS_READ: _OFFICE,
    Perm.USERS_WRITE: _OFFICE,
    Perm.FACTS_READ: STAFF | {UNIT},  # department/inspector/third_party: own writes; unit: own unit
    **_FACT_WRITES,
    Perm.FACTS_DELETE: _OFFICE,
    Perm.RESULTS_COMPUTE: _OFFICE,
    Perm.RESULTS_REVIEW: _OFFICE,
    Perm.RESULTS_PUBLISH: _OFFICE,
    Perm.EXPLAIN: frozenset({ADMIN, UNIT}),  # unit: itself
    Perm.APPEALS_FILE: frozenset({ADMIN, UNIT}),  # unit: own unit, inside the appeal window
    Perm.APPEALS_READ: frozenset({ADMIN, UNIT}),  # unit: own appeals
    Perm.APPEALS_ANSWER: _OFFICE,
    Perm.EVIDENCE_UPLOAD: frozenset({ADMIN, UNIT}),  # unit: own unit
    Perm.EVIDENCE_READ: frozenset({ADMIN, INSPECTOR, UNIT, SUPERVISOR}),  # unit: own unit; supervisor: 核查 photos
    Perm.EVIDENCE_ORIGINAL: _OFFICE,  # the others are shown a copy without EXIF (app/evidence.py)
    Perm.EVIDENCE_FLAGS: _OFFICE,
    Perm.EVIDENCE_SIGNALS: _OFFICE,
    Perm.AUDIT_READ: frozenset({ADMIN, UNIT}),  # unit: own unit
    Perm.DASHBOARD: _OFFICE,
    Perm.PERIODS: _OFFICE,
    Perm.APPEALS_INBOX: _OFFICE,
    Perm.UNIT_LIST: _OFFICE,
    Perm.CASE_METRICS: _OFFICE,
    Perm.WHATIF: _OFFICE,
    Perm.RECTIFY_READ: frozenset({ADMIN, INSPECTOR, UNIT}),  # unit: its own notices
    Perm.RECTIFY_PLAN: frozenset({ADMIN, UNIT}),  # unit: its own notices only (app/rectify_flow.record_plan)
    Perm.RECTIFY_REINSPECT: frozenset({ADMIN, INSPECTOR}),
    Perm.RECTIFY_SUPERVISE: _OFFICE,
    Perm.PLANS_READ: STAFF | {UNIT},  # unit: not an unannounced plan before its seed is revealed
    Perm.PLANS_WRITE: _OFFICE,
    Perm.PLANS_PROGRESS: _OFFICE,
    Perm.SURVEYS_ENTER: frozenset({ADMIN, THIRD_PARTY}),  # third_party: a survey company phoning respondents
    Perm.SURVEYS_TALLY: _OFFICE,
    Perm.FIELD_APP: frozenset({ADMIN, INSPECTOR, THIRD_PARTY}),  # rows: the account's parts (row_refusal)
    Perm.ENTRY: frozenset().union(*_FACT_WRITES.values()),  # whoever may write some kind of fact
    Perm.OWN_ENTRIES: frozenset().union(*_FACT_WRITES.values()),  # own rows, unpublished (row_change_refusal)
    Perm.OWED_OWN: frozenset({DEPARTMENT, THIRD_PARTY}),  # its own: the scheme's `by`, else its account parts
    Perm.OWED_ALL: _OFFICE,
    Perm.CASE_INTAKE: frozenset({ADMIN, ACCEPTOR}),
    Perm.CASE_DISPATCH: frozenset({ADMIN, ACCEPTOR, DISPATCHER}),  # acceptor: where dispatch is not kept apart
    Perm.CASE_TODO: frozenset({ADMIN, UNIT}),  # unit: its own cases only (app/case_flow.feedback)
    Perm.CASE_VERIFY: frozenset({ADMIN, SUPERVISOR}),
    Perm.CASE_APPROVE: _OFFICE,
}
"""Permission → roles.  Row-level restrictions noted on the right are enforced by the functions below."""


def allowed(role: str, perm: Perm) -> bool:
    return role in POLICY[perm]


def holders(perm: Perm) -> str:
    """The Chinese names of the roles holding ``perm`` (考评办、被考评单位), for a refusal page."""
    return "、".join(role.label for role in Role if role in POLICY[perm])


def deny(
    session: Session,
    principal: Principal,
    what: str,
    *,
    table: str = "api",
    unit_id: str | None = None,
    period: str | None = None,
    detail: dict[str, Any] | None = None,
) -> NoReturn:
    """Refuse a write: leave a committed ``denied`` audit event saying who tried what, raise :class:`Denied`.

    Called before the request has written anything, so committing the session commits only this event.
    """
    session.rollback()
    audit = AuditWriter(session, principal.actor, reason=f"refused: role '{principal.role}' may not do this")
    info = {"role": str(principal.role), "attempted": what, **(detail or {})}
    audit.event("denied", table, what[:200], unit_id=unit_id, period=period, detail=info)
    audit.flush()
    session.commit()
    raise Denied(say(Msg.ROLE_MAY_NOT, role=(Role(principal.role).label, str(principal.role)), what=what))


def forbidden(principal: Principal, what: str) -> Forbidden:
    """A refused read (an anonymous caller might be allowed once signed in; the edge says so)."""
    if not principal.authenticated:
        return Forbidden(f"sign in to {what}", signed_in=False)
    return Forbidden(f"role '{principal.role}' may not {what}", signed_in=True)


# --- row-level rules ---------------------------------------------------------------------------------


def unit_scope(principal: Principal, requested: str | None, what: str) -> str | None:
    """The unit a read is limited to: a unit account reads its own (asking for another is refused)."""
    if principal.role != UNIT:
        return requested
    if requested is not None and requested != principal.unit_id:
        raise forbidden(principal, f"{what} of unit '{requested}'")
    return principal.unit_id


def plan_refusal(principal: Principal, visit: str, *, revealed: bool, what: str) -> None:
    """暗访 stays unannounced: a unit account may not read an unannounced plan (targets, order, teams) until
    the inspections are over and its seed revealed; announced plans it may read like the staff."""
    if principal.role == UNIT and visit == "unannounced" and not revealed:
        raise forbidden(principal, f"{what} (unannounced, not yet done)")


def scoped(
    stmt: Query, column: InstrumentedAttribute[str], principal: Principal, requested: str | None, what: str
) -> Query:
    """``stmt`` narrowed to the unit a read is limited to (:func:`unit_scope`): one rule for every listing."""
    unit = unit_scope(principal, requested, what)
    return stmt if unit is None else stmt.where(column == unit)


def own_unit_write(session: Session, principal: Principal, unit_id: str | None, what: str, *, table: str) -> str | None:
    """The unit a unit-scoped write goes to: a unit account writes for itself only; others name it."""
    if principal.role != UNIT:
        return unit_id
    if unit_id is not None and unit_id != principal.unit_id:
        deny(session, principal, f"{what} for unit '{unit_id}'", table=table, unit_id=unit_id)
    return principal.unit_id


def reads_own_writes_only(principal: Principal) -> bool:
    """考评部门, 督查员 and 第三方机构 see the fact rows they wrote themselves, not everyone's."""
    return principal.role in (DEPARTMENT, INSPECTOR, THIRD_PARTY)


def sees_drafts(principal: Principal) -> bool:
    """Unpublished results: the office, and a unit for its own entry."""
    return principal.role in (ADMIN, UNIT)


def scores_as_organisation(principal: Principal) -> bool:
    """考评部门 and 第三方机构 write score rows under their own name as ``source``."""
    return principal.role in (DEPARTMENT, THIRD_PARTY)


def part_allowed(principal: Principal, part: str, item: str, canonical: dict[str, str]) -> bool:
    """Whether the account's parts cover (part, item): a listed part covers all its items, 'part/item' one.

    Names are compared after resolving aliases (市政府部门考评 → 部门考评), so an alias is no way around.
    """
    if principal.role == ADMIN or (principal.role == INSPECTOR and not principal.parts):
        return True
    want = canonical.get(part, part)
    item = "" if item in (part, want) else item
    for entry in principal.parts:
        name, _, only = entry.partition("/")
        if canonical.get(name, name) == want and (not only or only == item):
            return True
    return False


def fill_scorer(principal: Principal, kind: str, values: dict[str, Any]) -> None:
    """A department's or third party's score row without ``source`` is written under the account's name."""
    if kind == "scores" and scores_as_organisation(principal) and not values.get("source"):
        values["source"] = principal.scorer_name


class RowRefusal(StrEnum):
    """Why a fact row is not the account's to write: a part outside its parts, or another scorer's name."""

    PART = "part"
    SOURCE = "source"


def row_refusal(
    principal: Principal, kind: str, part: str, item: str, source: str, canonical: dict[str, str]
) -> RowRefusal | None:
    """The row-level rule of a fact write, for a kind the role may write (None: the row is the account's).

    Score and deduction rows need the account's parts; a department or third party writes score rows only
    under its own name as ``source`` — otherwise it could overwrite another scorer's row, whose natural key
    holds the source.  One rule for the single-row write and the upload, which phrase it each their way.
    """
    if kind in ("scores", "deductions") and not part_allowed(principal, part, item, canonical):
        return RowRefusal.PART
    if kind == "scores" and scores_as_organisation(principal) and source != principal.scorer_name:
        return RowRefusal.SOURCE
    return None


def check_fact_write(
    session: Session, principal: Principal, kind: str, values: dict[str, Any], canonical: dict[str, str]
) -> None:
    """Row-level rules of a fact write (the role already holds the kind's write permission): a refused row
    is denied, with its ``denied`` audit event."""
    part, item = str(values.get("part", "")), str(values.get("item", ""))
    source = str(values.get("source") or "")
    unit_id, period = values.get("unit_id"), values.get("period")
    where = {"kind": kind, "unit_id": unit_id, "part": part, "item": item}
    refusal = row_refusal(principal, kind, part, item, source, canonical)
    if refusal is RowRefusal.PART:
        what = f"write {kind} for part '{part}{'/' + item if item else ''}' (account parts: {list(principal.parts)})"
        deny(session, principal, what, table=kind, unit_id=unit_id, period=period, detail=where)
    if refusal is RowRefusal.SOURCE:
        what = f"write scores as source '{source}' (this account scores as '{principal.scorer_name}')"
        deny(session, principal, what, table=kind, unit_id=unit_id, period=period, detail=where)


def row_change_refusal(principal: Principal, *, entered_by: str | None, published_in: str | None) -> str | None:
    """Why ``principal`` may not change or delete a fact row of a kind it may write (None: it may), in Chinese.

    The office may change any row (a published period's rows through its correction).  Everyone else only
    the rows they entered themselves, and only while the row's period is unpublished: a published result
    is frozen, so a row under it is corrected by the office, who then publishes a correction.
    """
    if principal.role == ADMIN:
        return None
    if entered_by != principal.actor:
        return f"只能修改或删除本账号录入的记录；这条记录由 {entered_by or '其他账号'} 录入。"
    if published_in is not None:
        return (
            f"这条记录所属的考评期 {published_in} 已发布结果，不能再由录入人修改或删除；"
            "如需更正，请联系考评办：由考评办更正数据并重新发布。"
        )
    return None
