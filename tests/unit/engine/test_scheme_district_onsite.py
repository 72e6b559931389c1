"""`district-onsite` on examples/district-onsite, every number worked out by hand below.

Month score = 日常考评 (20 − deductions, ≥ 0) + 月督查考评 (10 − deductions, ≥ 0) − 整改通报扣分, never below 0.
整改 (scheme version 2, issue #17): a problem is due 5 working days after its first notification (China's calendar
with 调休); every monthly report it is overdue in costs 2, once a month however many rows; the 4th report in a row
and later cost 4 (连续3次通报 = three monthly reports, not three rows); rectified, then notified again → new count.
Changed from version 1 (which charged every row not rectified on its own day, 4 from the 4th row): u1's May
penalty 8 → 4 (one report, the 4th, instead of two rows), u4's May penalty 2 → 0 (rectified 06-03, inside its
5 working days), so May's ranking changes; April's numbers stay.

Working days used (2024 calendar: 春节 02-10..17 off, 02-04 and 02-18 Sundays worked; 清明 04-04..06 off, 04-07
Sunday worked; 劳动节 05-01..05 off, 05-11 Saturday worked):
  P1 02-10 (Sat, holiday) → 02-18 (调休 Sunday) 1, 19 2, 20 3, 21 4, 22 5 → due 02-22
  P2 05-12 (Sun) → 13, 14, 15, 16, 17 → due 05-17
  P3 05-05 (holiday) → 06, 07, 08, 09, 10 → due 05-10
  P4 02-01 (Thu) → 02 1, 04 (调休 Sunday) 2, 05 3, 06 4, 07 5 → due 02-07; its new run 04-01 (Mon) → 02 1,
     03 2, (04–06 off), 07 (调休 Sunday) 3, 08 4, 09 5 → due 04-09
  P5 05-31 (Fri) → 06-03, 04, 05, 06, 07 → due 06-07

2024-05:
  u1 城东街道办事处  日常考评 20 − (3 + 2.5) = 14.5; 月督查考评 10 − 1 = 9                   → 23.5
                    P1 never rectified, overdue from 02-23: reports Feb 1, Mar 2, Apr 3, May 4 → −4
                    (its rows 05-10 and 05-25 are notifications, not failed re-inspections)   → 19.5
  u2 区市容环卫中心  日常考评 20 − (15 + 10) = −5 → 0; 月督查考评 10 − 12 → 0                 → 0
                    P2 due 05-17, not rectified: May is its 1st report → −2; never below 0   → 0
  u3 区园林绿化所    no deductions: 20 + 10 = 30
                    P3 rectified 05-05, due 05-10 → in time, 0
                    P4 rectified 02-20 (late: due 02-07, charged in February only), notified again
                    04-01 → new run, due 04-09, open: April 1st report, May 2nd → −2          → 28
  u4 区市政设施维护所 日常考评 20 − 1 = 19 (its April deduction of 6 is April's); 月督查考评 10  → 29
                    P5 rectified 06-03, due 06-07 → in time, 0                                → 29
                    cases: K1 closed 05-20 with 2 failed verifications; K2 reworked once, not
                    closed, disposed 05-22 → 1; K3 closed in April → not May: unqualified_cases:3
  Ranking: u4 29 (1), u3 28 (2), u1 19.5 (3), u2 0 (4).

2024-04:
  u1 30 − 2 (P1's 3rd monthly report) = 28;  u2 30;  u3 30 − 2 (P4's new run, 1st report) = 28;
  u4 日常考评 20 − 6 = 14, + 10 = 24; K3 closed 04-28 with 1 failed verification → unqualified_cases:1.
  Ranking: u2 30 (1), u1 28 (2), u3 28 (2), u4 24 (4).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.cli import app
from kaoping.engine.result import PeriodResult
from kaoping.scheme import load_scheme
from scheme_testing import ExampleRun

EXAMPLE = EXAMPLES / "district-onsite"
SCHEME = load_scheme("district-onsite")


run = ExampleRun(SCHEME, EXAMPLE)


@pytest.fixture(scope="module")
def may() -> PeriodResult:
    return run("2024-05")


def totals(result: PeriodResult) -> dict[str, tuple[int, Decimal]]:
    return {u.unit_id: (u.rank, u.total) for u in result.units()}


def test_may_scores_and_ranks(may: PeriodResult) -> None:
    assert totals(may) == {
        "u4": (1, Decimal(29)),
        "u3": (2, Decimal(28)),
        "u1": (3, Decimal("19.5")),
        "u2": (4, Decimal(0)),
    }
    u1 = may.unit("u1")
    assert u1 is not None and u1.parts == {"日常考评": Decimal("14.5"), "月督查考评": Decimal(9)}


def test_escalation_after_three_monthly_reports(may: PeriodResult) -> None:
    # was: two rows charged 4 each (8); now one charge for May's report, the 4th in a row, citing P1's first row
    u1 = may.unit("u1")
    assert u1 is not None and u1.penalty == 4
    charged = [ln for ln in u1.lines if ln.part == "整改通报扣分"]
    assert [ln.points for ln in charged] == [-4]
    assert [ln.rows for ln in charged] == [(2,)]
    assert [(ln.params["due"], ln.params["ordinal"]) for ln in charged] == [("2024-02-22", 4)]


def test_floors_per_part_and_total(may: PeriodResult) -> None:
    u2 = may.unit("u2")
    assert u2 is not None
    assert u2.parts == {"日常考评": 0, "月督查考评": 0}
    assert u2.penalty == 2 and u2.total == 0


def test_rectified_in_time_is_free_and_a_new_run_restarts_the_count(may: PeriodResult) -> None:
    u3 = may.unit("u3")
    assert u3 is not None and u3.penalty == 2
    # was row 11 (05-01, the 2nd row of the new run); now the run's May report, citing its first row (04-01)
    assert [ln.rows for ln in u3.lines if ln.part == "整改通报扣分"] == [(10,)]


def test_unqualified_cases_flag(may: PeriodResult) -> None:
    flags = {u.unit_id: u.flags for u in may.units()}
    assert flags == {"u1": [], "u2": [], "u3": [], "u4": ["unqualified_cases:3"]}


def test_april() -> None:
    april = run("2024-04")
    assert totals(april) == {
        "u2": (1, Decimal(30)),
        "u1": (2, Decimal(28)),
        "u3": (2, Decimal(28)),
        "u4": (4, Decimal(24)),
    }
    u4 = april.unit("u4")
    assert u4 is not None and u4.flags == ["unqualified_cases:1"]


def test_cli_json() -> None:
    result = CliRunner().invoke(
        app, ["score", "--scheme", "district-onsite", "--data", str(EXAMPLE), "--period", "2024-05"]
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    ranking = doc["groups"][0]["ranking"]
    assert doc["groups"][0]["group"] == "责任单位"
    assert [(u["rank"], u["unit_id"], u["total"], u["bonus"], u["reward"], u["flags"]) for u in ranking] == [
        (1, "u4", 29.0, 0.0, 0, ["unqualified_cases:3"]),
        (2, "u3", 28.0, 0.0, 0, []),
        (3, "u1", 19.5, 0.0, 0, []),
        (4, "u2", 0.0, 0.0, 0, []),
    ]
    assert ranking[2]["penalty"] == 4.0
