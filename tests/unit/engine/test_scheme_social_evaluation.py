"""`social-evaluation` on examples/social-evaluation (issue #18 point 2), every number worked out by hand below.

Scheme: each month 120 points = 12345热线办理 (0–60) + 媒体曝光 (0–40) + 群众满意度 (0–20, from the questionnaire's
answers: tests/unit/engine/test_survey.py works that part out from survey-answers.csv), one group of streets.

12345热线办理 = 办结率 × 0.2 + 按时办结率 × 0.2 + 回访满意率 × 0.2 − 重复投诉数 × 2, over the 12345 work orders
(cases.csv rows with channel 12345) dispatched in the month; 办结 = closed before the month ended, 按时 = closed
at or before the deadline, 回访满意率 = (满意 + 基本满意) / visited orders.

2024-03
  s1 甲街道  orders H001 (on time, 满意), H002 (closed 03-10 after its 03-08 deadline, 不满意), H003 (on time,
             基本满意, repeats H002), H004 (dispatched 03-28, not closed, not visited); G001 is a grid case
             (no channel), not an order.
             → 工单数 4, 办结 3 → 75, 按时 2 → 50, 回访 3 of which 2 satisfied → 66.666…, 重复投诉 1
             → 15 + 10 + 13.333… − 2 = 36.333…
             媒体曝光: 人民日报 (MT01 中央 10) + 市电视台 (MT03 市级 2) → 40 − 12 = 28
             群众满意度: 3 answer sheets, mean 80 % → 16                                  total 80.333… → 80.33
  s2 乙街道  H005, H006 on time, both 满意 → 20 + 20 + 20 = 60;
             媒体曝光: 省广播电视台 (MT02 省级 5) → 35
             群众满意度: 2 sheets, both all 满意 → 20 (样本不足, 2 < quota 3)              total 115
  s3 丙街道  H007 on time, 不满意, repeats a February order → 20 + 20 + 0 − 2 = 38;
             no exposure → 40;  群众满意度: no answer sheet → no score row → 0            total 78
  Ranks: s2 1, s1 2, s3 3.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from examples_testing import EXAMPLES
from kaoping.engine.consistency import check_facts
from kaoping.errors import InputErrors
from kaoping.io.readers import read_facts
from kaoping.scheme import builtin_names, load_scheme
from scheme_testing import ExampleRun, unit
from scheme_testing import ranks_and_totals as ranking

EXAMPLE = EXAMPLES / "social-evaluation"
SCHEME = load_scheme("social-evaluation")
run = ExampleRun(SCHEME, EXAMPLE, checked=True)


def test_scheme_is_built_in_with_its_media_standard() -> None:
    assert "social-evaluation" in builtin_names()
    assert SCHEME.catalogue is not None and SCHEME.catalogue.standard == "social-evaluation-standard"
    kinds = SCHEME.catalogue.kinds()
    assert {code: kinds[code].points(None) for code in ("MT01", "MT02", "MT03")} == {"MT01": 10, "MT02": 5, "MT03": 2}


def test_march_by_hand() -> None:
    march = run("2024-03")
    s1 = unit(march, "s1")
    assert s1.parts["12345热线办理"].quantize(Decimal("0.000001")) == Decimal("36.333333")
    assert s1.parts["媒体曝光"] == 28
    assert s1.parts["群众满意度"] == 16
    assert unit(march, "s2").parts == {"12345热线办理": 60, "媒体曝光": 35, "群众满意度": 20}
    assert unit(march, "s3").parts == {"12345热线办理": 38, "媒体曝光": 40, "群众满意度": 0}
    assert ranking(march, "街道") == [
        ("s2", 1, Decimal("115.00")),
        ("s1", 2, Decimal("80.33")),
        ("s3", 3, Decimal("78.00")),
    ]


def _copy_with(tmp_path: Path, deductions: str) -> Path:
    for source in EXAMPLE.iterdir():
        (tmp_path / source.name).write_bytes(source.read_bytes())
    (tmp_path / "deductions.csv").write_text(deductions, encoding="utf-8")
    return tmp_path


HEAD = "date,unit_id,part,item,points,source,problem,problem_kind,override_reason\n"


def test_an_exposure_priced_off_the_standard_needs_a_reason(tmp_path: Path) -> None:
    """The rule is the standard's: a 中央媒体 exposure entered at 2 points is an input error; with a reason
    (调整理由) it stands and counts what was entered."""
    row = "2024-03-08,s1,媒体曝光,媒体监督曝光,2,人民日报,垃圾成堆,MT01,"
    folder = _copy_with(tmp_path, HEAD + row + "\n")
    with pytest.raises(InputErrors, match="MT01"):
        check_facts(SCHEME, read_facts(folder))
    folder = _copy_with(tmp_path, HEAD + row + "同一问题已由省台曝光并扣分\n")
    assert unit(run("2024-03", folder), "s1").parts["媒体曝光"] == 38


def test_no_order_in_the_month_is_full_marks(tmp_path: Path) -> None:
    """A street with cases but no 12345 order has nothing left undone: 60 (rates 100, no repeat); s3 has no
    answer sheet, so no 群众满意度 score: 0."""
    folder = _copy_with(tmp_path, HEAD)
    cases = (EXAMPLE / "cases.csv").read_text(encoding="utf-8").splitlines()
    kept = [line for line in cases if ",s3," not in line]
    kept.append("G2403-009,s3,event,道路不洁,2024-03-05,2024-03-05 09:00,2024-03-05 12:00,,2024-03-05 11:00,0,,,")
    (folder / "cases.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    assert unit(run("2024-03", folder), "s3").parts == {"12345热线办理": 60, "媒体曝光": 40, "群众满意度": 0}
