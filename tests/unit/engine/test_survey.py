"""满意度问卷计分 (kaoping.engine.survey) on examples/social-evaluation/survey-answers.csv, worked out by hand.

Questionnaire social-evaluation-survey: q1 weight 50, q2 30, q3 20; 满意 100, 基本满意 60, 不满意 0; points 20;
quota 3.  r = (50·v1 + 30·v2 + 20·v3) / 100.

2024-03
  s1  #1 满意 满意 满意            → (5000 + 3000 + 2000) / 100 = 100
      #2 基本满意 满意 不满意      → (3000 + 3000 + 0) / 100    = 60
      #3 满意 基本满意 基本满意    → (5000 + 1800 + 1200) / 100 = 80
      mean 80 → score 80 × 20 / 100 = 16
      s² = (20² + (−20)² + 0²) / (3 − 1) = 400 → s = 20
      margin = 1.96 × 20 / √3 × 20 / 100 = 39.2 / 1.7320508… × 0.2 = 22.6320… × 0.2 = 4.5264… → 4.53
      n 3 = quota → 样本达标
  s2  #4, #5 all 满意 → 100, 100 → score 20, s = 0 → margin 0.00; n 2 < 3 → 样本不足
  s3  no sheet → no score, no margin, 无样本 (and no score row)
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from examples_testing import EXAMPLES
from kaoping.engine.survey import Answer, AnswerProblem, SampleFlag, respondent_score, score_rows, tally
from kaoping.errors import InputErrors
from kaoping.io.readers import read_facts
from kaoping.io.survey_answers import read_answer_rows
from kaoping.scheme.survey import load_questionnaire

Q = load_questionnaire("social-evaluation-survey")
EXAMPLE = EXAMPLES / "social-evaluation"


def _answers(path: Path = EXAMPLE / "survey-answers.csv") -> list[Answer]:
    rows = read_answer_rows(path, Q)
    return [Answer(r.answer_id or r.row, r.unit_id, r.period, r.choices, r.channel) for r in rows]


def test_respondent_scores_by_hand() -> None:
    assert respondent_score(Q, {"q1": "满意", "q2": "满意", "q3": "满意"}) == 100
    assert respondent_score(Q, {"q1": "基本满意", "q2": "满意", "q3": "不满意"}) == 60
    assert respondent_score(Q, {"q1": "满意", "q2": "基本满意", "q3": "基本满意"}) == 80


def test_march_by_hand() -> None:
    s1, s2, s3 = tally(Q, _answers(), ["s1", "s2", "s3"], "2024-03")
    assert (s1.n, s1.mean, s1.score, s1.margin) == (3, 80, Decimal("16.00"), Decimal("4.53"))
    assert s1.flag is SampleFlag.ENOUGH
    assert (s2.n, s2.score, s2.margin, s2.flag) == (2, Decimal("20.00"), Decimal("0.00"), SampleFlag.BELOW_QUOTA)
    assert (s3.n, s3.score, s3.margin, s3.flag) == (0, None, None, SampleFlag.NONE)
    assert s1.lines[1] == "答卷 #2（电话回访）：q1 基本满意、q2 满意、q3 不满意 → 60"


def test_one_answer_has_no_margin() -> None:
    """n = 1: the sample s.d. needs n − 1 ≥ 1, so the margin is unknown rather than 0."""
    (t,) = tally(Q, _answers()[:1], ["s1"], "2024-03")
    assert (t.n, t.score, t.margin) == (1, Decimal("20.00"), None)
    assert "无法估计" in t.note() and "样本不足" in t.note()


def test_the_example_scores_are_the_tally_of_the_stored_answers() -> None:
    """Reproducible: the score rows in examples/social-evaluation/scores.csv are exactly what the answers make."""
    rows = score_rows(Q, tally(Q, _answers(), ["s1", "s2", "s3"], "2024-03"))
    kept = read_facts(EXAMPLE).scores.drop("_row").rows(named=True)
    made = pl.DataFrame(rows).rows(named=True)
    assert [dict(r) for r in kept] == [dict(r) for r in made]
    assert [r["unit_id"] for r in rows] == ["s1", "s2"]


def test_answers_of_other_periods_and_units_are_left_out() -> None:
    other = [*_answers(), Answer(9, "s1", "2024-04", {"q1": "不满意", "q2": "不满意", "q3": "不满意"})]
    other.append(Answer(10, "x9", "2024-03", {"q1": "不满意", "q2": "不满意", "q3": "不满意"}))
    assert tally(Q, other, ["s1"], "2024-03")[0].score == Decimal("16.00")


def test_a_sheet_off_the_scale_is_refused() -> None:
    with pytest.raises(AnswerProblem, match="q2"):
        respondent_score(Q, {"q1": "满意", "q2": "很好", "q3": "满意"})
    with pytest.raises(AnswerProblem, match="q9"):
        respondent_score(Q, {"q1": "满意", "q2": "满意", "q3": "满意", "q9": "满意"})


def test_import_errors_name_row_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "answers.csv"
    bad.write_text("单位,考评期,q1,q2,q3\ns1,2024-03,满意,满意,满意\ns2,三月,满意,很好,满意\n", encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        read_answer_rows(bad, Q)
    found = {(e.row, e.column) for e in caught.value.errors}
    assert found == {(3, "period"), (3, "q2")}
    assert "很好" in caught.value.describe()
    missing = tmp_path / "missing.csv"
    missing.write_text("unit_id,period,q1\ns1,2024-03,满意\n", encoding="utf-8")
    with pytest.raises(InputErrors, match="q2"):
        read_answer_rows(missing, Q)


def test_a_workbook_reads_like_the_csv(tmp_path: Path) -> None:
    """The same answer sheets from an .xlsx (sheet 答卷) give the same tally; a workbook without it is refused."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "答卷"
    for line in (EXAMPLE / "survey-answers.csv").read_text(encoding="utf-8").splitlines():
        sheet.append(line.split(","))
    path = tmp_path / "answers.xlsx"
    book.save(path)
    made = tally(Q, _answers(path), ["s1", "s2"], "2024-03")
    assert [(t.n, t.score, t.margin) for t in made] == [(3, Decimal("16.00"), Decimal("4.53")), (2, 20, 0)]
    sheet.title = "Sheet1"
    book.save(path)
    with pytest.raises(InputErrors, match="答卷"):
        read_answer_rows(path, Q)
