"""Case lifecycle transitions (every legal one, illegal ones rejected) and working-time deadlines."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest

from kaoping.cases.calendar import Overrides, WorkCalendar
from kaoping.cases.lifecycle import Case, Event, IllegalTransition, Status, apply

T0 = datetime(2025, 3, 3, 9, 0)


def new_case() -> Case:
    return Case("K1", "u1", "event", "暴露垃圾", reported_at=T0)


def step(case: Case, event: Event, hour: int, **kw: datetime) -> Case:
    return apply(case, event, at=T0.replace(hour=hour), actor="监督员A", **kw)


def test_happy_path_records_every_step() -> None:
    c = step(new_case(), Event.REGISTER, 9)
    c = step(c, Event.DISPATCH, 10, deadline=T0.replace(hour=14))
    c = step(c, Event.ACCEPT, 10)
    c = step(c, Event.FEEDBACK, 12)
    c = step(c, Event.VERIFY, 13)
    c = step(c, Event.PASS, 13)
    assert c.status == Status.CLOSED
    assert (c.dispatched_at, c.disposed_at, c.closed_at) == (
        T0.replace(hour=10),
        T0.replace(hour=12),
        T0.replace(hour=13),
    )
    assert [t.to_status for t in c.history] == [
        Status.REGISTERED,
        Status.DISPATCHED,
        Status.DISPOSING,
        Status.FEEDBACK,
        Status.VERIFYING,
        Status.CLOSED,
    ]
    assert all(t.actor == "监督员A" for t in c.history)


def test_rework_is_counted_each_time() -> None:
    c = step(step(new_case(), Event.REGISTER, 9), Event.DISPATCH, 9, deadline=T0.replace(hour=17))
    for n in (1, 2):
        c = step(step(step(c, Event.FEEDBACK, 10), Event.VERIFY, 11), Event.FAIL, 11)
        assert (c.status, c.rework_count, c.verify_failed, c.disposed_at) == (Status.DISPATCHED, n, n, None)


def test_postpone_moves_deadline_forward_only() -> None:
    c = step(step(new_case(), Event.REGISTER, 9), Event.DISPATCH, 9, deadline=T0.replace(hour=17))
    later = step(c, Event.POSTPONE, 10, deadline=datetime(2025, 3, 5, 17))
    assert (later.deadline, later.postponed, later.status) == (datetime(2025, 3, 5, 17), 1, Status.DISPATCHED)
    with pytest.raises(IllegalTransition, match="later"):
        step(c, Event.POSTPONE, 10, deadline=T0.replace(hour=12))


def test_suspend_resume_and_invalidate() -> None:
    c = step(step(new_case(), Event.REGISTER, 9), Event.DISPATCH, 9, deadline=T0.replace(hour=17))
    c = step(c, Event.SUSPEND, 10)
    assert c.status == Status.SUSPENDED
    assert step(c, Event.RESUME, 11).status == Status.DISPATCHED
    assert step(new_case(), Event.INVALIDATE, 9).status == Status.INVALID


@pytest.mark.parametrize(
    ("status", "event"),
    [
        (Status.REPORTED, Event.DISPATCH),
        (Status.CLOSED, Event.FAIL),
        (Status.INVALID, Event.REGISTER),
        (Status.FEEDBACK, Event.PASS),
        (Status.DISPATCHED, Event.INVALIDATE),
        (Status.SUSPENDED, Event.FEEDBACK),
    ],
)
def test_illegal_transitions_raise(status: Status, event: Event) -> None:
    c = Case("K9", "u1", "event", "x", reported_at=T0, status=status)
    with pytest.raises(IllegalTransition, match="cannot"):
        apply(c, event, at=T0, actor="x", deadline=T0)


def test_dispatch_needs_a_deadline() -> None:
    with pytest.raises(IllegalTransition, match="deadline"):
        apply(step(new_case(), Event.REGISTER, 9), Event.DISPATCH, at=T0, actor="x")


# --- calendar: Spring Festival 2025 (holidays 01-28..02-04) and make-up Saturdays 01-26 (Sun) and 02-08 (Sat)
CAL = WorkCalendar.china([2025])


def test_spring_festival_and_make_up_days() -> None:
    assert not CAL.is_workday(date(2025, 1, 29))  # 春节
    assert CAL.is_workday(date(2025, 1, 26))  # Sunday, 调休上班
    assert CAL.is_workday(date(2025, 2, 8))  # Saturday, 调休上班
    assert not CAL.is_workday(date(2025, 2, 9))  # ordinary Sunday


def test_working_days_across_spring_festival() -> None:
    # dispatched Fri 2025-01-24 10:00, 3 working days: Sun 01-26 (调休) is 1, Mon 01-27 is 2,
    # 01-28..02-04 are holidays (with the weekend), Wed 02-05 is 3.
    assert CAL.add_working_days(datetime(2025, 1, 24, 10), 3) == datetime(2025, 2, 5, 10)
    # from Fri 02-07: Sat 02-08 is a make-up working day → 1 working day later is Saturday
    assert CAL.add_working_days(datetime(2025, 2, 7, 15), 1) == datetime(2025, 2, 8, 15)


def test_working_hours_skip_lunch_nights_and_holidays() -> None:
    # 暴露垃圾: 4 working hours from Mon 03-03 10:00 → 10:00–12:00 (2h), 13:30–15:30 (2h) → 15:30
    assert CAL.add_working_hours(datetime(2025, 3, 3, 10), 4) == datetime(2025, 3, 3, 15, 30)
    # from Mon 01-27 16:30 (last day before the festival): 1h left that day, 3h on Wed 02-05 (8:30–11:30)
    assert CAL.add_working_hours(datetime(2025, 1, 27, 16, 30), 4) == datetime(2025, 2, 5, 11, 30)
    assert CAL.working_hours_between(datetime(2025, 3, 3, 10), datetime(2025, 3, 3, 15, 30)) == Decimal(4)
    # reported at night: the clock starts at 08:30 next working day
    assert CAL.add_working_hours(datetime(2025, 3, 3, 20), 1) == datetime(2025, 3, 4, 9, 30)


def test_overrides_win_for_a_year_no_library_knows(tmp_path: Path) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_text("holidays: [2027-02-08]\nworkdays: [2027-02-06]\nnot_holidays: []\n", encoding="utf-8")
    cal = WorkCalendar.china([2027], Overrides.load(path), hours=((time(9, 0), time(17, 0)),))
    assert not cal.is_workday(date(2027, 2, 8)) and cal.is_workday(date(2027, 2, 6))
    assert cal.add_working_days(datetime(2027, 2, 5, 9), 1) == datetime(2027, 2, 6, 9)
