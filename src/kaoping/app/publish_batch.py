"""一键发布季度及各月: take a period — and, when asked, each of its months not yet published — as far through
compute → review → publish as the acting account may, in one action.

An office that ranks by month and by quarter publishes four results at the end of a quarter; clicking
through twelve steps on four pages invites one month left in draft.  This use case walks them in one go,
months first (in order), then the period itself, skipping whatever is already published (a correction is a
decision of its own, with a reason, made on the period's page).  It never steps around a rule:

- each step is the ordinary use case (:func:`~kaoping.app.publish.compute_draft`, ``review``,
  ``publish``), with its locks (the period's lock, taken in the same order by every caller), its audit
  event and its checks;
- 职责分离 is asked *before* acting (:func:`~kaoping.app.policy.duty_conflict`), so the action does only
  what this account may: with the setting on, the first person's click computes the drafts and stops, and
  a second person's click reviews and publishes them all; a step the account may not take is never tried
  (no refusal is recorded for it, and nothing is committed half-way);
- each step needs its permission in the policy table (:data:`~kaoping.app.policy.POLICY`);
- all or nothing: everything runs in the caller's one transaction — one month that cannot be computed
  (no data) leaves the other three untouched;
- the action itself is one more audit event (``advance``) naming every period and what was done to it.

When nothing at all can be done (all published, or every draft awaits another account), it is a conflict
that says why, not a silent success.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from kaoping.app import policy
from kaoping.app.context import AppContext
from kaoping.app.duties import Step, duty_conflict
from kaoping.app.errors import Invalid, invalid_scheme_or_period
from kaoping.app.period_states import months_of
from kaoping.app.policy import Perm, Principal
from kaoping.app.publish import compute_draft, publish, review
from kaoping.engine.evaluate import UnsupportedPeriod
from kaoping.input_messages import Msg, say
from kaoping.labels import Labelled
from kaoping.periods import PeriodError, PeriodKind, parse_period
from kaoping.scheme import SchemeError, load_scheme
from kaoping.statuses import OPEN_RESULTS, ResultStatus
from kaoping.store.audit import AuditWriter
from kaoping.store.publishing import TABLE, PublishError, current, versions
from kaoping.store.tables import PublishedResult

__all__ = ["Advanced", "Did", "PeriodStep", "Stop", "advance", "advance_for_office"]


class Did(Labelled):
    """A step taken on one period."""

    COMPUTED = "computed", "计算草稿"
    REVIEWED = "reviewed", "审核"
    PUBLISHED = "published", "发布"


class Stop(Labelled):
    """Why a period went no further."""

    DONE = "done", "已发布"
    ALREADY = "already", "此前已发布，未改动"
    SECOND_PERSON = "second_person", "职责分离：须由另一账号审核"
    NOT_ALLOWED = "not_allowed", "本账号无权进行下一步"


@dataclass(frozen=True)
class PeriodStep:
    """What the action did to one period, and where that period now stands."""

    period: str
    done: tuple[Did, ...]
    stop: Stop
    version: int | None = None
    result_id: int | None = None


@dataclass(frozen=True)
class Advanced:
    """The outcome of one action: per period, in the order taken (months first)."""

    scheme: str
    period: str
    steps: tuple[PeriodStep, ...]

    @property
    def anything_done(self) -> bool:
        return any(s.done for s in self.steps)


def targets(scheme: str, period: str, with_months: bool) -> tuple[str, list[str]]:
    """The scheme's declared name and the periods the action takes, in order: the months of ``period`` (when
    asked and the scheme ranks months), then ``period`` itself."""
    text = str(parse_period(period))
    parsed = load_scheme(scheme)
    months = months_of(text) if with_months and PeriodKind.MONTH in parsed.periods else []
    return parsed.scheme, [*months, text]


def _open(session: Session, scheme: str, period: str) -> PublishedResult | None:
    return next((r for r in versions(session, scheme=scheme, period=period) if r.status in OPEN_RESULTS), None)


def _one(session: Session, who: Principal, scheme: str, period: str, separate: bool) -> PeriodStep:
    """Take ``period`` as far as ``who`` may, without ever being refused."""
    actor = who.actor
    if current(session, scheme=scheme, period=period) is not None:
        return PeriodStep(period, (), Stop.ALREADY)
    done: list[Did] = []
    row = _open(session, scheme, period)
    if row is None:
        if not policy.allowed(who.role, Perm.RESULTS_COMPUTE):
            return PeriodStep(period, (), Stop.NOT_ALLOWED)
        row = compute_draft(session, scheme=scheme, period=period, actor=actor, separate_duties=separate)
        done.append(Did.COMPUTED)
    if row.status == ResultStatus.DRAFT:
        if not policy.allowed(who.role, Perm.RESULTS_REVIEW):
            return PeriodStep(period, tuple(done), Stop.NOT_ALLOWED, row.version, row.id)
        conflict = duty_conflict(
            Step.REVIEW, actor, computed_by=row.created_by, reviewed_by=row.reviewed_by, enabled=separate
        )
        if conflict is not None:
            return PeriodStep(period, tuple(done), Stop.SECOND_PERSON, row.version, row.id)
        row = review(session, row.id, actor=actor, separate_duties=separate)
        done.append(Did.REVIEWED)
    if not policy.allowed(who.role, Perm.RESULTS_PUBLISH):
        return PeriodStep(period, tuple(done), Stop.NOT_ALLOWED, row.version, row.id)
    row = publish(session, row.id, actor=actor)
    done.append(Did.PUBLISHED)
    return PeriodStep(period, tuple(done), Stop.DONE, row.version, row.id)


def advance(
    session: Session, who: Principal, *, scheme: str, period: str, with_months: bool, separate_duties: bool = True
) -> Advanced:
    """Take ``period`` (and, ``with_months``, each of its months not yet published) through compute, review
    and publish as far as ``who`` may, in the caller's transaction; one ``advance`` audit event.

    Raises PublishError when nothing could be done (with every period's reason), and whatever a step raises
    (a month without data: PublishError; an unknown scheme or period kind) — the caller then rolls back all.
    """
    name, periods = targets(scheme, period, with_months)
    steps = tuple(_one(session, who, scheme, p, separate_duties) for p in periods)
    outcome = Advanced(name, periods[-1], steps)
    if not outcome.anything_done:
        why = "；".join(f"{s.period}：{s.stop.label}" for s in steps)
        raise PublishError(f"没有可以进行的步骤（nothing to do）：{why}")
    audit = AuditWriter(session, who.actor, reason="一键发布季度及各月" if with_months else "一键发布")
    detail = {"with_months": with_months, "periods": {s.period: [str(d) for d in s.done] for s in steps}}
    detail["stopped"] = {s.period: str(s.stop) for s in steps}
    audit.event("advance", TABLE, f"{name}/{outcome.period}", period=outcome.period, detail=detail)
    audit.flush()
    return outcome


def advance_for_office(
    ctx: AppContext, session: Session, who: Principal, *, scheme: str, period: str, with_months: bool
) -> Advanced:
    """:func:`advance` for one of the office's schemes (by declared name), under the office's setting of
    separation of duties; an unknown scheme, a malformed period or one the scheme does not rank is invalid."""
    office = ctx.schemes.get(scheme)
    if office is None:
        raise Invalid(say(Msg.NOT_OFFICE_SCHEME, scheme=scheme, schemes=", ".join(ctx.schemes)))
    try:
        return advance(
            session,
            who,
            scheme=office.source,
            period=period,
            with_months=with_months,
            separate_duties=ctx.settings.separation_of_duties,
        )
    except PeriodError as exc:
        raise Invalid(say(Msg.BAD_PERIOD, reason=str(exc))) from exc
    except (SchemeError, UnsupportedPeriod) as exc:
        raise invalid_scheme_or_period(exc) from exc
