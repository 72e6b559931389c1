"""满意度问卷: answer sheets in (public page, 电话回访, import), the unit's score out as a score fact.

Every answer sheet is a fact with its provenance — questionnaire and version, unit, period, channel, who
entered it (``public`` for the public page) and when — written with an audit event in the same transaction.
The respondent is kept only as an HMAC-SHA256 of the normalised phone number (or, for the office's entries
and imports, a survey company's respondent code) under the server secret (``Settings.secret``): the
database's unique key (questionnaire, period, respondent) refuses a second sheet from the same phone, and
nothing in the store reads back as the number.

Tallying (汇总计分, the office, with a reason) runs :func:`kaoping.engine.survey.tally` on the stored answers
and writes one ``scores`` row per unit with answers — the questionnaire's part and item, ``source``
``问卷:<name>:v<version>``, n and the 95 % margin in the note — through the same ``write_facts`` as any score,
so the period is computed, published, explained and bulletined as before; tallying again on the same
answers writes the same rows (unchanged), which is what makes the number reproducible.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kaoping.app.context import AppContext
from kaoping.app.errors import Conflict, Invalid, NotFound
from kaoping.app.facts import write_row
from kaoping.app.policy import Perm, Principal, allowed, deny
from kaoping.engine.survey import Answer, AnswerProblem, UnitTally, respondent_score, score_rows, tally
from kaoping.facts.columns import ROW, SCHEMAS
from kaoping.io.survey_answers import read_answer_rows
from kaoping.periods import parse_period, period_of
from kaoping.scheme.parts import Source
from kaoping.scheme.survey import Questionnaire, builtin_survey_names, check_against_scheme, load_questionnaire
from kaoping.store.audit import AuditWriter
from kaoping.store.survey_tables import SurveyAnswerRow
from kaoping.store.tables import ScoreRow, Unit

TABLE = "survey_answers"
MAX_PER_ADDRESS_HOUR = 30
"""Most public answer sheets one client address may submit in an hour (a street office's shared Wi-Fi
answers many; a script answering thousands does not get through)."""


class Channel(StrEnum):
    """Where an answer sheet came from (its provenance); the value is the Chinese name pages print."""

    PUBLIC = "公众页面"
    PHONE = "电话回访"
    IMPORT = "导入"


@cache
def _builtin(name: str) -> Questionnaire:
    return load_questionnaire(name)


def questionnaires(ctx: AppContext) -> dict[str, Questionnaire]:
    """The built-in questionnaires of the office's schemes that agree with them, by name."""
    out: dict[str, Questionnaire] = {}
    for name in builtin_survey_names():
        q = _builtin(name)
        office = ctx.schemes.get(q.scheme)
        if office is None:
            continue
        parts = {p.name: p.max for p in office.scheme.leaves() if p.source == Source.SCORES}
        if not check_against_scheme(q, parts, office.scheme.scheme):
            out[name] = q
    return out


def questionnaire(ctx: AppContext, name: str) -> Questionnaire:
    found = questionnaires(ctx).get(name)
    if found is None:
        raise NotFound((f"没有问卷 {name}", f"no questionnaire {name}"))
    return found


def normalise_contact(contact: str, *, codes: bool) -> str:
    """A phone number as digits (spaces, dashes and a +86 prefix dropped); with ``codes`` (the office's entries
    and imports: a survey company's respondent codes) also a code of 6–40 letters and digits.  The public page
    takes phone numbers only: a code nobody issued would let anyone answer again under a new one.  Invalid
    otherwise.  Only the hash of this text is ever kept."""
    text = contact.strip()
    digits = re.sub(r"[\s\-()]", "", text)
    digits = re.sub(r"^(\+?86)(?=1\d{10}$)", "", digits)
    if re.fullmatch(r"1\d{10}|0\d{9,11}", digits):
        return digits
    if codes and re.fullmatch(r"[A-Za-z0-9]{6,40}", text):
        return "code:" + text.upper()
    if codes:
        raise Invalid(("请填写受访者电话或答题码", "a phone number or a respondent code is required"))
    raise Invalid(("请填写11位手机号码", "a mobile number (11 digits) is required"))


def respondent_hash(secret: str, survey: str, contact: str, *, codes: bool = False) -> str:
    """HMAC-SHA256 (hex) of the normalised contact under the server secret, per questionnaire."""
    message = f"{survey}\n{normalise_contact(contact, codes=codes)}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def address_hash(secret: str, address: str) -> str:
    return hmac.new(secret.encode(), f"address\n{address}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Sheet:
    """One answer sheet to store: the unit, the answers, the contact (hashed here) and where it came from."""

    unit_id: str
    choices: dict[str, str]
    contact: str
    channel: Channel
    period: str | None = None
    """None: the period of the questionnaire's kind that contains the time of entry."""


def _checked(session: Session, q: Questionnaire, sheet: Sheet) -> None:
    unit = session.get(Unit, sheet.unit_id)
    if unit is None:
        raise Invalid((f"没有单位 {sheet.unit_id}", f"no unit {sheet.unit_id}"))
    try:
        respondent_score(q, sheet.choices)
    except AnswerProblem as exc:
        raise Invalid((f"答卷不完整或选项不对：{exc}", f"the answers do not fit the questionnaire: {exc}")) from None


def stage_answer(
    ctx: AppContext, session: Session, who: Principal, q: Questionnaire, sheet: Sheet, *, address: str = ""
) -> SurveyAnswerRow:
    """Store one sheet with its audit event (flushed, not committed); Conflict if the respondent answered
    this questionnaire in this period already (the unique key decides, so two racing posts cannot both pass;
    the session is then rolled back, as the caller's whole write is refused)."""
    if sheet.channel is not Channel.PUBLIC and not allowed(who.role, Perm.SURVEYS_ENTER):
        deny(session, who, "enter survey answers", table=TABLE, unit_id=sheet.unit_id)
    _checked(session, q, sheet)
    now = ctx.settings.clock()
    period = sheet.period or str(period_of(now.date(), q.period))
    row = SurveyAnswerRow(
        survey=q.survey,
        version=q.version,
        unit_id=sheet.unit_id,
        period=str(parse_period(period)),
        respondent=respondent_hash(
            ctx.settings.secret, q.survey, sheet.contact, codes=sheet.channel is not Channel.PUBLIC
        ),
        answers=dict(sheet.choices),
        channel=sheet.channel.value,
        address=address_hash(ctx.settings.secret, address) if address else "",
        created_at=now,
        created_by=who.actor if who.authenticated else "public",
    )
    answered = ("该号码本期已参加过此问卷，不能重复作答", "this respondent has answered already")
    key = (SurveyAnswerRow.survey == row.survey, SurveyAnswerRow.period == row.period)
    if session.scalar(select(SurveyAnswerRow.id).where(*key, SurveyAnswerRow.respondent == row.respondent)):
        raise Conflict(answered)
    session.add(row)
    try:  # two posts racing past the look-up: the unique key refuses the second (no savepoint: all or none)
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(answered) from None
    audit = AuditWriter(session, row.created_by, reason=f"问卷答卷（{row.channel}）")
    detail = {"survey": q.survey, "version": q.version, "channel": row.channel, "answers": row.answers}
    audit.event("survey_answer", TABLE, f"{q.survey}:{row.id}", unit_id=row.unit_id, period=row.period, detail=detail)
    audit.flush()
    return row


def submit_public(
    ctx: AppContext, session: Session, who: Principal, q: Questionnaire, sheet: Sheet, address: str
) -> int:
    """A public page's sheet: bounded per client address per hour, stored, committed; its id."""
    since = ctx.settings.clock() - timedelta(hours=1)
    hashed = address_hash(ctx.settings.secret, address)
    stmt = select(func.count()).where(SurveyAnswerRow.address == hashed, SurveyAnswerRow.created_at >= since)
    if (session.scalar(stmt) or 0) >= MAX_PER_ADDRESS_HOUR:
        raise Conflict(("提交过于频繁，请稍后再试", "too many answers from this address; try later"))
    row = stage_answer(ctx, session, who, q, sheet, address=address)
    session.commit()
    return row.id


def enter_answer(ctx: AppContext, session: Session, who: Principal, q: Questionnaire, sheet: Sheet) -> int:
    """The office's entry of one sheet (电话回访), committed; its id."""
    row = stage_answer(ctx, session, who, q, sheet)
    session.commit()
    return row.id


def import_answers(ctx: AppContext, session: Session, who: Principal, q: Questionnaire, path: Path) -> int:
    """Every sheet of a CSV file (io.survey_answers), all or none: InputErrors by row and column, a Conflict
    naming the row of a respondent who answered already.  Each row needs its ``contact``."""
    if not allowed(who.role, Perm.SURVEYS_ENTER):
        deny(session, who, "import survey answers", table=TABLE)
    rows = read_answer_rows(path, q)
    for r in rows:
        sheet = Sheet(r.unit_id, r.choices, r.contact, Channel.IMPORT, r.period)
        try:
            stage_answer(ctx, session, who, q, sheet)
        except (Invalid, Conflict) as exc:
            session.rollback()
            raise type(exc)((f"第 {r.row} 行：{exc}", f"row {r.row}: {exc.message_en or exc}")) from None
    session.commit()
    return len(rows)


def stored_answers(session: Session, q: Questionnaire, period: str) -> list[Answer]:
    """The stored sheets of ``q`` (this version) in ``period``, as the engine takes them."""
    stmt = (
        select(SurveyAnswerRow)
        .where(SurveyAnswerRow.survey == q.survey, SurveyAnswerRow.version == q.version)
        .where(SurveyAnswerRow.period == period)
        .order_by(SurveyAnswerRow.id)
    )
    return [Answer(r.id, r.unit_id, r.period, r.answers, r.channel) for r in session.scalars(stmt)]


def _units(session: Session, ctx: AppContext, q: Questionnaire) -> list[str]:
    groups = [g.name for g in ctx.schemes[q.scheme].scheme.groups]
    return list(session.scalars(select(Unit.unit_id).where(Unit.group.in_(groups)).order_by(Unit.unit_id)))


def survey_results(ctx: AppContext, session: Session, q: Questionnaire, period: str) -> list[UnitTally]:
    """Every unit of the questionnaire's scheme in ``period``: score, n, margin, flag, the sheets that made it."""
    text = str(parse_period(period))
    return tally(q, stored_answers(session, q, text), _units(session, ctx, q), text)


def tally_period(ctx: AppContext, session: Session, who: Principal, q: Questionnaire, period: str) -> list[UnitTally]:
    """汇总计分: the score rows of ``period`` from the stored answers, written (audited) and committed."""
    if not allowed(who.role, Perm.SURVEYS_TALLY):
        deny(session, who, "tally a survey", table=TABLE, period=period)
    results = survey_results(ctx, session, q, period)
    rows = score_rows(q, results)
    if rows:
        frame = pl.DataFrame([r | {ROW: 0} for r in rows], schema=SCHEMAS["scores"])
        write_row_all(session, frame, who.actor, f"问卷汇总计分：{q.title} 第 {q.version} 版 {period}")
    session.commit()
    return results


def write_row_all(session: Session, frame: pl.DataFrame, actor: str, reason: str) -> None:
    """Every row of the frame through ``write_facts`` (matched on the natural key: a re-tally updates)."""
    for i in range(frame.height):
        write_row(session, "scores", frame.slice(i, 1), actor=actor, reason=reason)


def unit_sheets(ctx: AppContext, session: Session, scheme: str, unit_id: str, period: str) -> dict[str, UnitTally]:
    """For a unit's drill-down: part name → the unit's tally of each questionnaire feeding ``scheme`` in
    ``period`` (the answer sheets that made the number, from the stored answers); only parts with sheets."""
    out: dict[str, UnitTally] = {}
    for q in questionnaires(ctx).values():
        if q.scheme != scheme or q.period.value != parse_period(period).kind.value:
            continue
        (found,) = tally(q, stored_answers(session, q, period), [unit_id], period)
        if found.n:
            out[q.part] = found
    return out


@dataclass(frozen=True)
class SurveyStanding:
    """For the office's period page: a questionnaire of the scheme, its sheets in the period, and whether the
    score rows in the store are its tally of them (False: sheets came in, or changed, since the last 汇总计分)."""

    questionnaire: Questionnaire
    sheets: int
    tallied: bool


def survey_standings(ctx: AppContext, session: Session, scheme: str, period: str) -> list[SurveyStanding]:
    """Every questionnaire feeding ``scheme`` whose round is ``period``'s kind, with its sheets and tally state."""
    out: list[SurveyStanding] = []
    text = str(parse_period(period))
    for q in questionnaires(ctx).values():
        if q.scheme != scheme or q.period.value != parse_period(text).kind.value:
            continue
        results = survey_results(ctx, session, q, text)
        made = {(str(r["unit_id"]), float(str(r["score"])), str(r["note"])) for r in score_rows(q, results)}
        stmt = select(ScoreRow.unit_id, ScoreRow.score, ScoreRow.note).where(
            ScoreRow.period == text, ScoreRow.source == q.source()
        )
        kept = {(u, float(s), n) for u, s, n in session.execute(stmt)}
        out.append(SurveyStanding(q, sum(r.n for r in results), made == kept))
    return out
