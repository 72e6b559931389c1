"""Where a deduction is (扣分点位): inside the unit's area or not, and the place two entries are compared by.

A point outside the unit's area (``unit_areas``, the GeoJSON the dashboard's map draws) is a warning the
field app shows, never a refusal: a problem on a boundary road, or a GPS fix 30 m off, is still the unit's.
The area's coordinates are read as (longitude, latitude) — GeoJSON's order — and compared with the point
as they are, so an office whose areas come from a planar GIS export gets no warning it could trust; for
such an area (coordinates outside the degree ranges) the answer is "unknown", not "outside".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from kaoping.store.tables import UnitArea

Ring = list[tuple[float, float]]
PLACE_DIGITS = 4
"""A point without a location text is compared rounded to 4 decimals of a degree (about 10 m)."""


def _rings(geometry: dict[str, Any]) -> list[list[Ring]] | None:
    """The polygons of a GeoJSON Polygon or MultiPolygon, each as its rings (exterior first); None otherwise."""
    try:
        kind, coords = geometry.get("type"), geometry.get("coordinates")
        polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else None
        if not isinstance(polygons, list):
            return None
        return [[[(float(p[0]), float(p[1])) for p in ring] for ring in polygon] for polygon in polygons]
    except (TypeError, ValueError, IndexError, AttributeError):
        return None


def _inside_ring(ring: Ring, x: float, y: float) -> bool:
    """Ray casting: an odd number of edge crossings to the right of the point means inside."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def in_degrees(polygons: list[list[Ring]]) -> bool:
    return all(-180 <= x <= 180 and -90 <= y <= 90 for poly in polygons for ring in poly for x, y in ring)


def area_polygons(geometry: dict[str, Any]) -> list[list[Ring]] | None:
    """The area's polygons when it is a polygon in degrees (what a GPS point can be compared with), else None."""
    polygons = _rings(geometry)
    return polygons if polygons and in_degrees(polygons) else None


def point_in_area(geometry: dict[str, Any], lat: float, lon: float) -> bool | None:
    """Whether (lat, lon) lies in the area (inside an exterior ring and no hole); None when the geometry is
    not a polygon in degrees (nothing to say)."""
    polygons = area_polygons(geometry)
    if polygons is None:
        return None
    for exterior, *holes in polygons:
        if _inside_ring(exterior, lon, lat) and not any(_inside_ring(h, lon, lat) for h in holes):
            return True
    return False


def outside_area(session: Session, unit_id: str, lat: float | None, lon: float | None) -> bool:
    """Whether the point is known to lie outside the unit's area (no point, no area, planar area: False)."""
    if lat is None or lon is None:
        return False
    area = session.get(UnitArea, unit_id)
    return area is not None and point_in_area(area.geometry, lat, lon) is False


def place_of(location: str, lat: float | Decimal | None, lon: float | Decimal | None) -> str:
    """The place two entries are compared by: the location text as typed (trimmed), else the point rounded."""
    text = " ".join(location.split())
    if text or lat is None or lon is None:
        return text[:500]
    return f"{float(lat):.{PLACE_DIGITS}f},{float(lon):.{PLACE_DIGITS}f}"
