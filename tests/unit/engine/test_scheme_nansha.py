"""`nansha` on examples/nansha, every number worked out by hand below.

Scheme (src/kaoping/scheme/builtin/nansha.yaml): one group 镇街; two 100-point deduction sheets 明检 (weight
40%) and 暗检 (60%), each aspect (item) deducting at most 10 per sheet and month; monthly ranking; quarter and
year = mean of their evaluated months.  Units: ns 南沙街道, zj 珠江街道, hg 黄阁镇, dc 东涌镇, dg 大岗镇.

2024-04 (deductions.csv rows 5–23):
  明检  ns 市容环境卫生 2 + 户外广告招牌 1 = 3                               → 97
        zj 市容环境卫生 3 + 河涌水务 2 = 5                                   → 95
        hg 违法建设治理 4 + 5 + 3 = 12, capped at 10 (rows 9, 10, 11); 园林绿化 1 → 100 − 11 = 89
        dc 占道经营 2                                                        → 98
        dg none                                                              → 100
  暗检  ns 市容环境卫生 3 + 占道经营 (2 + 1) = 6 → 94;  zj 2 → 98;  hg 2 → 98;  dc 4 + 3 → 93;
        dg 市容环境卫生 6 + 建筑工地管理 4 → 90
  total = 明检 × 40% + 暗检 × 60%:
        ns 38.8 + 56.4 = 95.2;  zj 38 + 58.8 = 96.8;  hg 35.6 + 58.8 = 94.4;  dc 39.2 + 55.8 = 95;
        dg 40 + 54 = 94
  ranks: zj 1, ns 2, dc 3, hg 4, dg 5.

2024-05:
  明检  ns 2 → 98;  zj 4 + 2 → 94;  hg 3 → 97;  dc none → 100;  dg 2 + 3 → 95
  暗检  ns 2 → 98;  zj 1 → 99;  hg 3 + 2 → 95;  dc 5 + 2 → 93;
        dg 1.5 + 1 (row 36 names the sheet by its alias 暗检表) → 97.5
  total ns 39.2 + 58.8 = 98;  zj 37.6 + 59.4 = 97;  hg 38.8 + 57 = 95.8;  dc 40 + 55.8 = 95.8;
        dg 38 + 58.5 = 96.5
  ranks: ns 1, zj 2, dg 3, dc 4, hg 4 (equal totals share a rank; listed by unit_id).

2024-01: only ns 明检 5 (→ 95) and dg 暗检 6 + 4 (→ 90); everyone else is full on both sheets.
  total ns 38 + 60 = 98;  dg 40 + 54 = 94;  zj, hg, dc 100.

2024-Q2 = mean of April and May (June has no row at all: not evaluated, not counted as 100):
  ns (95.2 + 98) / 2 = 96.6;  zj (96.8 + 97) / 2 = 96.9;  hg (94.4 + 95.8) / 2 = 95.1;
  dc (95 + 95.8) / 2 = 95.4;  dg (94 + 96.5) / 2 = 95.25
  parts are averaged too: ns 明检 (97 + 98) / 2 = 97.5, 暗检 (94 + 98) / 2 = 96.
  ranks: zj 1, ns 2, dc 3, dg 4, hg 5.

2024 = mean of the evaluated months January, April, May:
  ns (98 + 95.2 + 98) / 3 = 291.2 / 3 = 97.0666… → 97.07;  zj 293.8 / 3 → 97.93;
  hg 290.2 / 3 → 96.73;  dc 290.8 / 3 → 96.93;  dg 284.5 / 3 → 94.83
  ranks: zj 1, ns 2, dc 3, hg 4, dg 5.

No bonus, rewards or flags in any period (the document has no tiers).
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
from kaoping.engine.result import PeriodResult
from kaoping.scheme import load_scheme
from scheme_testing import ExampleRun, ranks, unit

EXAMPLE = EXAMPLES / "nansha"
SCHEME = load_scheme("nansha")


run = ExampleRun(SCHEME, EXAMPLE, checked=True)


@pytest.fixture(scope="module")
def apr() -> PeriodResult:
    return run("2024-04")


@pytest.fixture(scope="module")
def may() -> PeriodResult:
    return run("2024-05")


ranking = partial(ranks, group="镇街", only=True)


def shown(result: PeriodResult) -> dict[str, Decimal]:
    return {u.unit_id: u.shown_total for u in result.units()}


def test_scheme_shape() -> None:
    assert [p.name for p in SCHEME.parts] == ["明检", "暗检"]
    assert [p.weight for p in SCHEME.parts] == [40, 60]
    assert SCHEME.main_kind.value == "month"
    assert set(SCHEME.periods) == {"month", "quarter", "year"}
    assert SCHEME.notes, "the scheme lists what the document leaves open"


def test_april_sheets_with_aspect_cap(apr: PeriodResult) -> None:
    assert unit(apr, "ns").parts == {"明检": 97, "暗检": 94}
    assert unit(apr, "zj").parts == {"明检": 95, "暗检": 98}
    assert unit(apr, "hg").parts == {"明检": 89, "暗检": 98}  # 违法建设治理 12 capped at 10
    assert unit(apr, "dc").parts == {"明检": 98, "暗检": 93}
    assert unit(apr, "dg").parts == {"明检": 100, "暗检": 90}  # no 明检 deduction: full marks
    capped = next(ln for ln in unit(apr, "hg").lines if "违法建设治理" in ln.rule)
    assert capped.rows == (9, 10, 11)
    assert capped.points == -10
    assert capped.file.endswith("deductions.csv")


def test_april_weighted_totals_and_ranks(apr: PeriodResult) -> None:
    assert shown(apr) == {
        "zj": Decimal("96.80"),
        "ns": Decimal("95.20"),
        "dc": Decimal("95.00"),
        "hg": Decimal("94.40"),
        "dg": Decimal("94.00"),
    }
    assert unit(apr, "ns").total == Decimal("95.2")  # exact: 97 × 40% + 94 × 60%
    assert ranking(apr) == [("zj", 1), ("ns", 2), ("dc", 3), ("hg", 4), ("dg", 5)]


def test_may_alias_and_shared_rank(may: PeriodResult) -> None:
    assert unit(may, "dg").parts == {"明检": 95, "暗检": Decimal("97.5")}  # 暗检表 is an alias of 暗检
    assert unit(may, "dc").total == unit(may, "hg").total == Decimal("95.8")
    assert ranking(may) == [("ns", 1), ("zj", 2), ("dg", 3), ("dc", 4), ("hg", 4)]


def test_january() -> None:
    jan = run("2024-01")
    assert shown(jan) == {
        "dc": Decimal("100.00"),
        "hg": Decimal("100.00"),
        "zj": Decimal("100.00"),
        "ns": Decimal("98.00"),
        "dg": Decimal("94.00"),
    }
    assert ranking(jan) == [("dc", 1), ("hg", 1), ("zj", 1), ("ns", 4), ("dg", 5)]


def test_quarter_is_the_mean_of_its_evaluated_months() -> None:
    q2 = run("2024-Q2")
    assert not run("2024-06").evaluated  # June has no row: left out of the mean
    assert shown(q2) == {
        "zj": Decimal("96.90"),
        "ns": Decimal("96.60"),
        "dc": Decimal("95.40"),
        "dg": Decimal("95.25"),
        "hg": Decimal("95.10"),
    }
    assert unit(q2, "ns").parts == {"明检": Decimal("97.5"), "暗检": 96}
    assert ranking(q2) == [("zj", 1), ("ns", 2), ("dc", 3), ("dg", 4), ("hg", 5)]


def test_year_is_the_mean_of_its_evaluated_months() -> None:
    year = run("2024")
    assert unit(year, "ns").total == Decimal("291.2") / 3
    assert shown(year) == {
        "zj": Decimal("97.93"),
        "ns": Decimal("97.07"),
        "dc": Decimal("96.93"),
        "hg": Decimal("96.73"),
        "dg": Decimal("94.83"),
    }
    assert ranking(year) == [("zj", 1), ("ns", 2), ("dc", 3), ("hg", 4), ("dg", 5)]


def test_no_bonus_rewards_or_flags(apr: PeriodResult, may: PeriodResult) -> None:
    for result in (apr, may, run("2024-Q2"), run("2024")):
        assert all(u.bonus == 0 and u.reward == 0 and u.flags == [] for u in result.units())


def test_cli_json_pinned_fields() -> None:
    result = CliRunner().invoke(app, ["score", "--scheme", "nansha", "--data", str(EXAMPLE), "--period", "2024-05"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["scheme"] == "nansha" and doc["period"] == "2024-05"
    assert [g["group"] for g in doc["groups"]] == ["镇街"]
    pinned = [
        (u["rank"], u["unit_id"], u["total"], u["bonus"], u["reward"], u["flags"]) for u in doc["groups"][0]["ranking"]
    ]
    assert pinned == [
        (1, "ns", 98.0, 0.0, 0, []),
        (2, "zj", 97.0, 0.0, 0, []),
        (3, "dg", 96.5, 0.0, 0, []),
        (4, "dc", 95.8, 0.0, 0, []),
        (4, "hg", 95.8, 0.0, 0, []),
    ]
    assert doc["groups"][0]["ranking"][2]["parts"] == {"明检": 95.0, "暗检": 97.5}


def test_unknown_sheet_is_an_input_error(tmp_path: Path) -> None:
    data = tmp_path / "nansha"
    shutil.copytree(EXAMPLE, data)
    with (data / "deductions.csv").open("a", encoding="utf-8") as f:
        f.write("2024-05-24,ns,专项检查,市容环境卫生,2,区城管局专项考评组,,\n")
    result = CliRunner().invoke(app, ["score", "--scheme", "nansha", "--data", str(data), "--period", "2024-05"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "deductions.csv，第 37 行，列“part”" in result.stderr
