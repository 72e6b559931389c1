"""The chart islands the dashboard embeds, on a small store worked by hand (城管局市容环境, windows
07:00–22:00 in July and 07:00–21:30 in November): the map and tiles count only the deductions the score
counted (a 250-point deduction at 23:45 does not paint a unit), the trend runs per group and shows a year's
months, axes say when they do not start at zero, and the crowded group gets an inset (issue 15.5)."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dashboard_testing import PASSWORD, island, office_client
from db_testing import Build, opened_store
from examples_testing import EXAMPLES
from kaoping.store.db import transaction
from kaoping.store.tables import UnitArea
from kaoping.store.users import create_user
from store_testing import write_all_facts
from web_testing import ranking_rows

SECRET = "dashboard-charts-" + "c" * 32
LATE = "2024-07-19,23:45,zf2,市容环境,市容秩序,250,日常巡查,夜间占道经营,交通路\n"
"""The issue's row: 250 points found at 23:45, outside July's window 07:00–22:00, so the score ignores it."""


def square(x: float, y: float, size: float) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]}


def _appearance_with_a_late_deduction(url: str) -> None:
    """examples/city-appearance plus :data:`LATE`; the 第一系列 in a small box in the middle of the others."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "facts"
        shutil.copytree(EXAMPLES / "city-appearance", folder)
        with (folder / "deductions.csv").open("a", encoding="utf-8") as f:
            f.write(LATE)
        with opened_store(url) as factory:
            with transaction(factory) as s:
                write_all_facts(s, folder)
                create_user(s, username="admin", password=PASSWORD, role="admin", display_name="考评办")
            with transaction(factory) as s:
                for i, unit_id in enumerate(("bj1", "bj2", "qy1", "sq1", "sq2", "sc1", "ldd", "ldx", "lh")):
                    s.add(UnitArea(unit_id=unit_id, geometry=square(3 * (i % 3), 3 * (i // 3), 3)))
                for i, unit_id in enumerate(("zf1", "zf2", "kyz")):
                    s.add(UnitArea(unit_id=unit_id, geometry=square(4 + 0.3 * i, 4.4, 0.3)))


@pytest.fixture
def appearance_site(
    db_url: str, restore_snapshot: Callable[[Build], None], monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    build = _appearance_with_a_late_deduction
    with office_client(db_url, restore_snapshot, monkeypatch, build, "city-appearance", SECRET) as client:
        yield client


def kpis(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-kpi="([\w-]+)"><span class="kpi-value">([^<]*)<', page))


def test_map_and_tiles_count_only_what_the_score_counted(appearance_site: TestClient) -> None:
    page = appearance_site.get("/dashboard/city-appearance/2024-07").text
    units = {u["unit_id"]: u for u in island(page, "map-data")["units"]}
    # zf2: 2 at 10:20 and 2 at 22:00 (the window's end counts); 250 at 23:45 is outside → 96, not painted
    assert (units["zf2"]["deductions"], units["zf2"]["deduction_points"]) == (2, 4.0)
    # zf1: 2 at 09:15, 1 at 21:45; 3 at 22:30 is outside → 97.  bj1: 3 at 08:30; 2 at 06:40 is outside → 97
    assert (units["zf1"]["deductions"], units["zf1"]["deduction_points"]) == (2, 3.0)
    assert (units["bj1"]["deductions"], units["bj1"]["deduction_points"]) == (1, 3.0)
    # qy1's row has no time: it counts
    assert (units["qy1"]["deductions"], units["qy1"]["deduction_points"]) == (1, 2.0)
    totals = {unit_id: cells[-3] for unit_id, cells in ranking_rows(page)}
    assert (totals["zf2"], totals["zf1"], totals["bj1"]) == ("96.00", "97.00", "97.00")
    # 16 July rows, 3 outside the window: 13 counted, 26.5 points (3 + 4 + 4 + 3 + 1 + 2 + 2 + 3 + 1 + 2 + 1.5)
    assert kpis(page)["deductions"] == "13" and kpis(page)["deduction-points"] == "26.50"
    assert "另有 3 条不在考评时段内，未计入" in page
    assert sum(u["deductions"] for u in units.values()) == 13
    assert units["zf2"]["url"] == "/units/zf2?scheme=city-appearance&period=2024-07"
    assert '<a href="/units/zf2?scheme=city-appearance&amp;period=2024-07">综合执法二大队</a>' in page


def test_map_inset_for_the_crowded_group(appearance_site: TestClient) -> None:
    page = appearance_site.get("/dashboard/city-appearance/2024-07").text
    data = island(page, "map-data")
    assert data["inset"] == "第一系列" and len(data["features"]["features"]) == 12
    assert 'id="map-inset"' in page and 'data-group="第一系列"' in page


def test_trend_per_group_and_a_years_months(appearance_site: TestClient) -> None:
    page = appearance_site.get("/dashboard/city-appearance/2024").text
    trend = island(page, "trend-data")
    # the year view shows months (up to November, the last with facts), not one dot
    assert trend["periods"] == [f"2024-{m:02d}" for m in range(1, 12)]
    by_unit = {s["unit_id"]: s["totals"] for s in trend["series"]}
    # zf1 in November: 2 at 21:45 is outside 07:00–21:30, 1 at 10:00 counts → 99
    assert by_unit["zf1"] == [None] * 6 + [97.0, None, None, None, 99.0]
    assert [g["group"] for g in trend["groups"]] == ["第一系列", "第二系列", "第三系列", "第四系列"]
    # the unit to highlight is picked group by group, the units of each group as the trend lists them
    picker = page[page.index('<select id="trend-unit">') : page.index("</select>", page.index('id="trend-unit"'))]
    assert re.findall(r'<optgroup label="([^"]+)"', picker) == [g["group"] for g in trend["groups"]]
    assert re.findall(r'<option value="([^"]+)"', picker) == [u for g in trend["groups"] for u in g["units"]]
    first = trend["groups"][0]
    assert sorted(first["units"]) == ["kyz", "zf1", "zf2"]
    # July: zf1 97, zf2 96, kyz 96 → 96.3333; November: zf1 99, zf2 97, kyz 99 → 98.3333
    assert first["mean"][6] == pytest.approx(96.3333) and first["mean"][10] == pytest.approx(98.3333)
    assert first["mean"][:6] == [None] * 6
    # every total lies between 96 and 100: the axis does not start at zero, and the page says so
    assert trend["axis"] == {"min": 96.0, "max": 100.0, "includes_zero": False}
    assert re.search(r'class="muted small axis-note" data-axis-min="96.0">注意：纵轴从 96.00 起，不从 0 开始', page)
    # the table alternative: one row per unit and one per group mean
    start = page.index('id="trend-table"')
    table = page[start : page.index("</table>", start)]
    assert table.count('<tr class="group-mean"') == 4 and table.count("<tr data-unit=") == 12


def test_parts_are_bars_from_zero_with_a_table(appearance_site: TestClient) -> None:
    page = appearance_site.get("/dashboard/city-appearance/2024-07").text
    groups = island(page, "parts-data")["groups"]
    assert [g["axis"] for g in groups] == [{"min": 0.0, "max": 100.0, "includes_zero": True}] * 4
    assert groups[0]["max"] == [100.0] and groups[0]["mean"] == [pytest.approx(96.3333)]
    assert 'id="parts-table-0"' in page and "第一系列 · 市容环境" in page


def test_english_notes(appearance_site: TestClient) -> None:
    page = appearance_site.get("/dashboard/city-appearance/2024?lang=en").text
    assert "Note: the vertical axis starts at 96.00, not at 0" in page and "注意" not in page
    assert "Highlight" in page
    july = appearance_site.get("/dashboard/city-appearance/2024-07?lang=en").text
    assert "3 more outside the inspection window, not counted" in july and "未计入" not in july
