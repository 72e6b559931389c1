"""`city-appearance` on examples/city-appearance, every number worked out by hand below.

Scheme (src/kaoping/scheme/builtin/city-appearance.yaml): four series (第一系列 … 第四系列) ranked apart; each
unit scores 100 minus the month's deductions (part 市容环境); inspection windows 春夏季 (months 3–8)
07:00–22:00 and 秋冬季 (months 9–2) 07:00–21:30, both ends inclusive; year = mean of the evaluated months.

deductions.csv (row: date time unit points), the rows outside the window marked ✗:
   2 07-03 09:15 zf1 2     3 07-10 21:45 zf1 1 (summer: inside)     4 07-18 22:30 zf1 3 ✗
   5 07-05 10:20 zf2 2     6 07-22 22:00 zf2 2 (the end itself: inside)
   7 07-08 15:00 kyz 4     8 07-09 08:30 bj1 3     9 07-09 06:40 bj1 2 ✗ (before 07:00)
  10 07-15 14:10 bj2 1    11 07-16 (no time) qy1 2 (no time: counted)
  12 sq1 2   13 sc1 3   14 ldd 1   15 ldx 2   16 lh 1.5                         (all in the daytime)
  17 11-04 21:45 zf1 2 ✗ (winter: after 21:30 — the same clock time as row 3 counts in July)
  18 11-06 10:00 zf1 1    19 11-07 21:30 zf2 3 (the end itself: inside)    20 11-12 09:00 kyz 1
  21 11-13 08:00 bj1 2    22 11-14 07:00 bj2 4 (the start itself: inside)  23 11-20 13:00 qy1 1
  24 sq2 2   25 sc1 1   26 ldx 1   27 11-25 22:10 lh 5 ✗

2024-07 (excluded: rows 4 and 9):
  第一系列  zf1 100 − (2 + 1) = 97 (94 had row 4 counted);  zf2 100 − (2 + 2) = 96;  kyz 100 − 4 = 96
            ranks zf1 1, kyz 2, zf2 2 (shared; listed by unit_id)
  第二系列  bj1 100 − 3 = 97 (95 had row 9 counted);  bj2 99;  qy1 98       ranks bj2 1, qy1 2, bj1 3
  第三系列  sq1 98;  sq2 100 (no deduction);  sc1 97                         ranks sq2 1, sq1 2, sc1 3
  第四系列  ldd 99;  ldx 98;  lh 98.5                                        ranks ldd 1, lh 2, ldx 3

2024-11 (excluded: rows 17 and 27):
  第一系列  zf1 100 − 1 = 99;  zf2 97;  kyz 99             ranks kyz 1, zf1 1, zf2 3
  第二系列  bj1 98;  bj2 96;  qy1 99                       ranks qy1 1, bj1 2, bj2 3
  第三系列  sq1 100;  sq2 98;  sc1 99                      ranks sq1 1, sc1 2, sq2 3
  第四系列  ldd 100;  ldx 99;  lh 100 (row 27 excluded)    ranks ldd 1, lh 1, ldx 3

2024 = mean of July and November (the only evaluated months); excluded: rows 4, 9, 17, 27.
  zf1 (97 + 99) / 2 = 98;  kyz 97.5;  zf2 96.5              ranks zf1 1, kyz 2, zf2 3
  qy1 98.5;  bj1 97.5;  bj2 97.5                            ranks qy1 1, bj1 2, bj2 2
  sq1 99;  sq2 99;  sc1 98                                  ranks sq1 1, sq2 1, sc1 3
  ldd 99.5;  lh 99.25;  ldx 98.5                            ranks ldd 1, lh 2, ldx 3
No bonus, rewards or flags (the document's 奖优罚劣 has no amounts).
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
from scheme_testing import ExampleRun, rankings_by_group, unit

EXAMPLE = EXAMPLES / "city-appearance"
SCHEME = load_scheme("city-appearance")
SERIES = ["第一系列", "第二系列", "第三系列", "第四系列"]


run = ExampleRun(SCHEME, EXAMPLE, checked=True)


@pytest.fixture(scope="module")
def jul() -> PeriodResult:
    return run("2024-07")


@pytest.fixture(scope="module")
def nov() -> PeriodResult:
    return run("2024-11")


rankings = partial(rankings_by_group, groups=SERIES)


def excluded_rows(result: PeriodResult) -> list[tuple[int, str]]:
    return [(e.row, e.unit_id) for e in result.excluded]


def d(text: str) -> Decimal:
    return Decimal(text)


def test_scheme_windows() -> None:
    spring_summer, autumn_winter = SCHEME.inspection_windows
    assert (spring_summer.months, spring_summer.start, spring_summer.end) == ([3, 4, 5, 6, 7, 8], "07:00", "22:00")
    assert (sorted(autumn_winter.months), autumn_winter.start, autumn_winter.end) == (
        [1, 2, 9, 10, 11, 12],
        "07:00",
        "21:30",
    )
    assert [g.name for g in SCHEME.groups] == SERIES
    assert SCHEME.notes


def test_july_rankings_per_series(jul: PeriodResult) -> None:
    assert rankings(jul) == {
        "第一系列": [("zf1", 1, d("97.00")), ("kyz", 2, d("96.00")), ("zf2", 2, d("96.00"))],
        "第二系列": [("bj2", 1, d("99.00")), ("qy1", 2, d("98.00")), ("bj1", 3, d("97.00"))],
        "第三系列": [("sq2", 1, d("100.00")), ("sq1", 2, d("98.00")), ("sc1", 3, d("97.00"))],
        "第四系列": [("ldd", 1, d("99.00")), ("lh", 2, d("98.50")), ("ldx", 3, d("98.00"))],
    }


def test_july_rows_outside_the_window_are_excluded_and_listed(jul: PeriodResult) -> None:
    assert excluded_rows(jul) == [(4, "zf1"), (9, "bj1")]
    assert all(e.file.endswith("deductions.csv") for e in jul.excluded)
    assert "07:00–22:00" in jul.excluded[0].reason and "22:30" in jul.excluded[0].reason
    # score unaffected: row 4 (−3) and row 9 (−2) are not counted
    assert unit(jul, "zf1").total == 97
    assert unit(jul, "bj1").total == 97
    # the row is cited in the unit's explanation, with no points
    cited = [ln for ln in unit(jul, "zf1").lines if ln.rows == (4,)]
    assert len(cited) == 1 and cited[0].points == 0 and "not counted" in cited[0].rule


def test_window_ends_are_inclusive_and_rows_without_time_count(jul: PeriodResult, nov: PeriodResult) -> None:
    assert unit(jul, "zf2").total == 96  # row 6 at 22:00 in July counts
    assert unit(nov, "zf2").total == 97  # row 19 at 21:30 in November counts
    assert unit(nov, "bj2").total == 96  # row 22 at 07:00 counts
    assert unit(jul, "qy1").total == 98  # row 11 has no time: counts


def test_same_clock_time_counts_in_summer_but_not_in_winter(jul: PeriodResult, nov: PeriodResult) -> None:
    assert 3 not in [r for r, _ in excluded_rows(jul)]  # 21:45 in July: inside 07:00–22:00
    assert (17, "zf1") in excluded_rows(nov)  # 21:45 in November: outside 07:00–21:30
    assert unit(nov, "zf1").total == 99


def test_excluded_rows_leave_the_score_as_if_they_were_absent(tmp_path: Path, jul: PeriodResult) -> None:
    data = tmp_path / "without"
    shutil.copytree(EXAMPLE, data)
    lines = (data / "deductions.csv").read_text(encoding="utf-8").splitlines()
    kept = [ln for i, ln in enumerate(lines, start=1) if i not in (4, 9, 17, 27)]
    (data / "deductions.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    for period, result in (("2024-07", jul), ("2024-11", run("2024-11"))):
        without = run(period, data)
        assert without.excluded == []
        assert {u.unit_id: (u.total, u.rank) for u in without.units()} == {
            u.unit_id: (u.total, u.rank) for u in result.units()
        }


def test_november(nov: PeriodResult) -> None:
    assert excluded_rows(nov) == [(17, "zf1"), (27, "lh")]
    assert "07:00–21:30" in nov.excluded[0].reason
    assert rankings(nov) == {
        "第一系列": [("kyz", 1, d("99.00")), ("zf1", 1, d("99.00")), ("zf2", 3, d("97.00"))],
        "第二系列": [("qy1", 1, d("99.00")), ("bj1", 2, d("98.00")), ("bj2", 3, d("96.00"))],
        "第三系列": [("sq1", 1, d("100.00")), ("sc1", 2, d("99.00")), ("sq2", 3, d("98.00"))],
        "第四系列": [("ldd", 1, d("100.00")), ("lh", 1, d("100.00")), ("ldx", 3, d("99.00"))],
    }


def test_year_is_the_mean_of_the_evaluated_months() -> None:
    year = run("2024")
    assert excluded_rows(year) == [(4, "zf1"), (9, "bj1"), (17, "zf1"), (27, "lh")]
    assert rankings(year) == {
        "第一系列": [("zf1", 1, d("98.00")), ("kyz", 2, d("97.50")), ("zf2", 3, d("96.50"))],
        "第二系列": [("qy1", 1, d("98.50")), ("bj1", 2, d("97.50")), ("bj2", 2, d("97.50"))],
        "第三系列": [("sq1", 1, d("99.00")), ("sq2", 1, d("99.00")), ("sc1", 3, d("98.00"))],
        "第四系列": [("ldd", 1, d("99.50")), ("lh", 2, d("99.25")), ("ldx", 3, d("98.50"))],
    }
    assert all(u.bonus == 0 and u.reward == 0 and u.flags == [] for u in year.units())


def test_quarter_is_not_a_period_of_this_scheme() -> None:
    with pytest.raises(UnsupportedPeriod, match="只评月度、年度考评期"):
        run("2024-Q3")


def test_cli_json_pinned_fields_and_excluded() -> None:
    result = CliRunner().invoke(
        app, ["score", "--scheme", "city-appearance", "--data", str(EXAMPLE), "--period", "2024-07"]
    )
    assert result.exit_code == 0, result.stderr
    assert "2 行不计分" in result.stderr
    doc = json.loads(result.stdout)
    assert doc["scheme"] == "city-appearance" and doc["period"] == "2024-07"
    assert [g["group"] for g in doc["groups"]] == SERIES
    first = [
        (u["rank"], u["unit_id"], u["total"], u["bonus"], u["reward"], u["flags"]) for u in doc["groups"][0]["ranking"]
    ]
    assert first == [(1, "zf1", 97.0, 0.0, 0, []), (2, "kyz", 96.0, 0.0, 0, []), (2, "zf2", 96.0, 0.0, 0, [])]
    assert [(e["row"], e["unit_id"]) for e in doc["excluded"]] == [(4, "zf1"), (9, "bj1")]
    assert doc["excluded"][0]["file"].endswith("deductions.csv")
    assert "outside the inspection window" in doc["excluded"][0]["reason"]
