"""金川市, the fictional city of `kaoping demo`: its units, their map, and the people who evaluate them.

Everything here is fixed (not drawn from the seed): the city should look the same in every demo, so a
screenshot in the docs matches what a new user sees.  The map is drawn from three closed curves around a
centre near 104°E 36°N — the old town (钟楼街道), the ring of urban districts and the counties around
them — cut into sectors at shared angles, so neighbouring units share their borders exactly and no two
areas overlap; the dashboard draws it offline with ECharts ``registerMap``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

CITY = "金川市"
SCHEME = "demo-city"
CENTRE = (104.0, 36.0)
"""Longitude and latitude of the city centre."""
_LON_SCALE = 1 / math.cos(math.radians(CENTRE[1]))
"""A degree of longitude is shorter than one of latitude at 36°N: stretch x so the map looks round."""
_STEP = 3
"""Degrees between two border points: fine enough to look drawn, small enough for a light GeoJSON."""


@dataclass(frozen=True)
class DemoUnit:
    """One evaluated unit: ids and names as units.csv has them, plus what shapes its generated data."""

    unit_id: str
    name: str
    group: str
    username: str
    """Its 被考评单位 account."""
    quality: float
    """How well it is run, 0–1: drives its scores, the problems inspectors find and its notices."""
    grids: int
    """数字城管 grids in its area: more grids, more cases."""
    ring: int
    """0 the old town, 1 the urban ring, 2 the counties."""
    sector: tuple[int, int]
    """Start and end angle (degrees, counter-clockwise from east) of its part of the ring."""
    roads: tuple[str, ...]
    reward_eligible: bool = True


URBAN = "城区组"
COUNTY = "县市组"
UNITS: tuple[DemoUnit, ...] = (
    DemoUnit("dh", "东湖区", URBAN, "donghu", 0.90, 30, 1, (-30, 30), ("解放路", "东湖大道", "人民路", "建设街")),
    DemoUnit("bh", "滨河街道", URBAN, "binhe", 0.93, 18, 1, (30, 90), ("滨河路", "望江路", "金桥街")),
    DemoUnit("bt", "北塔区", URBAN, "beita", 0.87, 26, 1, (90, 150), ("北塔路", "朝阳街", "胜利路", "青年路")),
    DemoUnit("xl", "西岭区", URBAN, "xiling", 0.88, 26, 1, (150, 210), ("西岭大道", "光明街", "文化路", "幸福路")),
    DemoUnit("nq", "南桥区", URBAN, "nanqiao", 0.83, 28, 1, (210, 270), ("南门街", "河滨路", "团结路", "民主路")),
    DemoUnit("gx", "高新区", URBAN, "gaoxin", 0.92, 22, 1, (270, 330), ("科技大道", "创业路", "振兴街")),
    DemoUnit("zl", "钟楼街道", URBAN, "zhonglou", 0.89, 16, 0, (0, 360), ("钟楼街", "鼓楼巷", "新华街")),
    DemoUnit("hk", "河口县", COUNTY, "hekou", 0.91, 14, 2, (0, 60), ("河口大街", "码头路", "渔港街")),
    DemoUnit("sl", "松岭县", COUNTY, "songling", 0.86, 12, 2, (60, 120), ("松岭路", "林场街", "迎宾路")),
    DemoUnit("qs", "青山县", COUNTY, "qingshan", 0.92, 14, 2, (120, 180), ("青山大道", "县前街", "花园路")),
    DemoUnit("bhx", "白河县", COUNTY, "baihe", 0.85, 12, 2, (180, 240), ("白河路", "城关街", "长江路")),
    DemoUnit("sm", "石门市", COUNTY, "shimen", 0.88, 16, 2, (240, 300), ("石门大道", "黄河路", "友谊街")),
    DemoUnit("xq", "金川新区", COUNTY, "xinqu", 0.90, 10, 2, (300, 360), ("产业大道", "金川路", "翠湖路"), False),
)
GROUPS = (URBAN, COUNTY)

DEPARTMENTS: dict[str, tuple[str, ...]] = {
    # 部门考评: which 市直部门 score which content item (several departments per item are averaged)
    "市容秩序": ("市城管局", "市市场监管局"),
    "环境卫生": ("市城管局", "市生态环境局"),
    "园林绿化": ("市园林局",),
    "市政设施": ("市住建局", "市城管局"),
    "违法建设治理": ("市自然资源局", "市城管局"),
    "城乡环卫一体化": ("市城管局", "市农业农村局"),
}
THIRD_PARTY = "金川市民意调查中心"
INSPECTORS: tuple[tuple[str, str], ...] = (
    ("ducha", "张伟"),
    ("ducha2", "李娜"),
    ("ducha3", "王强"),
    ("ducha4", "赵敏"),
)
"""督查员: (username, name); deductions carry the name as their ``source``."""
CENTRE_STAFF = {
    "registrars": ("受理员陈静", "受理员刘洋", "受理员孙丽", "受理员周杰"),
    "dispatchers": ("派遣员吴磊", "派遣员郑芳", "派遣员冯涛"),
    "shift_leads": ("值班长何军", "值班长高敏", "值班长林峰", "值班长罗霞"),
}
"""The 数字城管 centre's staff, as the case lifecycle names its actors."""


def unit(unit_id: str) -> DemoUnit:
    return next(u for u in UNITS if u.unit_id == unit_id)


# --- the map -------------------------------------------------------------------------------------------


def _radius(ring: int, degrees: float) -> float:
    """The outer border of ``ring`` at an angle, in degrees of latitude: a circle with gentle bumps.

    Sums of sines with whole frequencies are periodic, so each border closes on itself, and the bumps
    stay small enough that ring 0 < ring 1 < ring 2 at every angle (the areas never cross).
    """
    t = math.radians(degrees)
    match ring:
        case 0:
            return 0.035 * (1 + 0.10 * math.sin(3 * t + 0.4))
        case 1:
            return 0.16 * (1 + 0.12 * math.sin(3 * t + 1.0) + 0.05 * math.sin(7 * t + 2.0))
        case _:
            return 0.55 * (1 + 0.15 * math.sin(2 * t + 0.5) + 0.07 * math.sin(5 * t + 1.3))


def _point(ring: int, degrees: float) -> list[float]:
    r = _radius(ring, degrees)
    t = math.radians(degrees)
    lon = CENTRE[0] + r * math.cos(t) * _LON_SCALE
    lat = CENTRE[1] + r * math.sin(t)
    return [round(lon, 5), round(lat, 5)]


def _arc(ring: int, start: int, end: int) -> list[list[float]]:
    """Border points of ``ring`` from ``start`` to ``end`` degrees, counter-clockwise, both ends included."""
    return [_point(ring, a) for a in range(start, end + 1, _STEP)]


def area(u: DemoUnit) -> dict[str, object]:
    """The unit's area as a GeoJSON Polygon (one closed, counter-clockwise exterior ring).

    The old town is the inside of ring 0; every other unit is the band between its ring's inner and outer
    border within its sector: along the outer border counter-clockwise, then back along the inner one.
    """
    start, end = u.sector
    if u.ring == 0:
        ring = _arc(0, 0, 360 - _STEP)
    else:
        ring = _arc(u.ring, start, end) + list(reversed(_arc(u.ring - 1, start, end)))
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def outline() -> dict[str, object]:
    """The whole city's outer border as a GeoJSON Polygon: the units' areas tile exactly this."""
    ring = _arc(2, 0, 360 - _STEP)
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
