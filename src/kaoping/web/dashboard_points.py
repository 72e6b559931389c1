"""问题点位 on the dashboard (issue #16.5): the period's deductions that carry a point, as points (and heat) per
category, for the map layer of ``dashboard.js``.

Only deductions the score counted are drawn — dated in the period and not left out by the engine (found outside
an inspection window, :func:`kaoping.web.dashboard_data.excluded_rows`) — so the layer never shows a problem
that cost a unit nothing, as the area colours do not.  A category is the deduction's item (考评内容), else its
part.  The points come from the facts the page scored (a published period: its frozen snapshot).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from kaoping.engine.result import PeriodResult
from kaoping.facts import Facts
from kaoping.periods import Period
from kaoping.web.dashboard_data import excluded_rows

MAX_POINTS = 5000
"""Points sent to the page at most (the newest first): a heavy month draws as heat, not as 50 000 dots."""


def problem_points(facts: Facts, period: Period, result: PeriodResult) -> dict[str, Any]:
    """``{"categories": [...], "points": [[lon, lat, points, category index, unit name, row], ...], "total": n}``
    — ``total`` counts every counted row with a point, ``points`` holds at most :data:`MAX_POINTS` of them."""
    frame = facts.deductions
    if "lat" not in frame.columns:
        return {"categories": [], "points": [], "total": 0}
    names = {u.unit_id: u.name for u in result.units()}
    counted = frame.filter(
        period.holds("date")
        & ~pl.col("_row").is_in(excluded_rows(facts, result))
        & pl.col("lat").is_not_null()
        & pl.col("lon").is_not_null()
        & pl.col("unit_id").is_in(list(names))
    ).with_columns(category=pl.when(pl.col("item") != "").then(pl.col("item")).otherwise(pl.col("part")))
    categories = sorted(counted.get_column("category").unique().to_list())
    index = {c: i for i, c in enumerate(categories)}
    shown = counted.sort(["date", "_row"], descending=True).head(MAX_POINTS)
    points = [
        [r["lon"], r["lat"], r["points"], index[r["category"]], names[r["unit_id"]], r["_row"]]
        for r in shown.iter_rows(named=True)
    ]
    return {"categories": categories, "points": points, "total": counted.height}
