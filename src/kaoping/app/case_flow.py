"""数字城管 cases handled in the product (issue #17): 受理 → 立案 → 派遣 → 处置反馈 → 核查 → 结案 or 返工.

One use case per step, for the API, the pages and the CLI alike.  Every channel lands as a pending intake —
a ``cases`` row in 信息收集 (reported): an Open311 request (:mod:`kaoping.open311.intake`), an import of
cases.csv, the web form or a 12345 transfer (:func:`take_in`).  The 受理员 registers it (立案); the 派遣员
(or the 受理员 where a city does not keep them apart) dispatches it to the unit the 处置手册 names for its
category — suggested, another unit only with a reason — with the handbook's deadline in working time
(:mod:`kaoping.app.case_rules`); the unit feeds back with photos (the evidence path: photos checked, kept
with their cleaned copy, flagged when reused); a 监督员 verifies: passed closes it (结案), failed sends it
back to the unit, counted (rework_count, verify_failed), until a verification passes.

Each step is timed on the case row and audited (:mod:`kaoping.app.case_steps`), so the case metrics and the
schemes that score cases read the recorded steps with no import; Open311's status follows the steps.
延期 / 挂账 / 作废 go through the office's approval (:mod:`kaoping.app.case_approvals`).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import polars as pl
from sqlalchemy.orm import Session

from kaoping.app.case_rules import CaseRules
from kaoping.app.case_steps import Held, hold, move
from kaoping.app.errors import Invalid, NotFound, Problem
from kaoping.app.evidence import NewEvidence, add_evidence
from kaoping.app.facts import write_row
from kaoping.app.policy import Perm, Principal, allowed, deny
from kaoping.cases.lifecycle import Event, Status
from kaoping.facts.columns import ROW, SCHEMAS
from kaoping.input_messages import Msg, say
from kaoping.io.images import check_image
from kaoping.roles import Role
from kaoping.store.tables import CaseRow, Evidence, Unit

TEXT_MAX = 2000
"""The longest note, reason or description taken (bounded input)."""
PHOTOS_MAX = 6
"""The most photos one feedback carries."""
KINDS = ("event", "component")


def require(session: Session, who: Principal, perm: Perm, what: str, unit_id: str | None = None) -> None:
    """Refuse (with its ``denied`` audit event) a role that does not hold ``perm``."""
    if not allowed(who.role, perm):
        deny(session, who, what, table="cases", unit_id=unit_id)


def refuse(column: str, zh: str, en: str) -> Invalid:
    """The refusal of one field of the request, in both languages."""
    problem = Problem("request body", None, column, zh, message_en=en)
    return Invalid((f"{column}：{zh}", f"{column}: {en}"), [problem])


def bounded(text: str, column: str, *, needed: bool = False) -> str:
    """``text`` stripped; Invalid when longer than :data:`TEXT_MAX` or, if ``needed``, empty."""
    value = text.strip()
    if len(value) > TEXT_MAX:
        raise refuse(column, *say(Msg.FIELD_TOO_LONG, limit=TEXT_MAX))
    if needed and not value:
        raise refuse(column, *say(Msg.REASON_NEEDED))
    return value


@dataclass(frozen=True)
class NewIntake:
    """A report taken in by the 受理员 (web form) or transferred from the 12345 hotline (channel 12345)."""

    unit_id: str
    kind: str
    category: str
    description: str = ""
    channel: str = "web"


def take_in(session: Session, who: Principal, new: NewIntake, at: datetime) -> CaseRow:
    """A report filed as a pending intake (信息收集) under ``unit_id`` (the centre or the district holding
    it until dispatch); audited, committed."""
    require(session, who, Perm.CASE_INTAKE, "take in a case")
    if new.kind not in KINDS:
        raise refuse("kind", "应为 event（事件）或 component（部件）", "expected event or component")
    if session.get(Unit, new.unit_id) is None:
        raise NotFound(say(Msg.NO_UNIT, unit=new.unit_id))
    category = bounded(new.category, "category", needed=True)[:200]
    prefix = "12345" if new.channel.startswith("12345") else "WEB"
    values = {c: "" for c, t in SCHEMAS["cases"].items() if t == pl.String} | {
        "case_id": f"{prefix}-{at:%Y%m%d}-{secrets.token_hex(4)}",
        "unit_id": new.unit_id,
        "kind": new.kind,
        "category": category,
        "reported_at": at,
        "dispatched_at": None,
        "deadline": None,
        "disposed_at": None,
        "closed_at": None,
        "rework_count": 0,
        "verify_failed": 0,
        "postponed": 0,
        "channel": new.channel[:50],
        ROW: 0,
    }
    note = bounded(new.description, "description")
    outcome = write_row(
        session, "cases", pl.DataFrame([values], schema=SCHEMAS["cases"]), actor=who.actor, reason=f"受理 {note}"[:200]
    )
    session.commit()
    row = outcome.row
    assert isinstance(row, CaseRow)
    return row


def register(session: Session, who: Principal, case_id: str, at: datetime, *, expected: Status | None = None) -> Held:
    """立案: the 受理员 accepts a pending intake as a case (an Open311 token now resolves to its id)."""
    require(session, who, Perm.CASE_INTAKE, f"register case {case_id}")
    held = move(session, who.actor, hold(session, case_id, expected), Event.REGISTER, at)
    session.commit()
    return held


def dispatch(
    session: Session,
    who: Principal,
    rules: CaseRules,
    case_id: str,
    unit_id: str,
    at: datetime,
    *,
    reason: str = "",
    expected: Status | None = None,
) -> Held:
    """派遣 to ``unit_id`` with the handbook's deadline; a unit other than the handbook's needs a reason."""
    require(session, who, Perm.CASE_DISPATCH, f"dispatch case {case_id}")
    held = hold(session, case_id, expected)
    if session.get(Unit, unit_id) is None:
        raise NotFound(say(Msg.NO_UNIT, unit=unit_id))
    suggestion = rules.suggest(held.row.category, held.row.kind)
    why = bounded(reason, "reason")
    if suggestion is not None and suggestion.unit is not None and suggestion.unit != unit_id and not why:
        raise refuse("reason", *say(Msg.OVERRIDE_REASON, unit=unit_id, suggested=suggestion.unit))
    deadline = rules.deadline(held.row.category, held.row.kind, at)
    note = f"改派理由：{why}" if why else ("按处置手册派遣" if suggestion and suggestion.unit == unit_id else "")
    held = move(
        session, who.actor, held, Event.DISPATCH, at, deadline=deadline, note=note, changes={"unit_id": unit_id}
    )
    session.commit()
    return held


@dataclass(frozen=True)
class Photo:
    """One photo of a feedback, as uploaded."""

    filename: str
    data: bytes


def feedback(
    session: Session,
    who: Principal,
    case_id: str,
    note: str,
    photos: Sequence[Photo],
    at: datetime,
    *,
    expected: Status | None = None,
) -> tuple[Held, list[Evidence]]:
    """处置反馈: the unit reports its own case done, with at least one photo (stored as evidence of the case,
    target ``case:<id>``); the case waits for verification."""
    require(session, who, Perm.CASE_TODO, f"feed back on case {case_id}", who.unit_id)
    if not photos:
        raise refuse("photo", *say(Msg.FEEDBACK_PHOTO))
    if len(photos) > PHOTOS_MAX:
        raise refuse("photo", *say(Msg.TOO_MANY_PHOTOS, limit=PHOTOS_MAX))
    text = bounded(note, "note")
    held = hold(session, case_id, expected)
    if who.role == Role.UNIT and held.row.unit_id != who.unit_id:
        deny(session, who, f"feed back on case {case_id} of unit '{held.row.unit_id}'", table="cases")
    images = [(p.filename, check_image(p.data)) for p in photos]  # every photo checked before anything is kept
    kept = [
        add_evidence(session, who, held.row.unit_id, NewEvidence(f"case:{case_id}", name), image, at)
        for name, image in images
    ]
    detail = (
        f"{text}（照片 {', '.join(str(e.id) for e in kept)}）" if text else f"照片 {', '.join(str(e.id) for e in kept)}"
    )
    held = move(session, who.actor, held, Event.FEEDBACK, at, note=detail)
    session.commit()
    return held, kept


def verify(
    session: Session,
    who: Principal,
    case_id: str,
    passed: bool,
    at: datetime,
    *,
    note: str = "",
    expected: Status | None = None,
    second_check: int = 0,
) -> Held:
    """核查 by a 监督员: passed → 结案 (closed_at); failed → back to the unit (返工, counted on the case).

    With ``second_check`` (percent, the office's setting ``KAOPING_CASE_SECOND_CHECK``) a passed case may be
    drawn for the city's second-level check (市级抽查复核): it then stays 核查 (verifying) until the office
    passes or fails it.  The draw is a hash of the case id and its verification count, so it is reproducible
    from the trail and cannot be steered by retrying."""
    held = hold(session, case_id, expected)
    if held.case.status is Status.VERIFYING:  # drawn for the second level: the office decides
        require(session, who, Perm.CASE_APPROVE, f"second-level check of case {case_id}")
        text = bounded(note, "note", needed=not passed)
        held = move(session, who.actor, held, Event.PASS if passed else Event.FAIL, at, note=f"市级复核：{text}")
        session.commit()
        return held
    require(session, who, Perm.CASE_VERIFY, f"verify case {case_id}")
    text = bounded(note, "note", needed=not passed)
    if passed and who.role != Role.ADMIN and drawn(case_id, held.case.verify_failed, second_check):
        held = move(session, who.actor, held, Event.VERIFY, at, note=f"{text}（核查通过，抽中市级复核）")
    else:
        held = move(session, who.actor, held, Event.VERIFY, at, note=text)
        held = move(session, who.actor, held, Event.PASS if passed else Event.FAIL, at, note=text)
    session.commit()
    return held


def drawn(case_id: str, round_: int, percent: int) -> bool:
    """Whether a passed verification of ``case_id`` (its ``round_``-th) goes to the city's second check."""
    if percent <= 0:
        return False
    digest = hashlib.sha256(f"{case_id}:{round_}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < min(percent, 100)
