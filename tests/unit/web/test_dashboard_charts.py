"""The dashboard's chart islands: trend per group with its mean, the year's months, parts as bars from zero,
axes that start at zero or say they do not, and the map's inset and unit links."""

from __future__ import annotations

from typing import Any

import pytest

from dashboard_testing import result, unit
from kaoping.engine.result import GroupResult, PeriodResult
from kaoping.periods import PeriodKind, month, quarter, year_period
from kaoping.scheme import load_scheme
from kaoping.web import dashboard_charts as dc
from kaoping.web.dashboard_data import Activity


def test_trend_periods_of_a_month_a_year_with_months_and_a_yearly_scheme() -> None:
    months = [2024 * 12 + m for m in range(5)]  # January to May 2024
    assert dc.trend_periods(month(2024, 3), months, PeriodKind.MONTH) == [month(2024, m) for m in (1, 2, 3)]
    # the year view shows the year's months up to the last with facts, not one dot
    assert dc.trend_periods(year_period(2024), months, PeriodKind.MONTH) == [month(2024, m) for m in range(1, 6)]
    assert dc.trend_periods(year_period(2024), months, PeriodKind.QUARTER) == [quarter(2024, 1), quarter(2024, 2)]
    assert dc.trend_periods(year_period(2023), months, PeriodKind.MONTH) == [month(2023, m) for m in range(1, 13)]
    years = [2022 * 12, 2024 * 12, 2025 * 12]
    assert dc.trend_periods(year_period(2024), years, PeriodKind.YEAR) == [year_period(2022), year_period(2024)]


def test_trend_marks_periods_without_data_and_unranked_units() -> None:
    march = result(unit("a", 1, "90"), unrated=(unit("b", 0, "0", rated=False),))
    april = result(unit("b", 1, "88"), unit("a", 2, "80"))
    points = [(month(2024, 2), result(unit("a", 1, "30"), evaluated=False)), (month(2024, 3), march)]
    points.append((month(2024, 4), april))
    out = dc.trend(points)
    assert out["periods"] == ["2024-02", "2024-03", "2024-04"]
    assert out["series"] == [
        {"unit_id": "b", "name": "单位b", "group": "A", "totals": [None, None, 88.0]},
        {"unit_id": "a", "name": "单位a", "group": "A", "totals": [None, 90.0, 80.0]},
    ]
    assert out["groups"] == [{"group": "A", "units": ["b", "a"], "mean": [None, 90.0, 84.0]}]
    # 80–90 sits far above zero: the axis runs 80–90 on steps of 2 and says it does not start at zero
    assert out["axis"] == {"min": 80.0, "max": 90.0, "includes_zero": False}


def test_trend_per_group_in_ranking_order() -> None:
    now = PeriodResult(
        "s",
        "2024-05",
        [
            GroupResult("城区组", [unit("c1", 1, "92", group="城区组"), unit("c2", 2, "78", group="城区组")]),
            GroupResult("县市组", [unit("x1", 1, "95", group="县市组")]),
        ],
    )
    out = dc.trend([(month(2024, 5), now)])
    assert [(g["group"], g["units"], g["mean"]) for g in out["groups"]] == [
        ("城区组", ["c1", "c2"], [85.0]),
        ("县市组", ["x1"], [95.0]),
    ]


@pytest.mark.parametrize(
    ("values", "axis"),
    [
        ([78.0, 99.0], {"min": 75.0, "max": 100.0, "includes_zero": False}),
        ([0.0, 30.0], {"min": 0.0, "max": 30.0, "includes_zero": True}),
        ([10.0, 30.0], {"min": 0.0, "max": 30.0, "includes_zero": True}),  # 10 < half of 30: from zero
        ([-3.0, 8.0], {"min": -5.0, "max": 10.0, "includes_zero": True}),
        ([None, 30.0, 30.0], {"min": 30.0, "max": 31.0, "includes_zero": False}),
        ([], {"min": 0.0, "max": 1.0, "includes_zero": True}),
    ],
)
def test_value_axis(values: list[float | None], axis: dict[str, Any]) -> None:
    assert dc.value_axis(values) == axis


def test_part_comparison_bars_from_zero_to_the_largest_maximum() -> None:
    scheme = load_scheme("district-onsite")
    now = result(unit("a", 1, "25", 日常考评="18", 月督查考评="7"), unit("b", 2, "20", 日常考评="16", 月督查考评="4"))
    group = dc.part_comparison(scheme, now)["groups"][0]
    assert group["parts"] == ["日常考评", "月督查考评"] and group["max"] == [20.0, 10.0]
    assert group["mean"] == [17.0, 5.5] and group["units"][1]["values"] == [16.0, 4.0]
    assert group["axis"] == {"min": 0.0, "max": 20.0, "includes_zero": True}
    big = result(unit("a", 1, "60", 日常考评="45", 月督查考评="15"))
    assert dc.part_comparison(scheme, big)["groups"][0]["max"] == [45.0, 15.0]


def test_map_data_keeps_valid_areas_only_and_links_each_unit() -> None:
    poly = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
    areas = {"a": poly, "b": {"type": "Point", "coordinates": [0, 0]}, "c": "nonsense"}
    now = result(unit("a", 1, "9"), unit("b", 2, "8"), unrated=(unit("c", 0, "0", rated=False),))
    out = dc.map_data(now, areas, {"b": Activity(deductions=3, points=4.5, cases=1)}, "demo city", "2024-05")
    assert out["features"] == {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "a",
                "properties": {"name": "单位a", "unit_id": "a", "group": "A"},
                "geometry": poly,
            }
        ],
    }
    assert [(u["unit_id"], u["has_area"], u["deductions"], u["cases"]) for u in out["units"]] == [
        ("a", True, 0, 0),
        ("b", False, 3, 1),
        ("c", False, 0, 0),
    ]
    assert out["units"][0]["url"] == "/units/a?scheme=demo+city&period=2024-05"
    assert out["inset"] is None
    assert dc.map_data(now, {}, {})["features"] is None


def square(x: float, y: float, size: float) -> dict[str, Any]:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "MultiPolygon", "coordinates": [[ring]]}


def test_map_inset_is_the_crowded_group() -> None:
    town = [unit("c1", 1, "9", group="城区"), unit("c2", 2, "8", group="城区")]
    county = [unit("x1", 1, "9", group="县"), unit("x2", 2, "8", group="县")]
    now = PeriodResult("s", "2024-05", [GroupResult("城区", town), GroupResult("县", county)])
    # the counties fill a 10 × 10 box, the 城区 a 1 × 0.5 box in its centre: 1/200 of the map
    areas = {"x1": square(0, 0, 5), "x2": square(5, 5, 5), "c1": square(4.5, 5, 0.5), "c2": square(5, 5, 0.5)}
    assert dc.map_data(now, areas, {})["inset"] == "城区"
    # areas of like size side by side: nothing is crowded, no inset
    spread = {"x1": square(0, 0, 5), "x2": square(5, 0, 5), "c1": square(0, 5, 5), "c2": square(5, 5, 5)}
    assert dc.map_data(now, spread, {})["inset"] is None
    assert dc.map_data(now, {"c1": square(0, 0, 1), "c2": square(1, 0, 1)}, {})["inset"] is None  # one group
