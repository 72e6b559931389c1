"""The lifecycle of a digital city-management case (数字城管案卷) as a small pure state machine.

信息收集 → 立案 → 派遣 → 处置 → 处理反馈 → 核查 → 结案, with 返工 (verification failed: back to the unit,
counted each time), 延期 (a postponement approved by the office moves the deadline), 挂账 (long-term:
excluded from on-time rates, resumed later) and 作废 (an invalid report).  Every step is one ``match`` arm
over (status, event) — the Netflix/dispatch style — so an illegal step is a clear error, never a silent
no-op; every step returns a new Case with the transition recorded (actor and time).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum


class Status(StrEnum):
    REPORTED = "reported"  # 信息收集: a supervisor or the public reported it
    REGISTERED = "registered"  # 立案: the centre accepted it as a case
    DISPATCHED = "dispatched"  # 派遣: sent to the responsible unit
    DISPOSING = "disposing"  # 处置: the unit is working on it
    FEEDBACK = "feedback"  # 处理反馈: the unit reports it done
    VERIFYING = "verifying"  # 核查: a supervisor checks on site
    CLOSED = "closed"  # 结案
    SUSPENDED = "suspended"  # 挂账: long-term, out of the on-time rates
    INVALID = "invalid"  # 作废


LABELS = {
    Status.REPORTED: "信息收集",
    Status.REGISTERED: "立案",
    Status.DISPATCHED: "派遣",
    Status.DISPOSING: "处置",
    Status.FEEDBACK: "处理反馈",
    Status.VERIFYING: "核查",
    Status.CLOSED: "结案",
    Status.SUSPENDED: "挂账",
    Status.INVALID: "作废",
}


class Event(StrEnum):
    REGISTER = "register"
    INVALIDATE = "invalidate"
    DISPATCH = "dispatch"
    ACCEPT = "accept"
    FEEDBACK = "feedback"
    VERIFY = "verify"
    PASS = "pass"
    FAIL = "fail"  # 核查不通过 → 返工
    POSTPONE = "postpone"  # 延期 approved: needs a new deadline
    SUSPEND = "suspend"
    RESUME = "resume"


class IllegalTransition(ValueError):
    """An event that cannot happen in the case's current status."""


@dataclass(frozen=True)
class Transition:
    """One step of a case's history, kept so the case can say who moved it from where to where, and when."""

    from_status: Status
    to_status: Status
    event: Event
    at: datetime
    actor: str
    note: str = ""


@dataclass(frozen=True)
class Case:
    """A case's state; timestamps are what cases.csv records, filled in by the transitions."""

    case_id: str
    unit_id: str
    kind: str  # component (部件) | event (事件)
    category: str
    reported_at: datetime
    status: Status = Status.REPORTED
    dispatched_at: datetime | None = None
    deadline: datetime | None = None
    disposed_at: datetime | None = None
    closed_at: datetime | None = None
    rework_count: int = 0
    verify_failed: int = 0
    postponed: int = 0
    history: tuple[Transition, ...] = ()


def apply(
    case: Case, event: Event, *, at: datetime, actor: str, deadline: datetime | None = None, note: str = ""
) -> Case:
    """The case after ``event``; raises IllegalTransition for a step the lifecycle does not allow.

    ``deadline`` is required for DISPATCH (from the 处置手册) and POSTPONE (the approved new deadline).
    """
    s = case.status
    match (s, event):
        case (Status.REPORTED, Event.REGISTER):
            new = replace(case, status=Status.REGISTERED)
        case (Status.REPORTED | Status.REGISTERED, Event.INVALIDATE):
            new = replace(case, status=Status.INVALID)
        case (Status.REGISTERED, Event.DISPATCH):
            new = replace(case, status=Status.DISPATCHED, dispatched_at=at, deadline=_need(deadline, event))
        case (Status.DISPATCHED, Event.ACCEPT):
            new = replace(case, status=Status.DISPOSING)
        case (Status.DISPATCHED | Status.DISPOSING, Event.FEEDBACK):
            new = replace(case, status=Status.FEEDBACK, disposed_at=at)
        case (Status.FEEDBACK, Event.VERIFY):
            new = replace(case, status=Status.VERIFYING)
        case (Status.VERIFYING, Event.PASS):
            new = replace(case, status=Status.CLOSED, closed_at=at)
        case (Status.VERIFYING, Event.FAIL):
            new = replace(
                case,
                status=Status.DISPATCHED,
                disposed_at=None,
                rework_count=case.rework_count + 1,
                verify_failed=case.verify_failed + 1,
            )
        case (Status.DISPATCHED | Status.DISPOSING, Event.POSTPONE):
            new_deadline = _need(deadline, event)
            if case.deadline is not None and new_deadline <= case.deadline:
                raise IllegalTransition(f"{case.case_id}: a postponement must move the deadline later")
            new = replace(case, deadline=new_deadline, postponed=case.postponed + 1)
        case (Status.DISPATCHED | Status.DISPOSING, Event.SUSPEND):
            new = replace(case, status=Status.SUSPENDED)
        case (Status.SUSPENDED, Event.RESUME):
            new = replace(case, status=Status.DISPATCHED, deadline=deadline or case.deadline)
        case _:
            raise IllegalTransition(f"{case.case_id}: cannot {event.value} a case that is {LABELS[s]} ({s.value})")
    step = Transition(s, new.status, event, at, actor, note)
    return replace(new, history=(*case.history, step))


def _need(deadline: datetime | None, event: Event) -> datetime:
    if deadline is None:
        raise IllegalTransition(f"{event.value} needs a deadline")
    return deadline
