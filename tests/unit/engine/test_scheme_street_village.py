"""`street-village` on examples/street-village (2020-Q1), every number worked out by hand below.

Units: 村居 v1 苏家, v2 刘家, v3 姚王, v4 葛家, v5 田王, v6 窦家; 保洁公司 c1 山东明超保洁公司.
村居 are scored by 第三方测评 only (0–100; a month = the mean of its evaluations, a quarter = one mean over
all the quarter's evaluations); 保洁公司 by 环卫一体化 only (the district's quarterly score, 0–100).
Flags in months only: the last two 村居 → `reminder`; `reminder` in this and the previous month →
`supervision`; c1's 环卫一体化 rank (ranks.csv) worse than 3 → `warning`.  No bonus, no rewards.

2020-01 (2019-12 has no 第三方测评 row: villages 未考评, so nobody's run of reminders starts before January):
  v1 mean(90 [第一轮], 80 [第二轮]) = 85   v2 92   v3 85   v4 74   v5 70   v6 80
  Ranks: v2 1; v1 and v3 2 (85.00 shared, listed by unit_id); v6 4; v4 5; v5 6.
  reminder: v5 (last), v4 (second-last).  supervision: none (December was not evaluated).
  c1: the 2020-Q1 score 86.5 (not 2019-Q4's 84); rank in January 3 → not worse than 3 → no warning.

2020-02 (v6 has no evaluation in February):
  v1 80   v2 90   v3 84   v4 82   v5 72   v6 no rows → 未考评: listed apart, not ranked, not flagged
  Ranks: v2 1, v3 2, v4 3, v1 4, v5 5.
  reminder: v5 (last), v1 (second-last) — not being sampled is not the worst result.
  supervision: v5 (reminded in January too).  v1 was not reminded in January → none.
  v4 was reminded in January but not in February: that reminder does not repeat.
  c1: 86.5 (2020-Q1); rank 4 → `warning`.

2020-03:
  v1 mean(88 [生活垃圾管理], 92 [道路保洁管理], 84 [item = the part's name]) = 264/3 = 88
  v2 91   v3 mean(80, 80, 80.01) = 240.01/3 = 80.00333… → shown 80.00   v4 80   v5 75   v6 86
  Ranks (on the shown total): v2 1, v1 2, v6 3, v3 and v4 4 (80.00 shared; exact totals differ), v5 6.
  Counted from the bottom: v5 is last, v3 and v4 share second-last → all three get `reminder`.
  supervision: v5 (February too).  v3 and v4 were not reminded in February; v4's January reminder is
  two months back → none.  v1, reminded in February, is not reminded in March → none.
  c1: 86.5; rank 2 → no warning.

2020-Q1 (flags: false — the quarter is a score for the bulletin, no flags):
  v1 pooled: (90 + 80 + 80 + 88 + 92 + 84) / 6 = 514/6 = 85.666… → 85.67
     (a mean of monthly means would be (85 + 80 + 88)/3 = 84.33: not what the plan says)
  v2 (92 + 90 + 91)/3 = 91
  v3 (85 + 84 + 80 + 80 + 80.01)/5 = 409.01/5 = 81.802 → 81.80   (mean of monthly means: 83.00)
  v4 (74 + 82 + 80)/3 = 236/3 = 78.666… → 78.67
  v5 (70 + 72 + 75)/3 = 217/3 = 72.333… → 72.33
  v6 (80 + 86)/2 = 83 — February, without an evaluation, is not counted here (it was 0 in February's ranking)
  Ranks: v2 1, v1 2, v6 3, v3 4, v4 5, v5 6.
  c1: 86.5 (the 2020-Q1 row), rank 1 of its one-unit group.

2019-12 (no 第三方测评 row): c1 shows 2019-Q4's 84 (and is ranked); villages 未考评, so no reminders.
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
from kaoping.engine.result import PeriodResult
from kaoping.scheme import load_scheme
from scheme_testing import ExampleRun, unit
from scheme_testing import ranks as ranking

EXAMPLE = EXAMPLES / "street-village"
SCHEME = load_scheme("street-village")
VILLAGES = ["v1", "v2", "v3", "v4", "v5", "v6"]


run = ExampleRun(SCHEME, EXAMPLE)


@pytest.fixture(scope="module")
def jan() -> PeriodResult:
    return run("2020-01")


@pytest.fixture(scope="module")
def feb() -> PeriodResult:
    return run("2020-02")


@pytest.fixture(scope="module")
def mar() -> PeriodResult:
    return run("2020-03")


@pytest.fixture(scope="module")
def q1() -> PeriodResult:
    return run("2020-Q1")


def flags(result: PeriodResult) -> dict[str, list[str]]:
    return {u.unit_id: u.flags for u in result.units()}


def test_each_group_has_only_its_part(q1: PeriodResult) -> None:
    assert [g.group for g in q1.groups] == ["村居", "保洁公司"]
    assert unit(q1, "v1").parts == {"第三方测评": Decimal(514) / 6}
    assert unit(q1, "c1").parts == {"环卫一体化": Decimal("86.5")}
    assert all(u.bonus == 0 and u.reward == 0 for u in q1.units())


def test_month_score_is_the_mean_of_the_months_evaluations(jan: PeriodResult, mar: PeriodResult) -> None:
    assert unit(jan, "v1").total == 85
    assert unit(mar, "v1").total == 88  # three rows, items are free text and do not split the score
    v3 = unit(mar, "v3")
    assert v3.total == Decimal("240.01") / 3
    assert v3.shown_total == Decimal("80.00")


def test_quarter_is_one_pooled_mean_not_a_mean_of_monthly_means(q1: PeriodResult) -> None:
    v1 = unit(q1, "v1")
    assert v1.total == Decimal(514) / 6
    assert v1.total != (Decimal(85) + Decimal(80) + Decimal(88)) / 3
    assert v1.shown_total == Decimal("85.67")
    shown = {u.unit_id: u.shown_total for u in q1.groups[0].ranking}
    assert shown == {
        "v1": Decimal("85.67"),
        "v2": Decimal("91.00"),
        "v3": Decimal("81.80"),
        "v4": Decimal("78.67"),
        "v5": Decimal("72.33"),
        "v6": Decimal("83.00"),
    }
    assert ranking(q1, "村居") == [("v2", 1), ("v1", 2), ("v6", 3), ("v3", 4), ("v4", 5), ("v5", 6)]


def test_quarter_has_no_flags(q1: PeriodResult) -> None:
    assert all(u.flags == [] for u in q1.units())


def test_month_ranks_share_ties(jan: PeriodResult, mar: PeriodResult) -> None:
    assert ranking(jan, "村居") == [("v2", 1), ("v1", 2), ("v3", 2), ("v6", 4), ("v4", 5), ("v5", 6)]
    # v3 80.00333… and v4 80 share rank 4: ranks are taken on the shown total
    assert ranking(mar, "村居") == [("v2", 1), ("v1", 2), ("v6", 3), ("v3", 4), ("v4", 4), ("v5", 6)]


def test_village_without_evaluation_in_a_month(feb: PeriodResult, q1: PeriodResult) -> None:
    v6 = unit(feb, "v6")
    assert not v6.rated and v6.rank == 0 and v6.flags == []  # 未考评: not ranked, not reminded
    assert [u.unit_id for u in feb.groups[0].unrated] == ["v6"]
    assert any("未考评" in ln.rule for ln in v6.lines)
    assert unit(q1, "v6").total == 83  # the quarter counts only the evaluations there are
    assert ranking(feb, "村居") == [("v2", 1), ("v3", 2), ("v4", 3), ("v1", 4), ("v5", 5)]


def test_reminders_and_supervision(jan: PeriodResult, feb: PeriodResult, mar: PeriodResult) -> None:
    none: list[str] = []
    reminder, both = ["reminder"], ["reminder", "supervision"]
    assert flags(jan) == {"v1": none, "v2": none, "v3": none, "v4": reminder, "v5": reminder, "v6": none, "c1": none}
    # v5 reminded twice in a row → supervision; v4's January reminder does not repeat
    assert flags(feb) == {"v1": reminder, "v2": none, "v3": none, "v4": none, "v5": both, "c1": ["warning"]}
    # a tie for second-last: v3 and v4 are both reminded; neither was reminded in February
    assert flags(mar) == {"v1": none, "v2": none, "v3": reminder, "v4": reminder, "v5": both, "v6": none, "c1": none}


def test_no_supervision_after_a_month_without_evaluations(jan: PeriodResult) -> None:
    dec = run("2019-12")
    assert dec.groups[0].ranking == [] and len(dec.groups[0].unrated) == 6  # no village evaluated in December
    assert "supervision" not in unit(jan, "v5").flags


def test_company_month_score_is_its_quarter_score(
    jan: PeriodResult, feb: PeriodResult, mar: PeriodResult, q1: PeriodResult
) -> None:
    for result in (jan, feb, mar, q1):
        c1 = unit(result, "c1")
        assert c1.total == Decimal("86.5"), result.period
        assert c1.rank == 1
    assert unit(run("2019-12"), "c1").total == 84  # December takes 2019-Q4's score
    cited = [ln for ln in unit(feb, "c1").lines if ln.rows]
    assert cited and cited[0].rows == (25,) and cited[0].rule.startswith("2020-Q1")


def test_company_warning_when_rank_worse_than_three(jan: PeriodResult, feb: PeriodResult, mar: PeriodResult) -> None:
    assert unit(jan, "c1").flags == []  # rank 3
    assert unit(feb, "c1").flags == ["warning"]  # rank 4
    assert unit(mar, "c1").flags == []  # rank 2
    assert all("warning" not in unit(feb, v).flags for v in VILLAGES)


def test_cli_json_for_february() -> None:
    result = CliRunner().invoke(
        app, ["score", "--scheme", "street-village", "--data", str(EXAMPLE), "--period", "2020-02"]
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["scheme"] == "street-village" and doc["period"] == "2020-02"
    assert [g["group"] for g in doc["groups"]] == ["村居", "保洁公司"]
    pinned = ("rank", "unit_id", "total", "bonus", "reward", "flags")
    rows = [[tuple(u[k] for k in pinned) for u in g["ranking"]] for g in doc["groups"]]
    assert rows == [
        [
            (1, "v2", 90.0, 0.0, 0, []),
            (2, "v3", 84.0, 0.0, 0, []),
            (3, "v4", 82.0, 0.0, 0, []),
            (4, "v1", 80.0, 0.0, 0, ["reminder"]),
            (5, "v5", 72.0, 0.0, 0, ["reminder", "supervision"]),
        ],
        [(1, "c1", 86.5, 0.0, 0, ["warning"])],
    ]
    assert doc["groups"][1]["ranking"][0]["parts"] == {"环卫一体化": 86.5}
    assert [u["unit_id"] for u in doc["groups"][0]["unrated"]] == ["v6"]


BAD_ROWS = [
    ("2020-Q1,v1,第三方测评,,85,区第三方,", "period"),  # evaluations are dated by month
    ("2020-01,c1,环卫一体化,,86,区环卫一体化考评,", "period"),  # the district's score is quarterly
    ("2020-Q1,v1,环卫一体化,,86,区环卫一体化考评,", "part"),  # a 保洁公司 part for a village
    ("2020-01,v1,第三方测评,,100.5,区第三方,", "score"),
]


@pytest.mark.parametrize(("bad", "column"), BAD_ROWS, ids=[c for _, c in BAD_ROWS])
def test_rows_the_scheme_rejects_exit_2(tmp_path: Path, bad: str, column: str) -> None:
    data = tmp_path / "data"
    shutil.copytree(EXAMPLE, data)
    scores = data / "scores.csv"
    scores.write_text(scores.read_text(encoding="utf-8") + bad + "\n", encoding="utf-8")
    row = len(scores.read_text(encoding="utf-8").splitlines())
    result = CliRunner().invoke(
        app, ["score", "--scheme", "street-village", "--data", str(data), "--period", "2020-01"]
    )
    assert result.exit_code == 2 and result.stdout == ""
    assert f"scores.csv，第 {row} 行，列“{column}”" in " ".join(result.stderr.split())
