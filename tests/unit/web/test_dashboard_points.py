"""The dashboard's 问题点位 layer data (issue #16.5): only deductions dated in the period, counted by the score
(not excluded by the engine) and carrying a point; one category per item (else the part); capped at MAX_POINTS,
newest first, with the total said."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import polars as pl
import pytest

from kaoping.facts import facts_from_frames
from kaoping.periods import parse_period
from kaoping.web import dashboard_points
from kaoping.web.dashboard_points import problem_points

ROWS = [
    # date, unit, part, item, points, lat, lon           _row
    (date(2024, 6, 3), "u1", "日常考评", "道路保洁", 1.0, 30.01, 120.01),  # 2: counted
    (date(2024, 6, 4), "u1", "日常考评", "", 2.0, 30.02, 120.02),  # 3: counted, no item → the part
    (date(2024, 6, 5), "u2", "日常考评", "暴露垃圾", 1.0, 30.03, 120.03),  # 4: excluded by the engine
    (date(2024, 6, 6), "u2", "日常考评", "暴露垃圾", 3.0, None, None),  # 5: no point
    (date(2024, 5, 30), "u1", "日常考评", "道路保洁", 1.0, 30.04, 120.04),  # 6: another month
    (date(2024, 6, 7), "zz", "日常考评", "道路保洁", 1.0, 30.05, 120.05),  # 7: not a unit of the result
]


def _facts() -> Any:
    names = ["date", "unit_id", "part", "item", "points", "lat", "lon"]
    frame = pl.DataFrame([dict(zip(names, r, strict=True)) for r in ROWS])
    return facts_from_frames(deductions=frame)


def _result(facts: Any) -> Any:
    units = [SimpleNamespace(unit_id="u1", name="城东"), SimpleNamespace(unit_id="u2", name="城西")]
    excluded = [SimpleNamespace(file=facts.label("deductions"), row=4)]
    return SimpleNamespace(units=lambda: units, excluded=excluded)


def test_only_counted_rows_with_a_point_in_the_period() -> None:
    facts = _facts()
    found = problem_points(facts, parse_period("2024-06"), _result(facts))
    assert found["categories"] == ["日常考评", "道路保洁"]
    assert found["points"] == [
        [120.02, 30.02, 2.0, 0, "城东", 3],
        [120.01, 30.01, 1.0, 1, "城东", 2],
    ]
    assert found["total"] == 2


def test_capped_newest_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dashboard_points, "MAX_POINTS", 1)
    facts = _facts()
    found = problem_points(facts, parse_period("2024-06"), _result(facts))
    assert [p[5] for p in found["points"]] == [3] and found["total"] == 2
