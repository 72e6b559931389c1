"""`enforcement-100` on examples/enforcement-100 (year 2024), every number worked out by hand below.

Items and maxima: 队伍建设 15, 改革推进 15, 依法行政 20, 城市治理 20, 美丽提标 20, 综合工作 10 (= 100).
Each item = its maximum − the year's deductions for it, never below 0.
特色工作 bonus: 争先创优 ≤ 8 (same matter: highest only), 领导赋分 ≤ 2, bonus ≤ 10.

  e1 吴兴区分局  队伍建设 15 − (1.5 + 0.5) = 13; 依法行政 20 − 3 = 17; others full       base 95
                 争先创优: 全国文明城市复评 max(5, 3) = 5, 省级示范执法队 2 → 7; 领导赋分 1.5
                 bonus 8.5                                                                total 103.5
  e2 南浔区分局  城市治理 20 − (10 + 15) = −5 → floored at 0                               base 80
                 领导赋分 2                                                               total 82
  e3 德清县局    no deductions in 2024 (its 2023-12-20 row belongs to 2023)               base 100
                 争先创优 6 + 4 = 10 → capped 8; 领导赋分 1 + 1.5 = 2.5 → capped 2; bonus 10  total 110
  e4 长兴县局    综合工作 10 − 2 = 8                                                       base 98
                 争先创优 8; 领导赋分 2; bonus 10                                           total 108
Ranking: e3 1, e4 2, e1 3, e2 4; one group; no rewards; no flags.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from examples_testing import EXAMPLES
from kaoping.engine.result import PeriodResult
from kaoping.scheme import load_scheme
from scheme_testing import ExampleRun, unit

EXAMPLE = EXAMPLES / "enforcement-100"
SCHEME = load_scheme("enforcement-100")
run = ExampleRun(SCHEME, EXAMPLE)


@pytest.fixture(scope="module")
def year() -> PeriodResult:
    return run("2024")


def test_items_are_maximum_minus_deductions(year: PeriodResult) -> None:
    e1 = unit(year, "e1")
    assert e1.parts == {
        "队伍建设": Decimal(13),
        "改革推进": Decimal(15),
        "依法行政": Decimal(17),
        "城市治理": Decimal(20),
        "美丽提标": Decimal(20),
        "综合工作": Decimal(10),
    }


def test_deductions_floored_per_item(year: PeriodResult) -> None:
    e2 = unit(year, "e2")
    assert e2.parts["城市治理"] == 0  # 20 − 25 would be −5
    assert e2.total == 82  # the floor keeps the other items whole: 100 − 20 + 2


def test_deductions_of_another_year_do_not_count(year: PeriodResult) -> None:
    assert unit(year, "e3").parts["综合工作"] == 10


def test_same_matter_counts_highest_and_caps_8_plus_2(year: PeriodResult) -> None:
    e1, e3, e4 = unit(year, "e1"), unit(year, "e3"), unit(year, "e4")
    assert e1.bonus_detail == {"争先创优": Decimal(7), "领导赋分": Decimal("1.5")}
    assert e1.bonus == Decimal("8.5")
    assert e3.bonus_detail == {"争先创优": Decimal(8), "领导赋分": Decimal(2)}
    assert e3.bonus == 10
    assert e4.bonus == 10


def test_ranking_and_totals(year: PeriodResult) -> None:
    assert len(year.groups) == 1
    ranking = [(u.unit_id, u.rank, u.shown_total) for u in year.groups[0].ranking]
    assert ranking == [
        ("e3", 1, Decimal("110.00")),
        ("e4", 2, Decimal("108.00")),
        ("e1", 3, Decimal("103.50")),
        ("e2", 4, Decimal("82.00")),
    ]
    assert all(u.reward == 0 and u.flags == [] for u in year.units())


def test_explanation_of_a_floored_item(year: PeriodResult) -> None:
    lines = [ln for ln in unit(year, "e2").lines if ln.part == "城市治理"]
    cited = sorted(r for ln in lines for r in ln.rows)
    assert cited == [5, 6]  # the two deductions rows of e2 in deductions.csv
    assert any("floored" in ln.rule for ln in lines)
