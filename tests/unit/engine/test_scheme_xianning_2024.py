"""`xianning-2024` on examples/xianning-2024, every number worked out by hand below.

Scheme (its readings, the document stops at 二、评价内容(一)环境卫生): each month 实地评价 = 100 − the month's
deductions (deductions.csv, free-text items), never below 0; no problem found → 100.  Two groups: the six
县(市、区) ranked against each other, and 市中心城区 on its own.  Month only.

2024-03
 县(市、区)
  x1 咸安区  环境卫生 2 + 1.5, 市容秩序 2                 → 100 − 5.5 = 94.5
  x2 嘉鱼县  环境卫生 3                                   → 97
  x3 赤壁市  环境卫生 1, 市容秩序 2                       → 97
  x4 通城县  环境卫生 2 + 2, 园林绿化 1.25                → 94.75
  x5 崇阳县  no deduction in March (its 5 is in February) → 100
  x6 通山县  环境卫生 4 (九宫山核心景区), 市容秩序 2.5     → 93.5
  Ranks: x5 1, x2 2, x3 2 (equal totals share), x4 4, x1 5, x6 6.
 市中心城区
  c1 市中心城区  环境卫生 2, 市容秩序 1                    → 97, rank 1 (its own group)

2024-02
  x1 市容秩序 3 → 97;  x5 环境卫生 5 → 95;  everyone else no deduction → 100.
  Ranks: x2, x3, x4, x6 all 1; x1 5; x5 6.  c1 100, rank 1.

No bonus, rewards or flags: every unit has bonus 0, reward 0, flags [].
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.cli import app
from kaoping.engine.evaluate import UnsupportedPeriod
from kaoping.engine.result import PeriodResult
from kaoping.periods import parse_period
from kaoping.scheme import builtin_names, load_scheme
from scheme_testing import ExampleRun, unit
from scheme_testing import rankings_by_group as ranking

EXAMPLE = EXAMPLES / "xianning-2024"
SCHEME = load_scheme("xianning-2024")
GROUPS = ["县(市、区)", "市中心城区"]


run = ExampleRun(SCHEME, EXAMPLE)


@pytest.fixture(scope="module")
def march() -> PeriodResult:
    return run("2024-03")


def test_monthly_scheme_with_counties_and_the_central_district() -> None:
    assert "xianning-2024" in builtin_names()
    assert [g.name for g in SCHEME.groups] == GROUPS
    assert list(SCHEME.periods) == [parse_period("2024-03").kind]
    assert SCHEME.notes


def test_deductions_from_100(march: PeriodResult) -> None:
    assert unit(march, "x1").parts == {"实地评价": Decimal("94.5")}
    assert unit(march, "x4").total == Decimal("94.75")
    assert unit(march, "x5").total == 100  # its February deduction does not count in March
    assert unit(march, "c1").total == 97


def test_march_ranks(march: PeriodResult) -> None:
    assert ranking(march) == {
        "县(市、区)": [
            ("x5", 1, Decimal("100.00")),
            ("x2", 2, Decimal("97.00")),
            ("x3", 2, Decimal("97.00")),
            ("x4", 4, Decimal("94.75")),
            ("x1", 5, Decimal("94.50")),
            ("x6", 6, Decimal("93.50")),
        ],
        "市中心城区": [("c1", 1, Decimal("97.00"))],
    }
    assert all(u.bonus == 0 and u.reward == 0 and u.flags == [] for u in march.units())


def test_february_ranks() -> None:
    february = ranking(run("2024-02"))
    assert february["县(市、区)"] == [
        ("x2", 1, Decimal("100.00")),
        ("x3", 1, Decimal("100.00")),
        ("x4", 1, Decimal("100.00")),
        ("x6", 1, Decimal("100.00")),
        ("x1", 5, Decimal("97.00")),
        ("x5", 6, Decimal("95.00")),
    ]
    assert february["市中心城区"] == [("c1", 1, Decimal("100.00"))]


@pytest.mark.parametrize("period", ["2024-Q1", "2024"])
def test_only_months_are_evaluated(period: str) -> None:
    with pytest.raises(UnsupportedPeriod, match="月度"):
        run(period)


def test_cli_score_prints_the_pinned_json() -> None:
    args = ["score", "--scheme", "xianning-2024", "--data", str(EXAMPLE), "--period", "2024-03", "--format", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["scheme"] == "xianning-2024" and doc["period"] == "2024-03"
    assert [g["group"] for g in doc["groups"]] == GROUPS
    pinned = [
        [(u["rank"], u["unit_id"], u["total"], u["bonus"], u["reward"], u["flags"]) for u in g["ranking"]]
        for g in doc["groups"]
    ]
    assert pinned == [
        [
            (1, "x5", 100.0, 0.0, 0, []),
            (2, "x2", 97.0, 0.0, 0, []),
            (2, "x3", 97.0, 0.0, 0, []),
            (4, "x4", 94.75, 0.0, 0, []),
            (5, "x1", 94.5, 0.0, 0, []),
            (6, "x6", 93.5, 0.0, 0, []),
        ],
        [(1, "c1", 97.0, 0.0, 0, [])],
    ]
    assert doc["groups"][0]["ranking"][4]["parts"] == {"实地评价": 94.5}
