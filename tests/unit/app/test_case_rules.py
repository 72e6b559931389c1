"""The case flow's deadlines (处置时限) from the 处置手册 on China's calendar, across Spring Festival 2025 and
its 调休 — worked by hand.

2025: holidays Tue 01-28 … Tue 02-04; 调休 working days Sun 01-26 and Sat 02-08.  Office hours 08:30–12:00 and
13:30–17:30 (7.5 working hours a day).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kaoping.app.case_flow import drawn
from kaoping.app.case_rules import SECOND_CHECK_ENV, office_rules
from kaoping.cases.calendar import Overrides
from kaoping.scheme import load_scheme

RULES = office_rules([])


def test_working_hours_across_the_holiday() -> None:
    # 暴露垃圾: 4 working hours.  Mon 01-27 16:30: 1 hour that day (to 17:30), then the holiday; Wed 02-05
    # 08:30 + 3 hours = 11:30.
    assert RULES.deadline("暴露垃圾", "event", datetime(2025, 1, 27, 16, 30)) == datetime(2025, 2, 5, 11, 30)


def test_working_hours_into_a_make_up_saturday() -> None:
    # Fri 02-07 16:00: 1.5 hours that day; Sat 02-08 is a 调休 working day: 08:30 + 2.5 hours = 11:00.
    assert RULES.deadline("暴露垃圾", "event", datetime(2025, 2, 7, 16)) == datetime(2025, 2, 8, 11)
    # Sat 01-25 is an ordinary weekend, Sun 01-26 the 调休 day: Fri 01-24 17:00 + 4 hours = 0.5 h Friday,
    # 3.5 h on Sunday 01-26 (08:30–12:00) → 12:00.
    assert RULES.deadline("暴露垃圾", "event", datetime(2025, 1, 24, 17)) == datetime(2025, 1, 26, 12)


def test_working_days_and_the_suggested_unit() -> None:
    # 垃圾箱 (部件): hwc, 1 working day — Fri 02-07 15:00 → the 调休 Saturday 02-08 15:00.
    assert RULES.deadline("垃圾箱", "component", datetime(2025, 2, 7, 15)) == datetime(2025, 2, 8, 15)
    suggestion = RULES.suggest("垃圾箱", "component")
    assert suggestion is not None and (suggestion.unit, suggestion.unit_name) == ("hwc", "市环境卫生管理处")
    # 暴露垃圾 goes to the 属地街道: no unit is named, the dispatcher chooses
    street = RULES.suggest("暴露垃圾", "event")
    assert street is not None and (street.unit, street.unit_name, street.limit) == (None, "属地街道", "4 个工作时")
    # a category the handbook does not list: its default (the street, 3 working days)
    assert RULES.deadline("不知名问题", "event", datetime(2025, 3, 3, 9)) == datetime(2025, 3, 6, 9)


def test_the_schemes_calendar_corrections_move_the_deadline() -> None:
    # district-onsite keeps no corrections: the library's calendar.  A local holiday on Mon 03-03 moves
    # Fri 02-28 15:00 + 1 working day from Mon 03-03 to Tue 03-04.
    assert office_rules([load_scheme("district-onsite")]).overrides == Overrides()
    local = RULES.__class__(RULES.handbook, Overrides(holidays=frozenset({date(2025, 3, 3)})))
    assert local.deadline("垃圾箱", "component", datetime(2025, 2, 28, 15)) == datetime(2025, 3, 4, 15)
    assert RULES.deadline("垃圾箱", "component", datetime(2025, 2, 28, 15)) == datetime(2025, 3, 3, 15)


def test_the_second_check_draw() -> None:
    """市级抽查复核: none at 0 %, every one at 100 %, the same answer for the same case and round; about half
    of 2,000 cases at 50 % (the hash spreads them evenly)."""
    assert not drawn("C1", 0, 0) and drawn("C1", 0, 100)
    assert drawn("C7", 1, 50) == drawn("C7", 1, 50)
    share = sum(drawn(f"C{i}", 0, 50) for i in range(2000))
    assert 900 < share < 1100


def test_the_second_check_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECOND_CHECK_ENV, "10")
    assert office_rules([]).second_check == 10
    monkeypatch.setenv(SECOND_CHECK_ENV, "")
    assert office_rules([]).second_check == 0
    monkeypatch.setenv(SECOND_CHECK_ENV, "120")
    with pytest.raises(ValueError, match="0 to 100"):
        office_rules([])
