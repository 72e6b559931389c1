"""Grades (等次) on the built-in appearance-management scheme, worked by hand from its example folder
(totals as in test_scheme_general_plans.py).  Bands (this scheme's reading of 考评结果好/差): 好 ≥ 90, 较好 ≥ 80,
一般 ≥ 60, 差 below 60; 差 → flag ``rectify`` (督促整改).

  2024-Q1  b2 92.50 好, b3 90.75 好, b1 90.00 好 (90 is in 好: the bound is inclusive)
  2024-Q2  b1 92.25 好, b2 91.45 好, b3 82.85 较好
  2024     b2 91.98 好, b1 91.13 好, b3 86.80 较好 (grades of the derived year's own shown totals)
  2024-Q2 with b3's 整体卫生情况 deductions raised to 100 (a 92-point deduction on 2024-06-25 beside 4 + 4):
           卫生 100 − 100 = 0 → total 0 + 18.25 + 17.5 + 19.5 = 55.25 → 差 → `supervision` (last) and `rectify`;
           b2 is still 91.45 好, b1 92.25 好.
  Same with a 89-point deduction instead: 卫生 100 − 97 = 3 → 0.9 + 55.25 = 56.15 → 差 as well; with 62 points:
           卫生 100 − 70 = 30 → 9 + 55.25 = 64.25 → 一般, no `rectify`.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.cli import app
from kaoping.engine.result import LineKind
from scheme_testing import score_example as run
from scheme_testing import unit

NAME = "appearance-management"


def grades(period: str, data: Path | None = None) -> dict[str, tuple[Decimal, str | None]]:
    result = run(NAME, period, data)
    return {u.unit_id: (u.shown_total, u.grade) for u in result.units()}


def with_deduction(tmp_path: Path, points: int) -> Path:
    data = tmp_path / "data"
    shutil.copytree(EXAMPLES / NAME, data)
    with (data / "deductions.csv").open("a", encoding="utf-8") as f:
        f.write(f"2024-06-25,b3,整体卫生情况,暴露垃圾,{points},市城管局考评组,大面积垃圾,创业路\n")
    return data


def test_quarters_and_year_are_graded_by_the_shown_total() -> None:
    d = Decimal
    assert grades("2024-Q1") == {"b2": (d("92.50"), "好"), "b3": (d("90.75"), "好"), "b1": (d("90.00"), "好")}
    assert grades("2024-Q2") == {"b1": (d("92.25"), "好"), "b2": (d("91.45"), "好"), "b3": (d("82.85"), "较好")}
    assert grades("2024") == {"b2": (d("91.98"), "好"), "b1": (d("91.13"), "好"), "b3": (d("86.80"), "较好")}


def test_grade_line_explains_the_band() -> None:
    b3 = unit(run(NAME, "2024-Q2"), "b3")
    line = next(ln for ln in b3.lines if ln.kind == LineKind.GRADE)
    assert line.part == "等次"
    assert line.text("zh") == "总分 82.85（80 分及以上）：等次为“较好”"
    assert line.rule == "82.85 ≥ 80: grade 较好"


def test_bottom_grade_is_flagged(tmp_path: Path) -> None:
    result = run(NAME, "2024-Q2", with_deduction(tmp_path, 92))
    b3 = unit(result, "b3")
    assert (b3.shown_total, b3.grade) == (Decimal("55.25"), "差")
    assert b3.flags == ["supervision", "rectify"]
    line = next(ln for ln in b3.lines if ln.kind == LineKind.GRADE)
    assert line.text("zh") == "总分 55.25（60 分以下）：等次为“差”"
    flag = next(ln for ln in b3.lines if ln.kind == LineKind.FLAG and ln.params["code"] == "rectify")
    assert flag.text("zh") == "督促整改: 等次为差"
    assert unit(result, "b2").flags == [] and unit(result, "b2").grade == "好"


def test_middle_grade_is_not_flagged(tmp_path: Path) -> None:
    assert grades("2024-Q2", with_deduction(tmp_path, 89))["b3"] == (Decimal("56.15"), "差")
    other = tmp_path / "other"
    other.mkdir()
    b3 = unit(run(NAME, "2024-Q2", with_deduction(other, 62)), "b3")
    assert (b3.shown_total, b3.grade, b3.flags) == (Decimal("64.25"), "一般", ["supervision"])


def test_json_adds_grade_and_keeps_the_pinned_fields() -> None:
    args = ["score", "--scheme", NAME, "--data", str(EXAMPLES / NAME), "--period", "2024-Q2"]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.stderr
    ranking = json.loads(out.stdout)["groups"][0]["ranking"]
    assert [(u["rank"], u["unit_id"], u["total"], u["flags"], u["grade"]) for u in ranking] == [
        (1, "b1", 92.25, ["commended"], "好"),
        (2, "b2", 91.45, [], "好"),
        (3, "b3", 82.85, ["supervision"], "较好"),
    ]


def test_an_ungraded_scheme_s_json_has_no_grade() -> None:
    args = ["score", "--scheme", "street-office", "--data", str(EXAMPLES / "street-office"), "--period", "2024"]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.stderr
    assert all("grade" not in u for g in json.loads(out.stdout)["groups"] for u in g["ranking"])
