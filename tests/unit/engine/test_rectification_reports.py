"""整改 charged per report (issue #17): working-day deadlines across holidays with 调休, escalation over monthly
reports, failed re-inspections, the escalation stopping once rectified, and G1000's doubled original deduction.
Every number is worked out by hand in the test's comment (2024 calendar: 国庆 10-01..07 off, 09-29 Sunday and
10-12 Saturday worked; 清明 04-04..06 off, 04-07 Sunday worked; 端午 06-10 off)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from kaoping.engine.penalties import penalties_for
from kaoping.engine.rectification import calendar_for, due_date
from kaoping.facts import facts_from_frames
from kaoping.periods import parse_period
from kaoping.scheme import builtin_text, load_scheme, parse_scheme

ONSITE = load_scheme("district-onsite")
CITY = load_scheme("city-1000")


def _notices(rows: list[tuple[str, str, date, date | None, float | None, int]]) -> pl.DataFrame:
    cols = ["problem_id", "unit_id", "notified_on", "rectified_on", "points", "failed_reinspections"]
    return pl.DataFrame(rows, schema=cols, orient="row")


def _penalty(scheme: object, frame: pl.DataFrame, period: str) -> dict[str, Decimal]:
    charged = penalties_for(scheme, facts_from_frames(notices=frame), parse_period(period))  # type: ignore[arg-type]
    return {unit: points for unit, (points, _) in charged.items()}


def test_five_working_days_across_national_day_with_tiaoxiu() -> None:
    # 2024-09-27 (Fri) + 5 working days: 09-29 (调休 Sunday) 1, 09-30 2, 10-01..07 off, 10-08 3, 10-09 4, 10-10 5
    rule = ONSITE.penalties[0]
    cal = calendar_for(ONSITE.calendar, date(2024, 9, 1), date(2024, 12, 31))
    assert due_date(rule, date(2024, 9, 27), cal) == date(2024, 10, 10)
    # 10-11 (Fri) + 5: 10-12 (调休 Saturday) 1, 10-14 2, 15 3, 16 4, 17 5
    assert due_date(rule, date(2024, 10, 11), cal) == date(2024, 10, 17)


def test_the_schemes_calendar_corrects_the_working_days() -> None:
    # the office declares 10-08 a local holiday and 10-12 not worked after all: 09-29 1, 09-30 2, 10-09 3, 10-10 4,
    # 10-11 5
    text = builtin_text("district-onsite") + "\ncalendar:\n  holidays: [2024-10-08, 2024-10-12]\n"
    scheme = parse_scheme(text, "district-onsite.yaml")
    cal = calendar_for(scheme.calendar, date(2024, 9, 1), date(2024, 12, 31))
    assert due_date(scheme.penalties[0], date(2024, 9, 27), cal) == date(2024, 10, 11)


# P9 of u1, notified 2024-09-27, due 10-10, overdue from 10-11.  A re-inspection failed on 10-20 and one on
# 2025-01-15; it passed on 2025-02-10 (rectified_on).
#   2024-09: not yet due                                  → 0
#   2024-10: report 1 → 2; failed re-inspection 10-20 → 2 → 4
#   2024-11: report 2 → 2;  2024-12: report 3 → 2
#   2025-01: report 4 (> 3: doubled) → 4; failed re-inspection 01-15 → 4 → 8
#   2025-02: rectified late on 02-10, still overdue in February: report 5 → 4
#   2025-03: rectified before March began → 0 (the escalation stops)
ESCALATING = [
    ("P9", "u1", date(2024, 9, 27), date(2025, 2, 10), None, 0),
    ("P9", "u1", date(2024, 10, 20), date(2025, 2, 10), None, 1),
    ("P9", "u1", date(2025, 1, 15), date(2025, 2, 10), None, 1),
]


def test_monthly_reports_escalate_and_stop_when_rectified() -> None:
    frame = _notices(ESCALATING)
    got = {
        m: _penalty(ONSITE, frame, m).get("u1", Decimal(0))
        for m in ("2024-09", "2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03")
    }
    assert got == {"2024-09": 0, "2024-10": 4, "2024-11": 2, "2024-12": 2, "2025-01": 8, "2025-02": 4, "2025-03": 0}


def test_each_charge_says_its_report_and_due_date() -> None:
    charged = penalties_for(ONSITE, facts_from_frames(notices=_notices(ESCALATING)), parse_period("2025-01"))
    lines = charged["u1"][1]
    assert [(ln.params["ordinal"], ln.params["failed"], ln.points, ln.rows) for ln in lines] == [
        (4, True, Decimal(-4), (4,)),  # the re-inspection of 01-15 (file row 4)
        (4, False, Decimal(-4), (2,)),  # January's report, citing the run's first notice
    ]
    assert {ln.params["due"] for ln in lines} == {"2024-10-10"}


def test_a_failed_reinspection_before_the_due_date_costs_the_base_points() -> None:
    # notified 10-11, due 10-17; failed on 10-15 → 2; not overdue yet in October? overdue from 10-18 → report 1 → 2
    frame = _notices([("P1", "u2", date(2024, 10, 11), None, None, 0), ("P1", "u2", date(2024, 10, 15), None, None, 1)])
    assert _penalty(ONSITE, frame, "2024-10") == {"u2": Decimal(4)}


# city-1000: 10 working days, each quarter overdue and each failed re-inspection cost twice the original deduction.
#   Q: d1, notified 2024-03-25 (Mon) with 原扣分 3: 03-26 1, 27 2, 28 3, 29 4, 04-01 5, 02 6, 03 7, (04..06 off),
#      04-07 (调休 Sunday) 8, 08 9, 09 10 → due 04-09.  Failed re-inspection 05-20; rectified 2024-10-15.
#   R: d2, notified 2024-06-03 (Mon) without 原扣分: 04 1, 05 2, 06 3, 07 4, (10 端午) 11 5, 12 6, 13 7, 14 8, 17 9,
#      18 10 → due 06-18; open.
#   2024-Q1: Q not yet due → 0
#   2024-Q2: Q overdue → 2 × 3 = 6, its failed re-inspection → 6: d1 12;  R overdue → points 2: d2 2
#   2024-Q3: Q 6; R 2.   2024-Q4: Q rectified late on 10-15 → 6; R 2.   2025-Q1: Q 0; R 2
DOUBLING = [
    ("Q", "d1", date(2024, 3, 25), date(2024, 10, 15), 3.0, 0),
    ("Q", "d1", date(2024, 5, 20), date(2024, 10, 15), None, 1),
    ("R", "d2", date(2024, 6, 3), None, None, 0),
]


def test_city_1000_doubles_the_original_deduction_each_quarter_until_rectified() -> None:
    frame = _notices(DOUBLING)
    assert _penalty(CITY, frame, "2024-Q1") == {}
    assert _penalty(CITY, frame, "2024-Q2") == {"d1": Decimal(12), "d2": Decimal(2)}
    assert _penalty(CITY, frame, "2024-Q3") == {"d1": Decimal(6), "d2": Decimal(2)}
    assert _penalty(CITY, frame, "2024-Q4") == {"d1": Decimal(6), "d2": Decimal(2)}
    assert _penalty(CITY, frame, "2025-Q1") == {"d2": Decimal(2)}


def test_city_1000_quarter_totals_with_the_doubled_deduction() -> None:
    # examples/city-1000, 2024-Q2 第一组 without notices: d1 913 (1st), d2 910, d3 910, d4 880, d5 850.33.
    # With Q above: d1 − (6 + 6) = 901, so d2 and d3 share the 1st place at 910 and d1 is 3rd.  2024-Q1: nothing
    # (Q is due 04-09, after the quarter).
    from dataclasses import replace

    from examples_testing import EXAMPLES
    from kaoping.engine.evaluate import evaluate
    from kaoping.io.readers import read_facts

    facts = replace(
        read_facts(EXAMPLES / "city-1000"), notices=facts_from_frames(notices=_notices(DOUBLING[:2])).notices
    )
    q2 = evaluate(CITY, facts, parse_period("2024-Q2"))
    first = [(u.unit_id, u.rank, u.total) for u in q2.units()][:4]
    assert first == [("d2", 1, Decimal(910)), ("d3", 1, Decimal(910)), ("d1", 3, Decimal(901)), ("d4", 4, Decimal(880))]
    d1 = q2.unit("d1")
    assert d1 is not None and d1.penalty == 12
    # the failed re-inspection of 05-20 first, then the quarter's report (dated its last day)
    assert [(ln.params["failed"], ln.points) for ln in d1.lines if ln.part == "整改超时加倍扣分"] == [
        (True, Decimal(-6)),
        (False, Decimal(-6)),
    ]
    q1 = evaluate(CITY, facts, parse_period("2024-Q1")).unit("d1")
    assert q1 is not None and q1.penalty == 0 and q1.total == 473
