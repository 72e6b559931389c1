"""扣分点位 on a unit's page: its deductions' points drawn over its area as a small SVG, built on the server.

No tiles and no script: the area's polygon (``unit_areas``) and the points are projected onto a 300 × 300 box
(longitude right, latitude up, one scale for both axes so shapes keep their proportions — at a city's size
the error of ignoring the latitude's cosine is the office's to accept on a sketch).  Each point carries its
row id and a ``<title>`` the browser shows; a deduction the score did not count is drawn hollow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SIZE = 300.0
PAD = 12.0


@dataclass(frozen=True)
class MapPoint:
    row_id: int
    x: float
    y: float
    counted: bool
    title: str


@dataclass(frozen=True)
class PointMap:
    paths: tuple[str, ...]
    """SVG path data of the area's rings."""
    points: tuple[MapPoint, ...]


def _area_rings(geometry: dict[str, Any] | None) -> list[list[tuple[float, float]]]:
    """The rings of a GeoJSON Polygon or MultiPolygon (anything else: none)."""
    kind = (geometry or {}).get("type")
    coords: Any = (geometry or {}).get("coordinates")
    polygons: Any = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    try:
        return [[(float(p[0]), float(p[1])) for p in ring] for poly in polygons for ring in poly]
    except (TypeError, ValueError, IndexError):
        return []


def _in_degrees(ring: list[tuple[float, float]]) -> bool:
    return all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in ring)


def _projection(xys: list[tuple[float, float]]) -> Callable[[float, float], tuple[float, float]]:
    """(x, y) in degrees → SVG coordinates in the box, one scale for both axes, north up."""
    x0, y0 = min(x for x, _ in xys), min(y for _, y in xys)
    span = max(max(x for x, _ in xys) - x0, max(y for _, y in xys) - y0) or 0.001
    scale = (SIZE - 2 * PAD) / span

    def at(x: float, y: float) -> tuple[float, float]:
        return round(PAD + (x - x0) * scale, 1), round(SIZE - PAD - (y - y0) * scale, 1)

    return at


def point_map(geometry: dict[str, Any] | None, rows: list[Any], counted: set[int]) -> PointMap | None:
    """The map of ``rows`` (deductions; those without a point are left out) over ``geometry``; None: no point."""
    located = [r for r in rows if r.lat is not None and r.lon is not None]
    if not located:
        return None
    pts = [(float(r.lon), float(r.lat)) for r in located]
    rings = [ring for ring in _area_rings(geometry) if _in_degrees(ring)]
    at = _projection(pts + [p for ring in rings for p in ring])
    paths = tuple("M" + " L".join(f"{a},{b}" for a, b in (at(x, y) for x, y in ring)) + " Z" for ring in rings)
    points = tuple(
        MapPoint(r.id, *at(x, y), r.id in counted, f"#{r.id} {r.problem or r.item or r.part}（{y:.6f}, {x:.6f}）")
        for r, (x, y) in zip(located, pts, strict=True)
    )
    return PointMap(paths, points)
