"""What the case flow asks of the 处置手册 and the calendar: who should dispose of a case and by when.

One small value the API, the pages and the CLI build once (:func:`office_rules`) and hand to the use cases of
:mod:`kaoping.app.case_flow`, so a dispatch and a postponement compute deadlines the same way: the handbook's
limit (working hours or working days) on China's calendar with its 调休, corrected by the office's schemes'
``calendar:`` overrides — the same corrections the 整改 deadlines use.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from kaoping.cases.calendar import Overrides, WorkCalendar
from kaoping.cases.categories import Kind, UnknownCategory
from kaoping.cases.handbook import Handbook, Rule, load_handbook
from kaoping.scheme import Scheme


@dataclass(frozen=True)
class Suggestion:
    """The handbook's answer for a case: the unit it names (None: the 属地 street or district, the dispatcher
    chooses), what the rule says in words, and its limit."""

    unit: str | None
    unit_name: str
    limit: str
    action: str


@dataclass(frozen=True)
class CaseRules:
    """The handbook and the calendar corrections the office's case deadlines are computed with."""

    handbook: Handbook
    overrides: Overrides = field(default_factory=Overrides)
    second_check: int = 0
    """市级抽查复核: the percent of passed verifications drawn for the office's second-level check."""

    def calendar(self, at: datetime) -> WorkCalendar:
        """China's working days for ``at``'s year and the next (a deadline may cross New Year)."""
        return _calendar(at.year, self.overrides)

    def rule(self, category: str, kind: str) -> Rule | None:
        """The handbook's rule for the category (its default for a category it does not list)."""
        try:
            return self.handbook.rule_for(category, None, _kind(kind))
        except UnknownCategory:
            return self.handbook.default

    def suggest(self, category: str, kind: str) -> Suggestion | None:
        rule = self.rule(category, kind)
        if rule is None:
            return None
        name = (
            self.handbook.units.get(rule.unit, rule.unit)
            if rule.unit
            else {"street": "属地街道"}.get(str(rule.role), "属地区")
        )
        return Suggestion(rule.unit, name, _limit_text(rule), rule.action)

    def deadline(self, category: str, kind: str, dispatched_at: datetime) -> datetime | None:
        """处置时限 of a case dispatched at ``dispatched_at`` (None: the handbook has no rule for it)."""
        rule = self.rule(category, kind)
        if rule is None:
            return None
        calendar = self.calendar(dispatched_at)
        if rule.limit.working_hours is not None:
            return calendar.add_working_hours(dispatched_at, rule.limit.working_hours)
        assert rule.limit.working_days is not None
        return calendar.add_working_days(dispatched_at, rule.limit.working_days)


def _kind(kind: str) -> Kind | None:
    return "component" if kind == "component" else "event" if kind == "event" else None


def _limit_text(rule: Rule) -> str:
    if rule.limit.working_hours is not None:
        return f"{rule.limit.working_hours} 个工作时"
    return f"{rule.limit.working_days} 个工作日"


@lru_cache(maxsize=16)
def _calendar(year: int, overrides: Overrides) -> WorkCalendar:
    return WorkCalendar.china(range(year, year + 2), overrides)


HANDBOOK_ENV = "KAOPING_HANDBOOK"
"""The office's own 处置手册 (a YAML file like ``cases/data/handbook.yaml``); unset: the bundled example."""


@lru_cache(maxsize=4)
def _handbook(path: str) -> Handbook:
    return load_handbook(path or None)


def bundled_handbook() -> Handbook:
    """The office's handbook (``KAOPING_HANDBOOK``) or the one shipped in ``cases/data/handbook.yaml``; read once
    per file."""
    return _handbook(os.environ.get(HANDBOOK_ENV, "").strip())


def office_rules(schemes: Iterable[Scheme], handbook: Handbook | None = None) -> CaseRules:
    """The rules of the office: the bundled handbook (or ``handbook``) and the first scheme's calendar
    corrections that has any (offices keep one calendar)."""
    fixes = Overrides()
    for scheme in schemes:
        cal = scheme.calendar
        if cal.holidays or cal.workdays or cal.not_holidays:
            fixes = Overrides(frozenset(cal.holidays), frozenset(cal.workdays), frozenset(cal.not_holidays))
            break
    return CaseRules(handbook or bundled_handbook(), fixes, second_check_percent())


SECOND_CHECK_ENV = "KAOPING_CASE_SECOND_CHECK"


def second_check_percent() -> int:
    """``KAOPING_CASE_SECOND_CHECK``: 0–100 (percent of passed verifications the city checks again); unset: 0."""
    raw = os.environ.get(SECOND_CHECK_ENV, "").strip()
    if not raw:
        return 0
    if not raw.isdigit() or int(raw) > 100:
        raise ValueError(f"{SECOND_CHECK_ENV}={raw!r}: expected a whole percent from 0 to 100")
    return int(raw)
