"""综合指标值 and grades: the level metrics' rates combined by weights from an indicator scheme file.

Plans weight the rates differently (one city counts 按期结案率 40%, another 30%), so weights and grade
thresholds live in a YAML file (bundled example: ``cases/data/indicators.yaml``).  The one mistake that
must never reach a result is weights that do not add up to 100%: a widely used open-source platform
weights its region value 10 + 20 + 30 + 10 = 70%, so no district can score above 70.  Loading such a
file fails with the file name and the weights listed.

The value is computed in Decimal per row of level metrics (there are few rows — one per grid, department
or person — so exactness at a grade boundary costs nothing).  :func:`engine_formula` writes a department
scheme as a formula over the unit metrics of :mod:`kaoping.cases.metrics`, so a scheme part with
``source: cases`` can be "computed from case metrics" with the same weights.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from pathlib import Path

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kaoping.cases import metrics as unit_metrics
from kaoping.cases.categories import ConfigError, pydantic_problems, read_yaml
from kaoping.cases.levels import COUNTS, LEVELS, NEEDS, RATES, REGION_TIERS, SHOWN

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


DEFAULT_GRADES = (("A", 90), ("B", 75), ("C", 60), ("D", 40))


class _SchemeFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = ""
    grades: dict[str, Decimal] = Field(default_factory=lambda: {k: Decimal(v) for k, v in DEFAULT_GRADES})
    lowest: str = "E"
    levels: dict[str, dict[str, Decimal]]


@dataclass(frozen=True)
class IndicatorScheme:
    """Weights (percent, adding to 100) per level and grade thresholds, highest first."""

    title: str
    source: str
    weights: dict[str, dict[str, Decimal]]
    grades: tuple[tuple[str, Decimal], ...]
    lowest: str = "E"

    def weights_for(self, level: str) -> dict[str, Decimal]:
        """The weights of ``level``; a region tier without its own section uses ``region``."""
        if level in self.weights:
            return self.weights[level]
        if level in REGION_TIERS and "region" in self.weights:
            return self.weights["region"]
        raise ConfigError(self.source, [f"no weights for level '{level}'; levels: {', '.join(self.weights)}"])

    def grade(self, value: Decimal) -> str:
        """The first grade whose threshold ``value`` reaches (A ≥ 90 …), else the lowest."""
        for letter, threshold in self.grades:
            if value >= threshold:
                return letter
        return self.lowest


def load_indicator_scheme(path: Path | str | None = None) -> IndicatorScheme:
    """The scheme in ``path`` (default: bundled ``cases/data/indicators.yaml``); ConfigError if unusable."""
    data, label = read_yaml(Path(path) if path is not None else None, "indicators.yaml")
    try:
        parsed = _SchemeFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(label, pydantic_problems(exc)) from exc
    problems = _grade_problems(parsed)
    for level, weights in parsed.levels.items():
        problems += _weight_problems(level, weights)
    if problems:
        raise ConfigError(label, problems)
    grades = tuple(parsed.grades.items())
    return IndicatorScheme(parsed.title, label, dict(parsed.levels), grades, parsed.lowest)


def _grade_problems(parsed: _SchemeFile) -> list[str]:
    problems = []
    values = list(parsed.grades.values())
    if not values:
        problems.append("grades: give at least one grade, e.g. {A: 90, B: 75, C: 60, D: 40}")
    if any(not 0 < v <= _HUNDRED for v in values):
        problems.append(f"grades: thresholds must be in (0, 100]; got {_listing(parsed.grades)}")
    if any(a <= b for a, b in pairwise(values)):
        problems.append(f"grades: thresholds must go down from the best grade; got {_listing(parsed.grades)}")
    if parsed.lowest in parsed.grades:
        problems.append(f"lowest: '{parsed.lowest}' is already a graded letter")
    return problems


def _weight_problems(level: str, weights: dict[str, Decimal]) -> list[str]:
    where = f"levels.{level}"
    if level != "region" and level not in LEVELS:
        return [f"{where}: unknown level; expected region or one of {', '.join(LEVELS)}"]
    rates = [m for m in SHOWN["grid" if level == "region" else level] if m in RATES]
    problems = []
    for name, weight in weights.items():
        if name in COUNTS or name == "受理数":
            problems.append(f"{where}.{name}: a count, not a rate; weights apply to rates ({', '.join(rates)})")
        elif name not in rates:
            problems.append(f"{where}.{name}: not a rate of this level; rates: {', '.join(rates)}")
        if weight < 0:
            problems.append(f"{where}.{name}: weight {weight} is negative")
    total = sum(weights.values(), Decimal(0))
    if total != _HUNDRED:
        problems.append(f"{where}: weights add up to {_num(total)}%, expected 100%: {_listing(weights, ' + ')}")
    return problems


def _num(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _listing(weights: Mapping[str, Decimal], sep: str = ", ") -> str:
    return sep.join(f"{k} {_num(v)}" for k, v in weights.items())


def composite(metrics_row: Mapping[str, object], scheme: IndicatorScheme) -> tuple[Decimal, str]:
    """(综合指标值 on 0–100 rounded to 0.01, grade) of one row of :func:`~kaoping.cases.levels.level_metrics`.

    The row's ``level`` picks the weights; each rate counts as rate × 100, or (1 − rate) × 100 when lower
    is better (返工率, 延期率).  A weighted rate missing from the row raises ConfigError naming it.
    """
    level = str(metrics_row.get("level", ""))
    weights = scheme.weights_for(level)
    total = Decimal(0)
    for name, weight in weights.items():
        raw = metrics_row.get(name)
        if not isinstance(raw, int | float | Decimal):
            column = NEEDS.get(RATES[name][0])
            why = f" (it needs the cases' '{column}' column)" if column else ""
            raise ConfigError(scheme.source, [f"{level}: rate {name} is not available in the metrics{why}"])
        rate = Decimal(str(raw))
        score = rate if RATES[name][2] else 1 - rate
        total += weight * score
    value = total.quantize(_CENT, rounding=ROUND_HALF_UP)
    return value, scheme.grade(value)


def with_composite(metrics: pl.DataFrame, scheme: IndicatorScheme) -> pl.DataFrame:
    """``metrics`` plus 综合指标值 (Float64) and 等级 columns, row by row through :func:`composite`."""
    pairs = [composite(row, scheme) for row in metrics.iter_rows(named=True)]
    return metrics.with_columns(
        pl.Series("综合指标值", [float(v) for v, _ in pairs], dtype=pl.Float64),
        pl.Series("等级", [g for _, g in pairs], dtype=pl.String),
    )


def engine_formula(scheme: IndicatorScheme, level: str = "department") -> str:
    """The level's weights as a scheme formula over the engine's unit metrics (percent rates).

    E.g. ``按期处置率 * 0.4 + 结案率 * 0.2 + 按期结案率 * 0.3 + (100 - 返工率) * 0.1``: a part with
    ``source: cases`` and this formula scores each unit with the same weights as :func:`composite`.
    """
    terms = []
    for name, weight in scheme.weights_for(level).items():
        if name not in unit_metrics.RATES:
            known = ", ".join(unit_metrics.RATES)
            raise ConfigError(scheme.source, [f"{level}: the engine's unit metrics have no {name} (they have {known})"])
        factor = _num(weight / _HUNDRED)
        terms.append(f"{name} * {factor}" if RATES[name][2] else f"(100 - {name}) * {factor}")
    return " + ".join(terms)
