"""Properties of the level metrics on arbitrary case frames: rates in [0, 1], counts adding up across levels
and tiers, agreement with the engine's unit metrics; and the column-wise working clock against the calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.cases import metrics as unit_metrics
from kaoping.cases.calendar import WorkCalendar
from kaoping.cases.grading import composite, load_indicator_scheme
from kaoping.cases.handbook import WorkingClock
from kaoping.cases.levels import COUNTS, LEVELS, RATES, REGION_TIERS, metrics_by_level
from kaoping.facts import facts_from_frames
from kaoping.periods import parse_period

CAL = WorkCalendar.china([2024, 2025])
CLOCK = WorkingClock.build(CAL, date(2023, 12, 1), date(2025, 12, 31))
PERIOD = parse_period("2024-Q2")
SCHEME = load_indicator_scheme()
# a fixed region tree: grid → community → street → district
TREE = {f"g{i}": (f"c{i // 2}", f"s{i // 4}", f"d{i // 8}") for i in range(12)}
START = datetime(2024, 3, 20)

minutes = st.integers(min_value=0, max_value=60 * 24 * 120)  # 2024-03-20 … mid-July
maybe = st.one_of(st.none(), st.integers(min_value=1, max_value=60 * 24 * 10))


@st.composite
def case_rows(draw: st.DrawFn) -> dict[str, Any]:
    reported = START + timedelta(minutes=draw(minutes))
    reg_gap, disp_gap, disp_take, close_take = draw(maybe), draw(maybe), draw(maybe), draw(maybe)
    registered = reported + timedelta(minutes=reg_gap) if reg_gap is not None else None
    dispatched = registered + timedelta(minutes=disp_gap) if registered and disp_gap is not None else None
    deadline = dispatched + timedelta(minutes=draw(st.integers(30, 60 * 24 * 20))) if dispatched else None
    disposed = dispatched + timedelta(minutes=disp_take) if dispatched and disp_take is not None else None
    closed = disposed + timedelta(minutes=close_take) if disposed and close_take is not None else None
    grid = draw(st.sampled_from(sorted(TREE)))
    community, street, district = TREE[grid]
    person = st.one_of(st.none(), st.sampled_from(["a", "b", "c"]))
    return {
        "unit_id": draw(st.sampled_from(["u1", "u2", "u3"])),
        "reported_at": reported,
        "registered_at": registered,
        "dispatched_at": dispatched,
        "deadline": deadline,
        "disposed_at": disposed,
        "closed_at": closed,
        "rework_count": draw(st.integers(0, 2)),
        "postponed": draw(st.integers(0, 1)),
        "grid": grid,
        "community": community,
        "street": street,
        "district": district,
        "reporter": draw(person),
        "registrar": draw(person),
        "dispatcher": draw(person),
        "shift_lead": draw(person),
        "source": draw(st.sampled_from(["supervisor", "public"])),
        "dispatch_correct": draw(st.one_of(st.none(), st.booleans())),
    }


def frame_of(rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema: dict[str, pl.DataType] = {
        **{c: pl.Datetime("us") for c in ("reported_at", "registered_at", "dispatched_at", "deadline", "disposed_at",
                                          "closed_at")},
        "rework_count": pl.Int64(), "postponed": pl.Int64(), "dispatch_correct": pl.Boolean(),
        **{c: pl.String() for c in ("unit_id", *REGION_TIERS, "reporter", "registrar", "dispatcher", "shift_lead",
                                  "source")},
    }  # fmt: skip
    frame = pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
    return frame.with_columns(
        case_id=pl.int_range(pl.len()).cast(pl.String), kind=pl.lit("event"), category=pl.lit("暴露垃圾")
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(case_rows(), max_size=40))
def test_rates_in_unit_interval_and_counts_add_up(rows: list[dict[str, Any]]) -> None:
    tables = metrics_by_level(frame_of(rows), PERIOD, calendar=CAL)
    totals: dict[str, dict[str, int]] = {}
    for level in LEVELS:
        table = tables[level]
        for rate, (num, den, _) in RATES.items():
            if rate in table.columns:
                assert table[rate].is_between(0.0, 1.0).all(), (level, rate)
                assert (table[num] <= table[den]).all(), (level, rate)
        counts = [c for c in (*COUNTS, "受理数") if c in table.columns]
        totals[level] = {c: int(table[c].sum()) for c in counts}
        for row in table.iter_rows(named=True):
            value, grade = composite(row, SCHEME)
            assert Decimal(0) <= value <= Decimal(100) and grade in "ABCDE"
    # every case lands in exactly one key per level, so each count sums to the same total at every level
    for count in COUNTS:
        seen = {totals[lv][count] for lv in LEVELS if count in totals[lv]}
        assert len(seen) <= 1, (count, seen)
    assert totals["registrar"]["受理数"] == totals["grid"]["上报数"]


@settings(max_examples=40, deadline=None)
@given(st.lists(case_rows(), min_size=1, max_size=40))
def test_each_tier_is_the_sum_of_the_tier_below(rows: list[dict[str, Any]]) -> None:
    tables = metrics_by_level(frame_of(rows), PERIOD, REGION_TIERS, calendar=CAL)
    counts = [c for c in COUNTS if c in tables["grid"].columns]
    for lower, upper in pairwise(REGION_TIERS):
        summed = tables[lower].group_by(upper).agg(pl.col(counts).sum()).sort(upper)
        direct = tables[upper].select(pl.col("key").alias(upper), *counts).sort(upper)
        assert summed.equals(direct), (lower, upper)


@settings(max_examples=40, deadline=None)
@given(st.lists(case_rows(), min_size=1, max_size=40))
def test_department_counts_equal_the_engine_unit_metrics(rows: list[dict[str, Any]]) -> None:
    frame = frame_of(rows)
    ours = {r["key"]: r for r in metrics_by_level(frame, PERIOD, ("department",), calendar=CAL)["department"].iter_rows(
        named=True)}  # fmt: skip
    engine = unit_metrics.case_counts(facts_from_frames(cases=frame).cases, PERIOD)
    for row in engine.iter_rows(named=True):
        for name in ("应结案数", "结案数", "按期处置数", "按期结案数", "返工数", "延期数"):
            assert ours[row["unit_id"]][name] == row[name]


moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2024, 12, 31, 23, 59)).map(
    lambda t: t.replace(microsecond=0)
)


@settings(max_examples=200, deadline=None)
@given(moments, st.sampled_from([0.25, 0.5, 1, 2, 4, 7.5, 8, 16, 40]), st.integers(0, 25))
def test_working_clock_matches_the_calendar(start: datetime, hours: float, days: int) -> None:
    s = pl.Series([start], dtype=pl.Datetime("us"))
    assert CLOCK.add_hours(s, pl.Series([hours])).item() == CAL.add_working_hours(start, hours)
    assert CLOCK.add_days(s, pl.Series([days])).item() == CAL.add_working_days(start, days)
    later = start + timedelta(hours=hours * 5)
    between = CLOCK.hours_between(s, pl.Series([later], dtype=pl.Datetime("us"))).item()
    assert abs(between - float(CAL.working_hours_between(start, later))) < 1e-9
