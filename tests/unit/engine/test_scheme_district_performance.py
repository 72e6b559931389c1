"""`district-performance` on examples/district-performance, every number worked out by hand below.

Weights (percent, each part 0–100): 日常检查 30, 定期暗查 5, 数字城管运行效果 15, 马路办公落实 10, 五长制推进落实 20,
曝光督办 10, 生活垃圾分类 10.  The six scored parts (scores.csv), in that order, are written 日 暗 马 五 曝 垃;
their share is S = 0.30·日 + 0.05·暗 + 0.10·马 + 0.20·五 + 0.10·曝 + 0.10·垃 (85 of the 100 points).
数字城管运行效果 C = 结案率×0.4 + 按期处置率×0.3 + 核查通过率×0.2 + (100 − 延期率)×0.1 over the unit's cases
dispatched in the month.  基本分 = S + 0.15·C.  Bonus (ranks.csv, task 市级单项任务): rank 1–3 +3, 4–6 +1, 7+ 0.

Cases (cases.csv; a case counts in the month it was dispatched, 结案 only if closed before that month ended;
核查不通过 = max(verify_failed, rework_count) per case; 核查通过率 = 结案 / (结案 + 核查不通过)):
  2024-04 s1  C2404-01 disposed 04-02 15:00 ≤ deadline 04-03 09:00, closed 04-02          on time
              C2404-02 disposed 04-10 09:00 > deadline 04-09 10:30, closed 04-10          late
              C2404-03 disposed 04-16 10:00 ≤ deadline 04-16 14:20, closed 04-17, rework 1  on time, 1 failure
              C2404-04 disposed 05-02 > deadline 04-30, closed 05-02 (in May)              late, not 结案 in April
              应结案 4, 结案 3, 按期处置 2, 延期 0, 核查不通过 1
              结案率 75, 按期处置率 50, 延期率 0, 核查通过率 3/(3+1) = 75
              C = 30 + 15 + 15 + 10 = 70
          s2  C2404-05 postponed (deadline in force 04-20 17:00), disposed 04-19, closed 04-20   on time, 延期
              C2404-06 disposed 04-11 ≤ deadline 04-12, closed 04-11                          on time
              结案率 100, 按期处置率 100, 延期率 1/2 = 50, 核查通过率 100
              C = 40 + 30 + 20 + 5 = 95
          s3  C2404-07 on time, closed 04-07, verify_failed 1 (one failed verification, no rework)
              C2404-08 on time, closed 04-21
              结案率 100, 按期处置率 100, 延期率 0, 核查通过率 2/(2+1) = 66.66…
              C = 40 + 30 + 13.33… + 10 = 93.33… = 280/3   (0.15·C = 14 exactly)
          s4  no case dispatched: nothing left undone, all rates perfect, C = 100
          s5  C2404-09 on time, closed → C = 100
  2024-05 s1  C2405-01, C2405-02 on time, closed → 100       s2  C2405-03 → 100       s3, s5 no case → 100
          s4  C2405-04 on time, closed; C2405-05 disposed 05-20 > deadline 05-18, closed 05-21
              结案率 100, 按期处置率 50, 延期率 0, 核查通过率 100 → C = 40 + 15 + 20 + 10 = 85
  2024-06 s2  C2406-01 disposed 06-05 > deadline 06-04, rework 2, closed 06-10
              结案率 100, 按期处置率 0, 延期率 0, 核查通过率 1/(1+2) = 33.33…
              C = 40 + 0 + 6.66… + 10 = 56.66… = 170/3   (0.15·C = 8.5 exactly)
          s4  C2406-02 → 100       s5  C2406-03 → 100       s1, s3 no case → 100

Months (日 暗 马 五 曝 垃 → S; + 0.15·C → 基本分; + bonus → total):
2024-04
  s1 甲街道  90 100 80 85 90 80 → 27 + 5 + 8 + 17 + 9 + 8 = 74;        + 10.5 → 84.5;  rank 2 → +3    87.5
  s2 乙街道  85 100 90 80 80 90 → 25.5 + 5 + 9 + 16 + 8 + 9 = 72.5;    + 14.25 → 86.75; rank 6 → +1  87.75
  s3 丙镇    80 90 85 90 85 85 → 24 + 4.5 + 8.5 + 18 + 8.5 + 8.5 = 72; + 14 → 86;     rank 7 → +0     86
  s4 丁镇    95 100 90 90 90 90 → 28.5 + 5 + 9 + 18 + 9 + 9 = 78.5;    + 15 → 93.5                      93.5
  s5 戊街道  70 80 70 75 70 70 → 21 + 4 + 7 + 15 + 7 + 7 = 61;         + 15 → 76                        76
  Ranks: s4 1, s2 2, s1 3, s3 4, s5 5.
2024-05
  s1  92 100 85 85 90 80, 马 = mean of items 市级马路办公 80 and 区级马路办公 90 = 85
      → 27.6 + 5 + 8.5 + 17 + 9 + 8 = 75.1;  + 15 → 90.1;  rank 4 → +1                                 91.1
  s2  as in April: 72.5 + 15                                                                           87.5
  s3  80 100 85 90 85 85 (暗查 now 100) → 24 + 5 + 8.5 + 18 + 8.5 + 8.5 = 72.5;  + 15                    87.5
  s4  78.5 + 0.15·85 = 12.75 → 91.25;  rank 1 → +3                                                      94.25
  s5  61 + 15                                                                                          76
  Ranks: s4 1, s1 2, s2 3, s3 3 (equal totals share the rank), s5 5.
2024-06
  s1  88 95 80 85 90 80 → 26.4 + 4.75 + 8 + 17 + 9 + 8 = 73.15;  + 15 → 88.15                          88.15
  s2  72.5 + 8.5 → 81;  rank 3 → +3                                                                     84
  s3  72 + 15 → 87;  rank 5 → +1                                                                        88
  s4  日 = mean of two inspectors (94, 96) = 95 → 78.5;  + 15                                            93.5
  s5  no scores at all: every scored part 0 (未评分不得分); C = 100 (its one case) → 15;  rank 7 → +0      15
  Ranks: s4 1, s1 2, s3 3, s2 4, s5 5.

2024-Q2 = mean of its three months (all evaluated); totals, parts and bonus each averaged:
  s1  (87.5 + 91.1 + 88.15)/3 = 266.75/3 = 88.9166… → 88.92   bonus (3 + 1 + 0)/3 = 4/3   C (70 + 100 + 100)/3 = 90
  s2  (87.75 + 87.5 + 84)/3 = 259.25/3 = 86.4166… → 86.42     bonus (1 + 0 + 3)/3 = 4/3   C (95 + 100 + 170/3)/3
  s3  (86 + 87.5 + 88)/3 = 261.5/3 = 87.1666… → 87.17         bonus (0 + 0 + 1)/3 = 1/3   C (280/3 + 100 + 100)/3
  s4  (93.5 + 94.25 + 93.5)/3 = 93.75                          bonus (0 + 3 + 0)/3 = 1     C (100 + 85 + 100)/3 = 95
  s5  (76 + 76 + 15)/3 = 167/3 = 55.666… → 55.67              bonus 0;  日常检查 (70 + 70 + 0)/3 = 46.66…
  Ranks: s4 1, s1 2, s3 3, s2 4, s5 5.

Q2 without June (June's scores and cases removed, its ranks.csv rows kept): a rank row alone does not make a
month evaluated, so the quarter is the mean of April and May only and June's rank bonus does not count:
  s1 (87.5 + 91.1)/2 = 89.3;  s2 (87.75 + 87.5)/2 = 87.625 → 87.63 (half-up);  s3 (86 + 87.5)/2 = 86.75;
  s4 (93.5 + 94.25)/2 = 93.875 → 93.88;  s5 (76 + 76)/2 = 76.   Bonus s1 (3 + 1)/2 = 2, s2 (1 + 0)/2 = 0.5,
  s3 (0 + 0)/2 = 0, s4 (0 + 3)/2 = 1.5.
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
from kaoping.scheme import load_scheme
from scheme_testing import ExampleRun, ranks, unit

EXAMPLE = EXAMPLES / "district-performance"
SCHEME = load_scheme("district-performance")
C = "数字城管运行效果"
SCORED = ["日常检查", "定期暗查", "马路办公落实", "五长制推进落实", "曝光督办", "生活垃圾分类"]


run = ExampleRun(SCHEME, EXAMPLE)


@pytest.fixture(scope="module")
def months() -> dict[str, PeriodResult]:
    return {m: run(m) for m in ("2024-04", "2024-05", "2024-06")}


@pytest.fixture(scope="module")
def q2() -> PeriodResult:
    return run("2024-Q2")


ranking = partial(ranks, group="街镇", only=True)


def test_scheme_shape() -> None:
    assert {p.name: p.weight for p in SCHEME.parts} == {
        "日常检查": 30,
        "定期暗查": 5,
        "数字城管运行效果": 15,
        "马路办公落实": 10,
        "五长制推进落实": 20,
        "曝光督办": 10,
        "生活垃圾分类": 10,
    }
    assert [p.name for p in SCHEME.parts] == ["日常检查", "定期暗查", C, *SCORED[2:]]
    assert SCHEME.combine == "weighted"
    assert list(SCHEME.periods) == ["month", "quarter"]


def test_case_part_april(months: dict[str, PeriodResult]) -> None:
    april = months["2024-04"]
    assert {uid: unit(april, uid).parts[C] for uid in ("s1", "s2", "s3", "s4", "s5")} == {
        "s1": Decimal(70),  # 结案率 75, 按期处置率 50, 核查通过率 75
        "s2": Decimal(95),  # one postponed case: 延期率 50
        "s3": Decimal(280) / 3,  # one failed verification: 核查通过率 2/3
        "s4": Decimal(100),  # no case dispatched
        "s5": Decimal(100),
    }
    # the case closed in May (C2404-04) is counted in April, the month it was dispatched
    counted = next(ln for ln in unit(april, "s1").lines if ln.part == C and ln.rows)
    assert counted.file.endswith("cases.csv")
    assert list(counted.rows) == [2, 3, 4, 5]
    assert counted.points == 4


def test_case_part_may_and_june(months: dict[str, PeriodResult]) -> None:
    assert unit(months["2024-05"], "s4").parts[C] == 85  # one of two cases disposed late
    assert unit(months["2024-05"], "s3").parts[C] == 100  # no case
    assert unit(months["2024-06"], "s2").parts[C] == Decimal(170) / 3  # late, reworked twice


def test_april_totals_bonus_and_ranks(months: dict[str, PeriodResult]) -> None:
    april = months["2024-04"]
    assert {u.unit_id: u.total for u in april.units()} == {
        "s1": Decimal("87.5"),
        "s2": Decimal("87.75"),
        "s3": Decimal(86),
        "s4": Decimal("93.5"),
        "s5": Decimal(76),
    }
    assert {u.unit_id: u.bonus for u in april.units()} == {"s1": 3, "s2": 1, "s3": 0, "s4": 0, "s5": 0}  # s3: rank 7
    assert ranking(april) == [("s4", 1), ("s2", 2), ("s1", 3), ("s3", 4), ("s5", 5)]
    s1 = unit(april, "s1")
    assert s1.parts == {
        "日常检查": 90,
        "定期暗查": 100,
        C: 70,
        "马路办公落实": 80,
        "五长制推进落实": 85,
        "曝光督办": 90,
        "生活垃圾分类": 80,
    }


def test_may_items_averaged_and_tie_shares_rank(months: dict[str, PeriodResult]) -> None:
    may = months["2024-05"]
    assert unit(may, "s1").parts["马路办公落实"] == 85  # mean of 市级 80 and 区级 90
    assert {u.unit_id: u.total for u in may.units()} == {
        "s1": Decimal("91.1"),
        "s2": Decimal("87.5"),
        "s3": Decimal("87.5"),
        "s4": Decimal("94.25"),
        "s5": Decimal(76),
    }
    assert ranking(may) == [("s4", 1), ("s1", 2), ("s2", 3), ("s3", 3), ("s5", 5)]


def test_june_unit_without_scores_and_scorers_averaged(months: dict[str, PeriodResult]) -> None:
    june = months["2024-06"]
    s5 = unit(june, "s5")
    assert all(s5.parts[p] == 0 for p in SCORED)
    assert s5.parts[C] == 100
    assert s5.total == 15
    assert unit(june, "s4").parts["日常检查"] == 95  # two inspectors, 94 and 96
    assert unit(june, "s2").total == 84  # 72.5 + 0.15 × 170/3 = 81, rank 3 → +3
    assert {u.unit_id: u.total for u in june.units()} == {
        "s1": Decimal("88.15"),
        "s2": Decimal(84),
        "s3": Decimal(88),
        "s4": Decimal("93.5"),
        "s5": Decimal(15),
    }
    assert ranking(june) == [("s4", 1), ("s1", 2), ("s3", 3), ("s2", 4), ("s5", 5)]


def test_rank_bonus_tiers(months: dict[str, PeriodResult]) -> None:
    # (month, unit) → bonus for the city's rank: 1, 2, 3 → 3; 4, 5, 6 → 1; 7 → 0; no rank row → 0
    got = {(m, u.unit_id): u.bonus for m, r in months.items() for u in r.units()}
    assert got[("2024-05", "s4")] == 3  # rank 1
    assert got[("2024-04", "s1")] == 3  # rank 2
    assert got[("2024-06", "s2")] == 3  # rank 3
    assert got[("2024-05", "s1")] == 1  # rank 4
    assert got[("2024-06", "s3")] == 1  # rank 5
    assert got[("2024-04", "s2")] == 1  # rank 6
    assert got[("2024-04", "s3")] == 0  # rank 7
    assert got[("2024-06", "s5")] == 0  # rank 7
    assert got[("2024-04", "s4")] == 0  # no rank row
    assert unit(months["2024-04"], "s1").bonus_detail == {"单项任务加分": 3}


def test_quarter_is_the_mean_of_its_months(q2: PeriodResult) -> None:
    assert q2.evaluated
    assert {u.unit_id: u.total for u in q2.units()} == {
        "s1": Decimal("266.75") / 3,
        "s2": Decimal("259.25") / 3,
        "s3": Decimal("261.5") / 3,
        "s4": Decimal("93.75"),
        "s5": Decimal(167) / 3,
    }
    assert {u.unit_id: u.shown_total for u in q2.units()} == {
        "s1": Decimal("88.92"),
        "s2": Decimal("86.42"),
        "s3": Decimal("87.17"),
        "s4": Decimal("93.75"),
        "s5": Decimal("55.67"),
    }
    assert ranking(q2) == [("s4", 1), ("s1", 2), ("s3", 3), ("s2", 4), ("s5", 5)]
    assert unit(q2, "s1").bonus == Decimal(4) / 3
    assert unit(q2, "s3").bonus == Decimal(1) / 3
    assert unit(q2, "s4").bonus == 1
    assert unit(q2, "s1").parts[C] == 90
    assert unit(q2, "s2").parts[C] == (95 + 100 + Decimal(170) / 3) / 3
    assert unit(q2, "s3").parts[C] == (Decimal(280) / 3 + 100 + 100) / 3
    assert unit(q2, "s4").parts[C] == 95
    assert unit(q2, "s5").parts["日常检查"] == Decimal(140) / 3  # June without scores counts 0


def test_quarter_counts_only_evaluated_months(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(EXAMPLE, data)
    for name in ("scores.csv", "cases.csv"):  # drop June's scores and cases; keep June's rank rows
        lines = (data / name).read_text(encoding="utf-8").splitlines()
        kept = [ln for ln in lines if not ln.startswith("2024-06") and not ln.startswith("C2406")]
        (data / name).write_text("\n".join(kept) + "\n", encoding="utf-8")
    assert not run("2024-06", data).evaluated
    q = run("2024-Q2", data)
    assert {u.unit_id: (u.total, u.shown_total) for u in q.units()} == {
        "s1": (Decimal("89.3"), Decimal("89.30")),
        "s2": (Decimal("87.625"), Decimal("87.63")),
        "s3": (Decimal("86.75"), Decimal("86.75")),
        "s4": (Decimal("93.875"), Decimal("93.88")),
        "s5": (Decimal(76), Decimal("76.00")),
    }
    assert {u.unit_id: u.bonus for u in q.units()} == {
        "s1": 2,
        "s2": Decimal("0.5"),
        "s3": 0,
        "s4": Decimal("1.5"),
        "s5": 0,
    }


def test_no_rewards_or_flags(q2: PeriodResult, months: dict[str, PeriodResult]) -> None:
    for result in (q2, *months.values()):
        assert all(u.reward == 0 and u.flags == [] for u in result.units())


def test_year_is_not_a_period_of_this_scheme() -> None:
    with pytest.raises(UnsupportedPeriod, match="年度"):
        run("2024")


def cli_json(period: str) -> dict[str, object]:
    result = CliRunner().invoke(
        app, ["score", "--scheme", "district-performance", "--data", str(EXAMPLE), "--period", period]
    )
    assert result.exit_code == 0, result.stderr
    doc: dict[str, object] = json.loads(result.stdout)
    return doc


def test_cli_json_month_with_tie() -> None:
    doc = cli_json("2024-05")
    assert doc["scheme"] == "district-performance" and doc["period"] == "2024-05"
    groups = doc["groups"]
    assert isinstance(groups, list) and [g["group"] for g in groups] == ["街镇"]
    rows = groups[0]["ranking"]
    assert [(r["rank"], r["unit_id"], r["total"], r["bonus"]) for r in rows] == [
        (1, "s4", 94.25, 3.0),
        (2, "s1", 91.1, 1.0),
        (3, "s2", 87.5, 0.0),
        (3, "s3", 87.5, 0.0),
        (5, "s5", 76.0, 0.0),
    ]
    assert rows[0]["parts"] == {
        "日常检查": 95.0,
        "定期暗查": 100.0,
        "数字城管运行效果": 85.0,
        "马路办公落实": 90.0,
        "五长制推进落实": 90.0,
        "曝光督办": 90.0,
        "生活垃圾分类": 90.0,
    }
    assert all(r["reward"] == 0 and r["flags"] == [] for r in rows)


def test_cli_json_quarter() -> None:
    doc = cli_json("2024-Q2")
    groups = doc["groups"]
    assert isinstance(groups, list)
    rows = groups[0]["ranking"]
    assert [(r["rank"], r["unit_id"], r["total"], r["bonus"]) for r in rows] == [
        (1, "s4", 93.75, 1.0),
        (2, "s1", 88.92, 1.33),
        (3, "s3", 87.17, 0.33),
        (4, "s2", 86.42, 1.33),
        (5, "s5", 55.67, 0.0),
    ]
    assert rows[2]["parts"]["数字城管运行效果"] == 97.78  # (280/3 + 100 + 100)/3
    assert rows[3]["parts"]["数字城管运行效果"] == 83.89  # (95 + 100 + 170/3)/3
