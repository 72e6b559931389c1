"""The office dashboard's chart islands — trend, part comparison, map — as pure functions of results.

Each chart says what it draws in plain JSON values, axis bounds included, so that what the page shows can be
tested without a browser (issue 15.5, "charts that tell the truth"): the trend per group with a group mean,
the part comparison as bars from zero against the group mean, the map with an inset of the densest group
(the 城区 squeezed in the centre of a city map) and each unit's page link.  A value axis that does not start
at zero says so (``includes_zero``); the page prints a visible note under such a chart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

from kaoping.engine.result import PeriodResult, UnitResult
from kaoping.periods import Period, PeriodKind, year_period
from kaoping.scheme import Scheme
from kaoping.web.dashboard_data import Activity

GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
INSET_SHARE = 1 / 9
"""A group whose areas fit in this share of the whole map's box is drawn again, enlarged, in an inset."""
ZERO_SHARE = 0.5
"""A value axis starts at zero when the data's lowest value is below this share of its highest."""


def _num(x: Decimal | None) -> float | None:
    return None if x is None else float(x)


# --- axes ---------------------------------------------------------------------------------------------


def _nice_step(span: float) -> float:
    """A round step (1, 2 or 5 times a power of ten) that cuts ``span`` into about five."""
    raw = span / 5 if span > 0 else 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def value_axis(values: Iterable[float | None]) -> dict[str, Any]:
    """Bounds of a value axis over ``values`` (None ignored), on round steps.

    The axis starts at zero unless every value sits high above it (the lowest is at least
    :data:`ZERO_SHARE` of the highest: totals of 78–99 would be flat lines on 0–100); then
    ``includes_zero`` is False and the page must say the axis does not start at zero.
    """
    seen = [v for v in values if v is not None]
    lo, hi = (min(seen), max(seen)) if seen else (0.0, 1.0)
    if lo <= 0 <= hi or (lo > 0 and lo < ZERO_SHARE * hi):
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    step = _nice_step(hi - lo)
    low = math.floor(lo / step) * step
    high = math.ceil(hi / step) * step
    if high <= low:
        high = low + step
    low, high = round(low, 6), round(high, 6)
    return {"min": low, "max": high, "includes_zero": low <= 0 <= high}


# --- trend --------------------------------------------------------------------------------------------


def trend_periods(period: Period, fact_months: Iterable[int], finer: PeriodKind | None) -> list[Period]:
    """The periods the trend chart shows.

    A month or quarter: those of its kind in its year up to it.  A year: its sub-periods of ``finer`` (the
    scheme's shortest evaluated kind — months in a year, not one dot) up to the last month with facts;
    a scheme that evaluates only years shows the years with facts up to it.
    """
    months = set(fact_months)
    if period.kind != PeriodKind.YEAR:
        return [p for p in year_period(period.year).subperiods(period.kind) if p <= period]
    if finer is None or finer == PeriodKind.YEAR:
        return [year_period(y) for y in sorted({m // 12 for m in months} | {period.year}) if y <= period.year]
    last = max(months, default=period.last)
    subs = period.subperiods(finer)
    return [p for p in subs if p.first <= last] or subs[:1]


def _order(points: Sequence[tuple[Period, PeriodResult | None]]) -> dict[str, UnitResult]:
    """Units group by group in the order of the latest result, earlier-only units after them."""
    order: dict[str, UnitResult] = {}
    for _, result in reversed(points):
        if result is not None:
            for g in result.groups:
                for u in (*g.ranking, *g.unrated):
                    order.setdefault(u.unit_id, u)
    return order


def _mean(values: Iterable[float | None]) -> float | None:
    seen = [v for v in values if v is not None]
    return round(sum(seen) / len(seen), 4) if seen else None


def trend(points: Sequence[tuple[Period, PeriodResult | None]]) -> dict[str, Any]:
    """Every unit's shown total across ``points`` (None where a period has no data or the unit no rank),
    and per group its units and the group mean per period — the chart draws one group at a time.

    Units are listed group by group in the order of the last result, so the table follows the ranking.
    """
    series: list[dict[str, Any]] = []
    for unit_id, u in _order(points).items():
        totals: list[float | None] = []
        for _, result in points:
            found = result.unit(unit_id) if result is not None and result.evaluated else None
            totals.append(_num(found.shown_total) if found is not None and found.rated else None)
        series.append({"unit_id": unit_id, "name": u.name, "group": u.group, "totals": totals})
    groups: list[dict[str, Any]] = []
    for name in dict.fromkeys(s["group"] for s in series):
        mine = [s for s in series if s["group"] == name]
        mean = [_mean(column) for column in zip(*(s["totals"] for s in mine), strict=True)]
        groups.append({"group": name, "units": [s["unit_id"] for s in mine], "mean": mean})
    axis = value_axis(t for s in series for t in s["totals"])
    return {"periods": [str(p) for p, _ in points], "series": series, "groups": groups, "axis": axis}


# --- part comparison ----------------------------------------------------------------------------------


def part_comparison(scheme: Scheme, result: PeriodResult) -> dict[str, Any]:
    """Per group: the top parts, each part's maximum, the group mean and every ranked unit's values.

    Drawn as bars from zero, one unit against the group mean.  The maximum is the scheme's part maximum,
    or the highest value seen when that is larger (a year summing quarters goes past a quarter's maximum);
    the axis runs from zero to the largest maximum.
    """
    maxima = {p.name: p.max for p in scheme.parts if p.max is not None}
    groups = []
    for g in result.groups:
        if not g.ranking:
            continue
        parts = list(g.ranking[0].top_parts)
        values = [[float(u.parts.get(p, Decimal(0))) for p in parts] for u in g.ranking]
        columns = list(zip(*values, strict=True))
        mean = [round(sum(col) / len(col), 4) for col in columns]
        top = [max(float(maxima.get(p, 0)), *col, 1.0) for p, col in zip(parts, columns, strict=True)]
        units = [{"unit_id": u.unit_id, "name": u.name, "values": v} for u, v in zip(g.ranking, values, strict=True)]
        axis = value_axis([0.0, *top])
        groups.append({"group": g.group, "parts": parts, "max": top, "mean": mean, "units": units, "axis": axis})
    return {"groups": groups}


# --- map ----------------------------------------------------------------------------------------------


def valid_geometry(geometry: Any) -> bool:
    """A GeoJSON Polygon or MultiPolygon with coordinates: anything else would make ECharts throw."""
    return (
        isinstance(geometry, dict)
        and geometry.get("type") in GEOMETRY_TYPES
        and isinstance(geometry.get("coordinates"), list)
        and bool(geometry["coordinates"])
    )


def _points(coordinates: Any) -> Iterable[tuple[float, float]]:
    if isinstance(coordinates, list) and len(coordinates) >= 2 and all(isinstance(c, int | float) for c in coordinates):
        yield float(coordinates[0]), float(coordinates[1])
    elif isinstance(coordinates, list):
        for inner in coordinates:
            yield from _points(inner)


def _box_area(features: Iterable[Mapping[str, Any]]) -> float:
    xs, ys = [], []
    for f in features:
        for x, y in _points(f["geometry"]["coordinates"]):
            xs.append(x)
            ys.append(y)
    return (max(xs) - min(xs)) * (max(ys) - min(ys)) if xs else 0.0


def inset_group(features: Sequence[Mapping[str, Any]]) -> str | None:
    """The group drawn again in an inset: of two or more groups with areas, the one whose areas fill the
    smallest box, when that box is at most :data:`INSET_SHARE` of the whole map's (the 城区 of a city)."""
    groups = list(dict.fromkeys(f["properties"]["group"] for f in features))
    if len(groups) < 2:
        return None
    whole = _box_area(features)
    boxes = {g: _box_area([f for f in features if f["properties"]["group"] == g]) for g in groups}
    dense = min(groups, key=lambda g: boxes[g])
    return dense if whole > 0 and boxes[dense] <= INSET_SHARE * whole else None


def unit_url(unit_id: str, scheme: str, period: str) -> str:
    """The unit's page for this period, where a click on the map or a row leads."""
    return f"/units/{quote(unit_id, safe='')}?{urlencode({'scheme': scheme, 'period': period})}"


def map_data(
    result: PeriodResult, areas: Mapping[str, Any], acts: Mapping[str, Activity], scheme: str = "", period: str = ""
) -> dict[str, Any]:
    """The map island: a FeatureCollection of the units' areas (None when no valid area is stored), the
    group shown enlarged in an inset (None when none is crowded), and per unit its counted deductions and
    cases in the period (the values the map colours, and its table) with the link to its page."""
    everyone = [u for g in result.groups for u in (*g.ranking, *g.unrated)]
    features = [
        {
            "type": "Feature",
            "id": u.unit_id,
            "properties": {"name": u.name, "unit_id": u.unit_id, "group": u.group},
            "geometry": areas[u.unit_id],
        }
        for u in everyone
        if valid_geometry(areas.get(u.unit_id))
    ]
    units = []
    for u in everyone:
        a = acts.get(u.unit_id, Activity())
        units.append(
            {
                "unit_id": u.unit_id,
                "name": u.name,
                "group": u.group,
                "url": unit_url(u.unit_id, scheme, period),
                "has_area": valid_geometry(areas.get(u.unit_id)),
                "deductions": a.deductions,
                "deduction_points": a.points,
                "cases": a.cases,
            }
        )
    collection = {"type": "FeatureCollection", "features": features} if features else None
    return {"features": collection, "inset": inset_group(features), "units": units}
