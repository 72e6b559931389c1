"""The 处置手册 as config: category (+ area) → responsible unit and disposal time limit (处置时限).

Offices revise their handbook every year or two (a new 专业部门, a stricter limit in the core district), so
it is ``cases/data/handbook.yaml`` rather than code; loading resolves every rule's category against the
category catalogue and reports unknown categories, clashing rules and unknown units, naming the file.

Limits are working time on the office's :class:`~kaoping.cases.calendar.WorkCalendar`.  One case is
answered by :func:`deadline_for`; a million generated cases cannot afford a Python call each, so
:class:`WorkingClock` lays the calendar out as a sorted table of office-hour windows with the working time
before each, and turns "plus 4 working hours" into two binary searches over whole columns.  The tests check
that both ways give the same deadlines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kaoping.cases.calendar import WorkCalendar
from kaoping.cases.categories import (
    KIND_LABELS,
    Catalogue,
    ConfigError,
    Kind,
    UnknownCategory,
    load_categories,
    pydantic_problems,
    read_yaml,
)

Role = Literal["street", "district"]
_US_PER_HOUR = 3_600_000_000


class TimeLimit(BaseModel):
    """Exactly one of ``working_hours`` (office hours only) or ``working_days``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    working_hours: Decimal | None = Field(default=None, gt=0)
    working_days: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one(self) -> TimeLimit:
        if (self.working_hours is None) == (self.working_days is None):
            raise ValueError("give exactly one of working_hours or working_days, e.g. {working_hours: 4}")
        return self

    def __str__(self) -> str:
        if self.working_hours is not None:
            return f"{self.working_hours} working hour(s)"
        return f"{self.working_days} working day(s)"


class _Responsible(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    unit: str | None = None
    role: Role | None = None
    action: str = ""
    limit: TimeLimit

    @model_validator(mode="after")
    def _one(self) -> _Responsible:
        if (self.unit is None) == (self.role is None):
            raise ValueError("give exactly one of unit (a unit id) or role (street or district)")
        return self


class _Rule(_Responsible):
    kind: Kind | None = None
    category: str
    area: str | None = None


class _HandbookFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = ""
    units: dict[str, str] = Field(default_factory=dict)
    default: _Responsible | None = None
    rules: list[_Rule]


@dataclass(frozen=True)
class Rule:
    """One resolved rule; ``code`` is None only for the default rule."""

    kind: Kind | None
    code: str | None
    area: str | None
    unit: str | None
    role: Role | None
    limit: TimeLimit
    action: str = ""

    def unit_for(self, street: str | None = None, district: str | None = None) -> str | None:
        """The responsible unit id: the named unit, or the case's street / district for a role."""
        match self.role:
            case "street":
                return street
            case "district":
                return district
        return self.unit


@dataclass(frozen=True)
class Handbook:
    title: str
    source: str
    catalogue: Catalogue
    units: dict[str, str]
    rules: dict[tuple[Kind, str, str | None], Rule]
    default: Rule | None = None

    def rule_for(self, category: str, area: str | Sequence[str] | None = None, kind: Kind | None = None) -> Rule:
        """The rule for ``category`` (code or name); ``area`` the case's areas, most specific first."""
        cat = self.catalogue.find(category, kind)
        areas = [area] if isinstance(area, str) else list(area or [])
        for a in [*areas, None]:
            hit = self.rules.get((cat.kind, cat.code, a))
            if hit is not None:
                return hit
        if self.default is None:
            raise UnknownCategory(f"{self.source} has no rule for {KIND_LABELS[cat.kind]} {cat.code} {cat.name}")
        return self.default


def load_handbook(path: Path | str | None = None, catalogue: Catalogue | None = None) -> Handbook:
    """The handbook in ``path`` (default: bundled ``cases/data/handbook.yaml``); ConfigError if unusable."""
    data, label = read_yaml(Path(path) if path is not None else None, "handbook.yaml")
    cats = catalogue or load_categories()
    try:
        parsed = _HandbookFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(label, pydantic_problems(exc)) from exc
    problems: list[str] = []
    rules: dict[tuple[Kind, str, str | None], Rule] = {}
    where: dict[tuple[Kind, str, str | None], int] = {}
    known_units = ", ".join(parsed.units)
    for i, r in enumerate(parsed.rules):
        if parsed.units and r.unit is not None and r.unit not in parsed.units:
            problems.append(f"rules[{i}]: unit '{r.unit}' is not one of units: {known_units}")
        try:
            cat = cats.find(r.category, r.kind)
        except UnknownCategory as exc:
            problems.append(f"rules[{i}]: {exc}")
            continue
        key = (cat.kind, cat.code, r.area)
        if key in where:
            place = f" in area {r.area}" if r.area else ""
            problems.append(
                f"rules[{i}]: {cat.name} ({KIND_LABELS[cat.kind]} {cat.code}){place} already has a "
                f"rule (rules[{where[key]}])"
            )
            continue
        where[key] = i
        rules[key] = Rule(cat.kind, cat.code, r.area, r.unit, r.role, r.limit, r.action)
    default = None
    if parsed.default is not None:
        d = parsed.default
        if parsed.units and d.unit is not None and d.unit not in parsed.units:
            problems.append(f"default: unit '{d.unit}' is not one of units: {known_units}")
        default = Rule(None, None, None, d.unit, d.role, d.limit, d.action)
    if problems:
        raise ConfigError(label, problems)
    return Handbook(parsed.title, label, cats, dict(parsed.units), rules, default)


def deadline_for(
    handbook: Handbook,
    calendar: WorkCalendar,
    category: str,
    area: str | Sequence[str] | None,
    dispatched_at: datetime,
    kind: Kind | None = None,
) -> datetime:
    """When a case of ``category`` in ``area`` dispatched at ``dispatched_at`` must be disposed of."""
    limit = handbook.rule_for(category, area, kind).limit
    if limit.working_hours is not None:
        return calendar.add_working_hours(dispatched_at, limit.working_hours)
    assert limit.working_days is not None
    return calendar.add_working_days(dispatched_at, limit.working_days)


@dataclass(frozen=True)
class WorkingClock:
    """A calendar's office hours from ``first`` to ``last`` as columns, for working-time arithmetic on columns.

    ``starts``/``lengths`` are the office-hour windows (µs since the epoch, sorted), ``before`` the working
    µs before each window; ``workdays`` the sorted working days.  Build it a year past the last case so no
    deadline falls off the end (that raises ValueError rather than guessing).
    """

    starts: pl.Series
    lengths: pl.Series
    before: pl.Series
    workdays: pl.Series
    _ends: pl.Series = field(repr=False)

    @classmethod
    def build(cls, calendar: WorkCalendar, first: date, last: date) -> WorkingClock:
        starts: list[datetime] = []
        lengths: list[int] = []
        days: list[date] = []
        d = first
        while d <= last:
            if calendar.is_workday(d):
                days.append(d)
                for begin, end in calendar.hours:
                    s, e = datetime.combine(d, begin), datetime.combine(d, end)
                    starts.append(s)
                    lengths.append((e - s) // timedelta(microseconds=1))
            d += timedelta(days=1)
        start_us = pl.Series("starts", starts, dtype=pl.Datetime("us")).dt.epoch("us")
        length = pl.Series("lengths", lengths, dtype=pl.Int64)
        before = length.cum_sum() - length
        return cls(start_us, length, before, pl.Series("workdays", days, dtype=pl.Date), before + length)

    def elapsed(self, t: pl.Series) -> pl.Series:
        """Working µs from the clock's start to each ``t`` (Int64; null stays null)."""
        t_us = t.cast(pl.Datetime("us")).dt.epoch("us")
        if self.starts.is_empty():
            return t_us * 0  # no office hours at all: no working time passes
        i = (self.starts.search_sorted(t_us, side="right").cast(pl.Int64) - 1).clip(0)
        frame = pl.DataFrame(
            {"t": t_us, "s": self.starts.gather(i), "n": self.lengths.gather(i), "b": self.before.gather(i)}
        )
        return frame.select(pl.col("b") + (pl.col("t") - pl.col("s")).clip(0, pl.col("n"))).to_series()

    def hours_between(self, a: pl.Series, b: pl.Series) -> pl.Series:
        """Office hours from ``a`` to ``b`` (0 when b is not after a), Float64."""
        return ((self.elapsed(b) - self.elapsed(a)).clip(0) / _US_PER_HOUR).alias("hours")

    def add_hours(self, start: pl.Series, hours: pl.Series) -> pl.Series:
        """``start`` plus ``hours`` (> 0) of office time, like :meth:`WorkCalendar.add_working_hours`."""
        target = self.elapsed(start) + (hours.cast(pl.Float64) * _US_PER_HOUR).round(0).cast(pl.Int64)
        j = self._ends.search_sorted(target.fill_null(0), side="left").cast(pl.Int64)
        self._check_range(j, self.starts.len(), "working hours")
        j = j.clip(0, self.starts.len() - 1)
        out = self.starts.gather(j) + (target - self.before.gather(j))
        return out.cast(pl.Datetime("us")).alias("deadline")

    def add_days(self, start: pl.Series, days: pl.Series) -> pl.Series:
        """The same clock time on the ``days``-th working day after ``start``'s day (0: ``start`` itself)."""
        day = start.cast(pl.Datetime("us")).dt.date()
        k = self.workdays.search_sorted(day.fill_null(self.workdays[0]), side="right").cast(pl.Int64)
        idx = k + days.cast(pl.Int64) - 1
        self._check_range(idx.filter(days > 0), self.workdays.len(), "working days")
        target = self.workdays.gather(idx.clip(0, self.workdays.len() - 1))
        frame = pl.DataFrame({"start": start.cast(pl.Datetime("us")), "day": target, "n": days})
        moved = pl.col("day").cast(pl.Datetime("us")) + (pl.col("start") - pl.col("start").dt.truncate("1d"))
        return frame.select(pl.when(pl.col("n") > 0).then(moved).otherwise(pl.col("start"))).to_series()

    @staticmethod
    def _check_range(idx: pl.Series, size: int, what: str) -> None:
        top = idx.max()
        if isinstance(top, int) and top >= size:
            raise ValueError(f"a deadline in {what} falls after the end of the working clock; build it longer")


def rules_frame(handbook: Handbook) -> pl.DataFrame:
    """One row per rule (the default last, null kind/code): rule, kind, code, area, unit, role, hours, days, limit."""
    rules = [*handbook.rules.values(), *([handbook.default] if handbook.default else [])]
    rows = [
        (i, r.kind, r.code, r.area, r.unit, r.role, _hours(r.limit), r.limit.working_days, str(r.limit))
        for i, r in enumerate(rules)
    ]
    schema = {
        "rule": pl.Int64,
        "kind": pl.String,
        "code": pl.String,
        "area": pl.String,
        "unit": pl.String,
        "role": pl.String,
        "hours": pl.Float64,
        "days": pl.Int64,
        "limit": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def assign(cases: pl.DataFrame, handbook: Handbook, clock: WorkingClock) -> pl.DataFrame:
    """``unit_id``, ``deadline`` and ``limit`` (text) for each case, column-wise; same row order as ``cases``.

    ``cases`` needs kind, category (code or name) and dispatched_at; ``street`` and ``district`` (optional)
    select area rules and the unit of role rules.  A category without a rule gets the default rule; with no
    default its unit and deadline are null.
    """
    cat = handbook.catalogue.frame().select("kind", "code", "name")
    rules = rules_frame(handbook)
    base = cases.select(
        "kind",
        "category",
        "dispatched_at",
        street=pl.col("street") if "street" in cases.columns else pl.lit(None, pl.String),
        district=pl.col("district") if "district" in cases.columns else pl.lit(None, pl.String),
    ).with_row_index("_i")
    by_code = base.join(cat.select("kind", "code", category="code"), on=["kind", "category"], how="left")
    by_name = base.join(cat.select("kind", "code", category="name"), on=["kind", "category"], how="left")
    keyed = base.with_columns(code=pl.coalesce(by_code.sort("_i")["code"], by_name.sort("_i")["code"]))
    picks = []
    for area_col in ("street", "district", None):
        on = ["kind", "code", *([area_col] if area_col else [])]
        side = rules.filter(pl.col("area").is_not_null() if area_col else pl.col("area").is_null())
        side = side.select("kind", "code", *([pl.col("area").alias(area_col)] if area_col else []), "rule")
        picks.append(keyed.join(side, on=on, how="left").sort("_i")["rule"])
    default_ix = len(handbook.rules) if handbook.default else None
    chosen = keyed.with_columns(rule=pl.coalesce(*picks, pl.lit(default_ix, pl.Int64)))
    chosen = chosen.join(rules.drop("kind", "code", "area"), on="rule", how="left").sort("_i")
    hours, days = chosen["hours"], chosen["days"]
    by_hours = clock.add_hours(chosen["dispatched_at"], hours.fill_null(1.0))
    by_days = clock.add_days(chosen["dispatched_at"], days.fill_null(1))
    return chosen.select(
        unit_id=pl.when(pl.col("role") == "street")
        .then(pl.col("street"))
        .when(pl.col("role") == "district")
        .then(pl.col("district"))
        .otherwise(pl.col("unit")),
        deadline=pl.when(pl.col("hours").is_not_null()).then(by_hours).otherwise(by_days),
        limit="limit",
    )


def _hours(limit: TimeLimit) -> float | None:
    return float(limit.working_hours) if limit.working_hours is not None else None
