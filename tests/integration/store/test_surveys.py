"""满意度问卷 through the use cases (SQLite and PostgreSQL): answer sheets in by the public page, 电话回访 and an
import, one sheet per phone, no phone number in the database, the tally written as score rows, the period
published with the survey part — the hand-worked numbers of tests/unit/engine/test_survey.py:

social-evaluation 2024-03, the example facts without their scores.csv (the tally makes them here):
  s1 sheets 100, 60, 80 → mean 80 → 群众满意度 16, margin 1.96 × 20 / √3 × 0.2 = 4.53, n 3 (quota 3)
     total 36.333… (12345) + 28 (媒体) + 16 = 80.333… → 80.33
  s2 sheets 100, 100   → 20, margin 0.00, n 2 < 3: 样本不足;  total 60 + 35 + 20 = 115
  s3 no sheet → no score row, 0, 无样本;                       total 38 + 40 + 0 = 78
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from examples_testing import EXAMPLES
from kaoping.app.context import AppContext, load_office_schemes, load_settings
from kaoping.app.policy import ANONYMOUS, Principal
from kaoping.app.publish import compute_draft, publish, review
from kaoping.app.surveys import (
    Channel,
    Sheet,
    enter_answer,
    import_answers,
    questionnaire,
    submit_public,
    survey_results,
    tally_period,
)
from kaoping.engine.survey import SampleFlag
from kaoping.errors import Conflict, Denied, Invalid
from kaoping.io.readers import read_facts
from kaoping.roles import Role
from kaoping.store.db import open_store, transaction
from kaoping.store.survey_tables import SurveyAnswerRow
from kaoping.store.tables import AuditEntry, Base, ScoreRow
from store_testing import write_all_facts

OFFICE = Principal(username="office", role=Role.ADMIN)
CALLER = Principal(username="survey-co", role=Role.THIRD_PARTY)
DEPT = Principal(username="dept", role=Role.DEPARTMENT)
PUBLIC = ANONYMOUS
ALL = {"q1": "满意", "q2": "满意", "q3": "满意"}
PHONES = ["13800000001", "13800000002", "13800000003", "13800000004", "13800000005"]


@pytest.fixture
def store(db_url: str) -> Iterator[tuple[AppContext, sessionmaker[Session]]]:
    factory = open_store(db_url)
    facts = read_facts(EXAMPLES / "social-evaluation")
    with transaction(factory) as s:
        write_all_facts(s, replace(facts, scores=facts.scores.clear()))
    settings = load_settings(None, secret="k" * 32, schemes=["social-evaluation"], separation_of_duties=False)
    clock = replace(settings, clock=lambda: datetime(2024, 3, 20, 10, 0))
    yield AppContext(clock, factory, load_office_schemes(clock.schemes)), factory


def _answer_march(ctx: AppContext, factory: sessionmaker[Session]) -> None:
    q = questionnaire(ctx, "social-evaluation-survey")
    sheets = [
        Sheet("s1", ALL, PHONES[0], Channel.PUBLIC),
        Sheet("s1", {"q1": "基本满意", "q2": "满意", "q3": "不满意"}, PHONES[1], Channel.PHONE),
        Sheet("s1", {"q1": "满意", "q2": "基本满意", "q3": "基本满意"}, "+86 138-0000-0003", Channel.PUBLIC),
        Sheet("s2", ALL, PHONES[3], Channel.PUBLIC),
        Sheet("s2", ALL, PHONES[4], Channel.PHONE),
    ]
    for sheet in sheets:
        with factory() as s:
            if sheet.channel is Channel.PUBLIC:
                submit_public(ctx, s, PUBLIC, q, sheet, "10.0.0.9")
            else:
                enter_answer(ctx, s, CALLER, q, sheet)


def test_from_answers_to_the_published_period(store: tuple[AppContext, sessionmaker[Session]]) -> None:
    ctx, factory = store
    _answer_march(ctx, factory)
    q = questionnaire(ctx, "social-evaluation-survey")
    with factory() as s:
        s1, s2, s3 = tally_period(ctx, s, OFFICE, q, "2024-03")
        assert (s1.n, s1.score, s1.margin, s1.flag) == (3, Decimal("16.00"), Decimal("4.53"), SampleFlag.ENOUGH)
        assert (s2.n, s2.score, s2.margin, s2.flag) == (2, Decimal("20.00"), Decimal("0.00"), SampleFlag.BELOW_QUOTA)
        assert (s3.n, s3.score, s3.flag) == (0, None, SampleFlag.NONE)
        rows = s.scalars(select(ScoreRow).order_by(ScoreRow.unit_id)).all()
        assert [(r.unit_id, r.part, r.score, r.source) for r in rows] == [
            ("s1", "群众满意度", 16.0, "问卷:social-evaluation-survey:v1"),
            ("s2", "群众满意度", 20.0, "问卷:social-evaluation-survey:v1"),
        ]
        assert "±4.53" in rows[0].note and "样本不足" in rows[1].note
        draft = compute_draft(s, scheme="social-evaluation", period="2024-03", actor="office", separate_duties=False)
        review(s, draft.id, actor="office", separate_duties=False)
        published = publish(s, draft.id, actor="office")
        s.commit()
        ranking = published.document["groups"][0]["ranking"]
        assert [(u["unit_id"], u["total"], u["parts"]["群众满意度"]) for u in ranking] == [
            ("s2", 115.0, 20.0),
            ("s1", 80.33, 16.0),
            ("s3", 78.0, 0.0),
        ]


def test_reproducible_from_the_stored_answers(store: tuple[AppContext, sessionmaker[Session]]) -> None:
    """Tallying again on the same answers changes nothing; the results read back equal the tally."""
    ctx, factory = store
    _answer_march(ctx, factory)
    q = questionnaire(ctx, "social-evaluation-survey")
    with factory() as s:
        first = tally_period(ctx, s, OFFICE, q, "2024-03")
        count = s.scalar(select(text("count(*)")).select_from(AuditEntry)) or 0
        assert tally_period(ctx, s, OFFICE, q, "2024-03") == first == survey_results(ctx, s, q, "2024-03")
        assert s.scalar(select(text("count(*)")).select_from(AuditEntry)) == count  # nothing written again


def test_one_sheet_per_phone_and_no_phone_in_the_database(store: tuple[AppContext, sessionmaker[Session]]) -> None:
    ctx, factory = store
    _answer_march(ctx, factory)
    q = questionnaire(ctx, "social-evaluation-survey")
    with factory() as s, pytest.raises(Conflict, match="已参加过"):
        submit_public(ctx, s, PUBLIC, q, Sheet("s3", ALL, "138 0000 0001", Channel.PUBLIC), "10.0.0.7")
    with factory() as s:
        dumped = " ".join(str(row) for table in Base.metadata.sorted_tables for row in s.execute(select(table)).all())
        assert dumped.count("公众页面") >= 3  # the dump does hold the sheets...
        for phone in PHONES:
            assert phone not in dumped and phone[-8:] not in dumped  # ...but never a number
        assert "10.0.0.9" not in dumped
        assert s.scalar(select(text("count(*)")).select_from(SurveyAnswerRow)) == 5
        events = s.scalars(select(AuditEntry).where(AuditEntry.action == "survey_answer")).all()
        assert sorted(e.actor for e in events) == ["public", "public", "public", "survey-co", "survey-co"]


def test_refusals(store: tuple[AppContext, sessionmaker[Session]]) -> None:
    ctx, factory = store
    q = questionnaire(ctx, "social-evaluation-survey")
    with factory() as s:
        with pytest.raises(Invalid, match="手机号"):
            submit_public(ctx, s, PUBLIC, q, Sheet("s1", ALL, "12345", Channel.PUBLIC), "10.0.0.1")
        with pytest.raises(Invalid, match="手机号"):  # a code nobody issued: the public page takes phones only
            submit_public(ctx, s, PUBLIC, q, Sheet("s1", ALL, "ABCDEF123", Channel.PUBLIC), "10.0.0.1")
        with pytest.raises(Invalid, match="q3"):
            submit_public(ctx, s, PUBLIC, q, Sheet("s1", {"q1": "满意", "q2": "满意"}, PHONES[0], Channel.PUBLIC), "a")
        with pytest.raises(Invalid, match="没有单位"):
            submit_public(ctx, s, PUBLIC, q, Sheet("x9", ALL, PHONES[0], Channel.PUBLIC), "10.0.0.1")
    with factory() as s, pytest.raises(Denied):
        enter_answer(ctx, s, DEPT, q, Sheet("s1", ALL, PHONES[0], Channel.PHONE))
    with factory() as s:  # the survey company's respondent code: once
        enter_answer(ctx, s, CALLER, q, Sheet("s1", ALL, "r2024a0001", Channel.PHONE))
    with factory() as s, pytest.raises(Conflict):
        enter_answer(ctx, s, CALLER, q, Sheet("s2", ALL, "R2024A0001", Channel.PHONE))
    with factory() as s, pytest.raises(Denied):
        tally_period(ctx, s, CALLER, q, "2024-03")
    with factory() as s, pytest.raises(Denied):
        import_answers(ctx, s, DEPT, q, EXAMPLES / "social-evaluation" / "survey-answers.csv")


def test_a_public_address_is_bounded(
    store: tuple[AppContext, sessionmaker[Session]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import kaoping.app.surveys as surveys

    monkeypatch.setattr(surveys, "MAX_PER_ADDRESS_HOUR", 2)
    ctx, factory = store
    q = questionnaire(ctx, "social-evaluation-survey")
    with factory() as s:
        for phone in PHONES[:2]:
            submit_public(ctx, s, PUBLIC, q, Sheet("s1", ALL, phone, Channel.PUBLIC), "10.0.0.5")
        with pytest.raises(Conflict, match="频繁"):
            submit_public(ctx, s, PUBLIC, q, Sheet("s1", ALL, PHONES[2], Channel.PUBLIC), "10.0.0.5")
        submit_public(ctx, s, PUBLIC, q, Sheet("s1", ALL, PHONES[2], Channel.PUBLIC), "10.0.0.6")


def test_import_all_or_nothing(store: tuple[AppContext, sessionmaker[Session]], tmp_path: Path) -> None:
    ctx, factory = store
    q = questionnaire(ctx, "social-evaluation-survey")
    good = tmp_path / "answers.csv"
    good.write_text(f"单位,考评期,联系电话,q1,q2,q3\ns1,2024-03,{PHONES[0]},满意,满意,满意\n", encoding="utf-8")
    with factory() as s:
        assert import_answers(ctx, s, CALLER, q, good) == 1
    twice = tmp_path / "twice.csv"
    lines = f"s2,2024-03,{PHONES[1]},满意,满意,满意\ns1,2024-03,{PHONES[0]},不满意,不满意,不满意\n"
    twice.write_text("单位,考评期,联系电话,q1,q2,q3\n" + lines, encoding="utf-8")
    with factory() as s, pytest.raises(Conflict, match="第 3 行"):
        import_answers(ctx, s, CALLER, q, twice)
    with factory() as s:
        kept = s.scalars(select(SurveyAnswerRow)).all()
        assert [(r.unit_id, r.channel) for r in kept] == [("s1", "导入")]
