"""`jinan-2022` on examples/jinan-2022, every number worked out by hand below.

Scheme: 1000 points = 部门考评 (0–500, the document's (一)市政府部门考评) + 社会评价 (0–200) + 第三方测评 (0–300)
(the last two are the scheme's reading: the document stops after (一)).  部门考评 and 社会评价: per quarter, by
content item, several scorers averaged, items summed, clamped to the part's range.  第三方测评: one score per
month, the quarter is the mean of its months that have a score.  One group, 区县 (15 units; five in the
example).  Year = the four quarters summed.  A = 生活垃圾分类, B = 道路保洁.

2022-Q1
  j1 历下区   部门考评 A = mean(240, 250) = 245, B 230 [alias 市政府部门考评]     → 475
              社会评价 A 95, B 90                                              → 185
              第三方测评 mean(280, 285, 290) = 285                              total 945
  j2 市中区   部门考评 260 + 250 = 510 → clamped to 500; 社会评价 90 + 95 = 185;
              第三方测评 mean(270, 275, 280) = 275                              total 960
  j3 章丘区   455 (230 + 225); 175 (85 + 90); 第三方测评 January 270, February 275 (item repeats the part:
              whole part), March none → mean of the two months = 272.5            total 902.5
  j5 起步区   455 (225 + 230); 175 (88 + 87); mean(270, 272, 275.5) = 272.5      total 902.5 (tie with j3)
  j4 市南部山区 440 (220 + 220); 社会评价 A 80, B = mean(80 [12345], 85 [舆情监督]) = 82.5 → 162.5;
              mean(260, 262, 262) = 261.333…                 total 863.833… → shown 863.83
  Ranks: j2 1, j1 2, j3 3, j5 3 (equal totals share), j4 5.

2022-Q2 (only April's 第三方测评 is in: 部门考评 and 社会评价 are not yet reported, so they count 0)
  j1 290, j2 280, j3 275, j5 270, j4 265 → ranks 1, 2, 3, 4, 5.

2022 (Q1 + Q2; Q3 and Q4 have no data and add 0):
  j2 960 + 280 = 1240   j1 945 + 290 = 1235   j3 902.5 + 275 = 1177.5   j5 902.5 + 270 = 1172.5
  j4 863.833… + 265 = 1128.833… → 1128.83.      Ranks j2 1, j1 2, j3 3, j5 4, j4 5.
  Year parts are sums too: j1 第三方测评 = 285 + 290 = 575.

No bonus, rewards or flags: every unit has bonus 0, reward 0, flags [].
河道水域管理 (an item of earlier Jinan plans, not among the 16 of 2022) is an input error: exit 2.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.cli import app
from kaoping.engine.evaluate import UnsupportedPeriod
from kaoping.engine.result import PeriodResult
from kaoping.scheme import builtin_names, load_scheme
from scheme_testing import ExampleRun, ranks_and_totals, unit

EXAMPLE = EXAMPLES / "jinan-2022"
SCHEME = load_scheme("jinan-2022")


run = ExampleRun(SCHEME, EXAMPLE)


@pytest.fixture(scope="module")
def q1() -> PeriodResult:
    return run("2022-Q1")


ranking = partial(ranks_and_totals, group="区县", only=True)


def test_thousand_points_with_500_from_departments() -> None:
    assert "jinan-2022" in builtin_names()
    assert [(p.name, p.max) for p in SCHEME.parts] == [("部门考评", 500), ("社会评价", 200), ("第三方测评", 300)]
    assert SCHEME.total_max == 1000
    assert len(SCHEME.groups[0].items) == 16 and SCHEME.groups[0].size == 15
    assert SCHEME.notes


def test_parts_scorers_alias_and_clamp(q1: PeriodResult) -> None:
    assert unit(q1, "j1").parts == {"部门考评": 475, "社会评价": 185, "第三方测评": 285}
    assert unit(q1, "j2").parts["部门考评"] == 500  # 510 clamped to the part's 500
    assert unit(q1, "j3").parts["第三方测评"] == Decimal("272.5")  # mean of the two months with a score
    j4 = unit(q1, "j4")
    assert j4.parts["社会评价"] == Decimal("162.5")
    assert j4.total == Decimal(440) + Decimal("162.5") + Decimal(784) / 3
    assert j4.shown_total == Decimal("863.83")


def test_quarter_ranks_with_shared_tie(q1: PeriodResult) -> None:
    assert ranking(q1) == [
        ("j2", 1, Decimal("960.00")),
        ("j1", 2, Decimal("945.00")),
        ("j3", 3, Decimal("902.50")),
        ("j5", 3, Decimal("902.50")),
        ("j4", 5, Decimal("863.83")),
    ]
    assert all(u.bonus == 0 and u.reward == 0 and u.flags == [] for u in q1.units())


def test_quarter_in_progress_has_only_the_third_party_month() -> None:
    q2 = run("2022-Q2")
    assert [(uid, total) for uid, _, total in ranking(q2)] == [
        ("j1", Decimal("290.00")),
        ("j2", Decimal("280.00")),
        ("j3", Decimal("275.00")),
        ("j5", Decimal("270.00")),
        ("j4", Decimal("265.00")),
    ]
    assert unit(q2, "j1").parts == {"部门考评": 0, "社会评价": 0, "第三方测评": 290}


def test_year_sums_the_quarters() -> None:
    year = run("2022")
    assert ranking(year) == [
        ("j2", 1, Decimal("1240.00")),
        ("j1", 2, Decimal("1235.00")),
        ("j3", 3, Decimal("1177.50")),
        ("j5", 4, Decimal("1172.50")),
        ("j4", 5, Decimal("1128.83")),
    ]
    assert unit(year, "j1").parts["第三方测评"] == 575
    assert all(u.reward == 0 and u.flags == [] for u in year.units())


def test_month_is_not_a_period_of_this_scheme() -> None:
    with pytest.raises(UnsupportedPeriod, match="月度"):
        run("2022-03")


def score(data: Path, period: str) -> tuple[int, str]:
    args = ["score", "--scheme", "jinan-2022", "--data", str(data), "--period", period, "--format", "json"]
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


def test_cli_score_prints_the_pinned_json() -> None:
    code, out = score(EXAMPLE, "2022-Q1")
    assert code == 0, out
    doc = json.loads(out)
    assert doc["scheme"] == "jinan-2022" and doc["period"] == "2022-Q1"
    assert [g["group"] for g in doc["groups"]] == ["区县"]
    pinned = [
        (u["rank"], u["unit_id"], u["total"], u["bonus"], u["reward"], u["flags"]) for u in doc["groups"][0]["ranking"]
    ]
    assert pinned == [
        (1, "j2", 960.0, 0.0, 0, []),
        (2, "j1", 945.0, 0.0, 0, []),
        (3, "j3", 902.5, 0.0, 0, []),
        (3, "j5", 902.5, 0.0, 0, []),
        (5, "j4", 863.83, 0.0, 0, []),
    ]
    assert doc["groups"][0]["ranking"][1]["parts"] == {"部门考评": 475.0, "社会评价": 185.0, "第三方测评": 285.0}


def test_an_item_not_among_the_16_is_an_input_error(tmp_path: Path) -> None:
    data = tmp_path / "jinan"
    shutil.copytree(EXAMPLE, data)
    with (data / "scores.csv").open("a", encoding="utf-8") as f:
        f.write("2022-Q1,j3,部门考评,河道水域管理,20,市水务局,\n")
    code, out = score(data, "2022-Q1")
    assert code == 2
    assert "scores.csv" in out and "河道水域管理" in out
