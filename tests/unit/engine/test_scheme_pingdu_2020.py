"""`pingdu-2020` on examples/pingdu-2020, every number worked out by hand below.

Scheme (its readings, the document stops after 二、考评内容): each month every content item of the unit's
group is scored 0–100; several scorers of one item are averaged; 综合考评 = the mean of the items scored that
month.  Four groups ranked separately (第一、二、四组: 17 items; 第三组: 11 items).  Year = mean of the evaluated
months.  A = 生活垃圾管理(含生活垃圾清、运、处、分类);
A' = 驻地生活垃圾管理(含生活垃圾清、运、处、分类) (第三组's wording).

2020-01
 第一组  p1 东阁街道办事处  A = mean(88, 92) = 90, 道路保洁 80                → mean(90, 80) = 85
         p2 李园街道办事处  A 86, 道路保洁 84                                  → 85
         p3 开发区管委      A 80, 道路保洁 76, 露天烧烤治理 90                 → 246 / 3 = 82
         Ranks: p1 1, p2 1 (equal totals share), p3 3.
 第二组  q1 市城乡建设局  建设工程管理 88, 夜间建筑施工噪声治理 82              → 85
         q2 综合执法局    市容秩序管理 90, 露天烧烤治理 86                      → 88      Ranks q2 1, q1 2.
 第三组  t1 白沙河街道办事处  镇容镇貌管理 80, A' 90                           → 85
         t2 南村镇人民政府    70, 80                                           → 75
         t3 蓼兰镇人民政府    83, 88, 交通秩序管理 80        → 251 / 3 = 83.666… → shown 83.67
         Ranks: t1 1, t3 2, t2 3.
 第四组  r1 供电公司    道路亮化 95, 公用设施管理 85                            → 90
         r2 市场监管局  市容秩序管理 78, 户外广告与牌匾标识管理 82              → 80      Ranks r1 1, r2 2.

2020-02
  p1 mean(92, 90) = 91, p2 mean(80, 82) = 81, p3 mean(84, 86) = 85     → p1 1, p3 2, p2 3
  q1 90, q2 mean(84, 82) = 83                                           → q1 1, q2 2
  t1 mean(88, 84) = 86, t2 mean(80, 82) = 81, t3 85                     → t1 1, t3 2, t2 3
  r1 90, r2 mean(84, 86) = 85                                           → r1 1, r2 2

2020 (mean of January and February, the only evaluated months):
  p1 (85 + 91) / 2 = 88   p3 (82 + 85) / 2 = 83.5   p2 (85 + 81) / 2 = 83   → p1 1, p3 2, p2 3
  q1 (85 + 90) / 2 = 87.5   q2 (88 + 83) / 2 = 85.5                          → q1 1, q2 2
  t1 (85 + 86) / 2 = 85.5   t3 (83.666… + 85) / 2 = 84.333… → 84.33   t2 (75 + 81) / 2 = 78
  r1 90   r2 (80 + 85) / 2 = 82.5

No bonus, rewards or flags: every unit has bonus 0, reward 0, flags [].
A 第三组 row naming 夜间建筑施工噪声治理 (one of the 17 items, not of the 11) is an input error: exit 2.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.cli import app
from kaoping.engine.evaluate import UnsupportedPeriod
from kaoping.engine.result import PeriodResult
from kaoping.scheme import builtin_names, load_scheme
from scheme_testing import ExampleRun, unit
from scheme_testing import rankings_by_group as ranking

EXAMPLE = EXAMPLES / "pingdu-2020"
SCHEME = load_scheme("pingdu-2020")
GROUPS = ["第一组", "第二组", "第三组", "第四组"]


run = ExampleRun(SCHEME, EXAMPLE)


@pytest.fixture(scope="module")
def january() -> PeriodResult:
    return run("2020-01")


def test_four_groups_with_17_and_11_items() -> None:
    assert "pingdu-2020" in builtin_names()
    assert [g.name for g in SCHEME.groups] == GROUPS
    assert [len(g.items) for g in SCHEME.groups] == [17, 17, 11, 17]
    third = SCHEME.groups[2].items
    assert "镇容镇貌管理" in third and "夜间建筑施工噪声治理" not in third
    assert SCHEME.notes


def test_items_averaged_scorers_averaged(january: PeriodResult) -> None:
    assert unit(january, "p1").parts == {"综合考评": 85}  # item A: mean of two scorers (88, 92)
    assert unit(january, "p3").total == 82  # three items: mean
    t3 = unit(january, "t3")
    assert t3.total == Decimal(251) / 3
    assert t3.shown_total == Decimal("83.67")


def test_january_ranks_per_group(january: PeriodResult) -> None:
    assert ranking(january) == {
        "第一组": [("p1", 1, Decimal("85.00")), ("p2", 1, Decimal("85.00")), ("p3", 3, Decimal("82.00"))],
        "第二组": [("q2", 1, Decimal("88.00")), ("q1", 2, Decimal("85.00"))],
        "第三组": [("t1", 1, Decimal("85.00")), ("t3", 2, Decimal("83.67")), ("t2", 3, Decimal("75.00"))],
        "第四组": [("r1", 1, Decimal("90.00")), ("r2", 2, Decimal("80.00"))],
    }
    assert all(u.bonus == 0 and u.reward == 0 and u.flags == [] for u in january.units())


def test_february_ranks_per_group() -> None:
    february = ranking(run("2020-02"))
    assert [(uid, rank) for uid, rank, _ in february["第一组"]] == [("p1", 1), ("p3", 2), ("p2", 3)]
    assert [(uid, total) for uid, _, total in february["第二组"]] == [
        ("q1", Decimal("90.00")),
        ("q2", Decimal("83.00")),
    ]
    assert [uid for uid, _, _ in february["第三组"]] == ["t1", "t3", "t2"]
    assert [total for _, _, total in february["第四组"]] == [Decimal("90.00"), Decimal("85.00")]


def test_year_is_the_mean_of_the_evaluated_months() -> None:
    year = run("2020")
    assert ranking(year) == {
        "第一组": [("p1", 1, Decimal("88.00")), ("p3", 2, Decimal("83.50")), ("p2", 3, Decimal("83.00"))],
        "第二组": [("q1", 1, Decimal("87.50")), ("q2", 2, Decimal("85.50"))],
        "第三组": [("t1", 1, Decimal("85.50")), ("t3", 2, Decimal("84.33")), ("t2", 3, Decimal("78.00"))],
        "第四组": [("r1", 1, Decimal("90.00")), ("r2", 2, Decimal("82.50"))],
    }
    assert all(u.reward == 0 and u.flags == [] for u in year.units())


def test_quarter_is_not_a_period_of_this_scheme() -> None:
    with pytest.raises(UnsupportedPeriod, match="季度"):
        run("2020-Q1")


def score(data: Path, period: str) -> tuple[int, str]:
    args = ["score", "--scheme", "pingdu-2020", "--data", str(data), "--period", period, "--format", "json"]
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


def test_cli_score_prints_the_pinned_json() -> None:
    code, out = score(EXAMPLE, "2020-01")
    assert code == 0, out
    doc = json.loads(out)
    assert doc["scheme"] == "pingdu-2020" and doc["period"] == "2020-01"
    assert [g["group"] for g in doc["groups"]] == GROUPS
    pinned = [
        [(u["rank"], u["unit_id"], u["total"], u["bonus"], u["reward"], u["flags"]) for u in g["ranking"]]
        for g in doc["groups"]
    ]
    assert pinned == [
        [(1, "p1", 85.0, 0.0, 0, []), (1, "p2", 85.0, 0.0, 0, []), (3, "p3", 82.0, 0.0, 0, [])],
        [(1, "q2", 88.0, 0.0, 0, []), (2, "q1", 85.0, 0.0, 0, [])],
        [(1, "t1", 85.0, 0.0, 0, []), (2, "t3", 83.67, 0.0, 0, []), (3, "t2", 75.0, 0.0, 0, [])],
        [(1, "r1", 90.0, 0.0, 0, []), (2, "r2", 80.0, 0.0, 0, [])],
    ]


def test_an_item_of_the_17_given_to_a_town_is_an_input_error(tmp_path: Path) -> None:
    data = tmp_path / "pingdu"
    shutil.copytree(EXAMPLE, data)
    with (data / "scores.csv").open("a", encoding="utf-8") as f:
        f.write("2020-01,t2,综合考评,夜间建筑施工噪声治理,90,市城管委办公室,\n")
    code, out = score(data, "2020-01")
    assert code == 2
    assert "scores.csv" in out and "夜间建筑施工噪声治理" in out
