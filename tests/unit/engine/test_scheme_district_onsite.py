"""`district-onsite` on examples/district-onsite, every number worked out by hand below.

Month score = 日常考评 (20 − deductions, ≥ 0) + 月督查考评 (10 − deductions, ≥ 0) − 整改通报扣分, never below 0.
整改: each notification in the month of a problem not rectified by the notification day costs 2; the 4th and
later notifications in a row of a problem still not rectified cost 4; rectified, then notified again → new count.

2024-05:
  u1 城东街道办事处  日常考评 20 − (3 + 2.5) = 14.5; 月督查考评 10 − 1 = 9                   → 23.5
                    P1 notified 02-10, 03-10, 04-10, 05-10, 05-25, never rectified:
                    05-10 is the 4th in a row → −4; 05-25 the 5th → −4                        → 23.5 − 8 = 15.5
  u2 区市容环卫中心  日常考评 20 − (15 + 10) = −5 → 0; 月督查考评 10 − 12 → 0                 → 0
                    P2 notified 05-12, not rectified → −2; 0 − 2 = −2 → never below 0         → 0
  u3 区园林绿化所    no deductions: 20 + 10 = 30
                    P3 notified 05-05 and rectified 05-05 (the same day: in time) → 0
                    P4 notified 02-01 (rectified 02-20), 04-01, 05-01: rectified after the first, so
                    04-01 starts a new run and 05-01 is its 2nd → −2                          → 28
  u4 区市政设施维护所 日常考评 20 − 1 = 19 (its April deduction of 6 is April's); 月督查考评 10  → 29
                    P5 notified 05-31, rectified 06-03 (after the notification) → −2            → 27
                    cases: K1 closed 05-20 with 2 failed verifications; K2 reworked once, not
                    closed, disposed 05-22 → 1; K3 closed in April → not May: unqualified_cases:3
  Ranking: u3 28 (1), u4 27 (2), u1 15.5 (3), u2 0 (4).

2024-04:
  u1 30 − 2 (P1's 3rd notification, 04-10) = 28;  u2 30;  u3 30 − 2 (P4 04-01, 1st of its new run) = 28;
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
        "u3": (1, Decimal(28)),
        "u4": (2, Decimal(27)),
        "u1": (3, Decimal("15.5")),
        "u2": (4, Decimal(0)),
    }
    u1 = may.unit("u1")
    assert u1 is not None and u1.parts == {"日常考评": Decimal("14.5"), "月督查考评": Decimal(9)}


def test_escalation_after_three_notifications(may: PeriodResult) -> None:
    u1 = may.unit("u1")
    assert u1 is not None and u1.penalty == 8
    charged = [ln for ln in u1.lines if ln.part == "整改通报扣分"]
    assert [ln.points for ln in charged] == [-4, -4]
    assert [ln.rows for ln in charged] == [(5,), (6,)]


def test_floors_per_part_and_total(may: PeriodResult) -> None:
    u2 = may.unit("u2")
    assert u2 is not None
    assert u2.parts == {"日常考评": 0, "月督查考评": 0}
    assert u2.penalty == 2 and u2.total == 0


def test_rectified_on_the_day_is_free_and_a_new_run_restarts_the_count(may: PeriodResult) -> None:
    u3 = may.unit("u3")
    assert u3 is not None and u3.penalty == 2
    assert [ln.rows for ln in u3.lines if ln.part == "整改通报扣分"] == [(11,)]


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
        (1, "u3", 28.0, 0.0, 0, []),
        (2, "u4", 27.0, 0.0, 0, ["unqualified_cases:3"]),
        (3, "u1", 15.5, 0.0, 0, []),
        (4, "u2", 0.0, 0.0, 0, []),
    ]
    assert ranking[2]["penalty"] == 8.0
