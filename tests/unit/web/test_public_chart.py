"""The public bar chart's value axis starts at zero (issue #15, point 5): on an axis from 82, 82.7 looked like
a tenth of 92.  The page computes the bounds (charts.js only draws them) and says so under the chart."""

from __future__ import annotations

from pathlib import Path

from kaoping.web.pages import _chart

STATIC = Path(__file__).resolve().parents[3] / "src" / "kaoping" / "web" / "static"


def test_totals_of_82_to_92_are_drawn_from_zero() -> None:
    document = {
        "groups": [{"group": "城区", "ranking": [{"unit": "甲", "total": "92.35"}, {"unit": "乙", "total": "82.7"}]}]
    }
    (chart,) = _chart(document)
    assert chart["units"] == ["甲", "乙"] and chart["totals"] == ["92.35", "82.7"]
    assert chart["axis"] == {"min": 0.0, "max": 100.0, "includes_zero": True}  # steps of 20 over 0–92.35


def test_a_negative_total_still_has_zero_on_the_axis() -> None:
    ranking = [{"unit": "甲", "total": -3}, {"unit": "乙", "total": 8}]
    (chart,) = _chart({"groups": [{"group": "g", "ranking": ranking}]})
    assert chart["axis"] == {"min": -5.0, "max": 10.0, "includes_zero": True}


def test_the_script_draws_the_pages_bounds_not_its_own() -> None:
    script = (STATIC / "charts.js").read_text(encoding="utf-8")
    assert "scale: true" not in script and "min: g.axis.min, max: g.axis.max" in script
