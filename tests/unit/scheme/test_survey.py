"""Questionnaires (kaoping.scheme.survey): the built-in one loads and agrees with its scheme; a bad file is
refused with every problem in Chinese, naming the line and the field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaoping.scheme import load_scheme
from kaoping.scheme.parts import Source
from kaoping.scheme.survey import (
    SurveyError,
    builtin_survey_names,
    check_against_scheme,
    load_questionnaire,
    parse_questionnaire,
)

GOOD = """\
survey: s
title: 问卷
scheme: social-evaluation
part: 群众满意度
points: 20
quota: 3
scale:
  - {label: 满意, value: 100}
  - {label: 不满意, value: 0}
questions:
  - {id: q1, text: 满意吗？, weight: 1}
"""


def test_builtin_questionnaire_feeds_its_scheme() -> None:
    assert builtin_survey_names() == ["social-evaluation-survey"]
    q = load_questionnaire("social-evaluation-survey")
    scheme = load_scheme("social-evaluation")
    parts = {p.name: p.max for p in scheme.leaves() if p.source == Source.SCORES}
    assert check_against_scheme(q, parts, "social-evaluation") == []
    assert q.values() == {"满意": 100, "基本满意": 60, "不满意": 0}
    assert sum(x.weight for x in q.questions) == 100


def test_errors_are_chinese_with_line_and_field() -> None:
    text = GOOD.replace("weight: 1", "weight: -2").replace("quota: 3", "quota: 3\ncolour: red")
    with pytest.raises(SurveyError) as caught:
        parse_questionnaire(text, "q.yaml")
    problems = caught.value.problems
    # line 7 is the inserted colour:, so the question's mapping is on line 12
    assert problems == [
        "第 12 行 questions[0].weight：须大于 0（实际为 -2）",
        "第 7 行 colour：不认识的键（拼写错误？）（实际为 'red'）",
    ]


def test_missing_key_and_whole_file_checks() -> None:
    with pytest.raises(SurveyError, match="points：缺少必填项"):
        parse_questionnaire(GOOD.replace("points: 20\n", ""), "q.yaml")
    twice = GOOD.replace("{label: 不满意, value: 0}", "{label: 满意, value: 0}")
    with pytest.raises(SurveyError, match="同一选项写了两次"):
        parse_questionnaire(twice, "q.yaml")
    with pytest.raises(SurveyError, match="最高选项的分值须为 100"):
        parse_questionnaire(GOOD.replace("value: 100", "value: 90"), "q.yaml")
    with pytest.raises(SurveyError, match="顶层须为映射"):
        parse_questionnaire("- 1\n", "q.yaml")


def test_against_the_scheme() -> None:
    q = parse_questionnaire(GOOD, "q.yaml")
    assert check_against_scheme(q, {"群众满意度": Decimal(20)}, "social-evaluation") == []
    assert "超过" in check_against_scheme(q, {"群众满意度": Decimal(10)}, "social-evaluation")[0]
    assert "不是方案" in check_against_scheme(q, {"其他": None}, "social-evaluation")[0]
    assert "属于方案" in check_against_scheme(q, {}, "city-1000")[0]


def test_bounded_like_a_scheme() -> None:
    with pytest.raises(SurveyError, match="超出限制"):
        parse_questionnaire("a: " + "[" * 100 + "]" * 100, "q.yaml")
