"""Point in a unit's area (issue #16.5): ray casting on GeoJSON polygons in degrees, holes excluded; an area in
planar coordinates gives no answer (None) rather than a false warning; the place two entries are compared by."""

from __future__ import annotations

from kaoping.app.field_points import place_of, point_in_area

SQUARE = [[120.0, 30.0], [120.02, 30.0], [120.02, 30.02], [120.0, 30.02], [120.0, 30.0]]
HOLE = [[120.005, 30.005], [120.015, 30.005], [120.015, 30.015], [120.005, 30.015], [120.005, 30.005]]


def test_inside_outside_and_holes() -> None:
    square = {"type": "Polygon", "coordinates": [SQUARE]}
    assert point_in_area(square, 30.01, 120.01) is True
    assert point_in_area(square, 30.03, 120.01) is False
    assert point_in_area(square, 30.01, 119.99) is False
    holed = {"type": "Polygon", "coordinates": [SQUARE, HOLE]}
    assert point_in_area(holed, 30.01, 120.01) is False  # in the hole
    assert point_in_area(holed, 30.002, 120.002) is True
    shifted = [[x + 1, y] for x, y in SQUARE]
    multi = {"type": "MultiPolygon", "coordinates": [[SQUARE], [shifted]]}
    assert point_in_area(multi, 30.01, 121.01) is True


def test_no_answer_for_planar_or_broken_areas() -> None:
    planar = {"type": "Polygon", "coordinates": [[[0, 0], [500, 0], [500, 500], [0, 500], [0, 0]]]}
    assert point_in_area(planar, 30.0, 120.0) is None
    assert point_in_area({"type": "Point", "coordinates": [120, 30]}, 30.0, 120.0) is None
    assert point_in_area({"type": "Polygon", "coordinates": "x"}, 30.0, 120.0) is None


def test_place_is_the_text_else_the_rounded_point() -> None:
    assert place_of("  建设路   12 号 ", 30.0, 120.0) == "建设路 12 号"
    assert place_of("", 30.012345, 120.000049) == "30.0123,120.0000"
    assert place_of("", None, None) == ""
