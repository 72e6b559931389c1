"""The field app's test store (issue #16, points 3 and 5): examples/district-onsite (its scheme deducts by
district-onsite-standard), an inspector ``insp`` and another ``insp2``, a unit account ``u1-account``, u1's
area as a square in degrees around (30.00–30.02 N, 120.00–120.02 E), and a drawn plan of 2024-06 with one
visit to u1 by ``insp`` (task 1) and one to u2 by ``insp2`` only (task 2: not ``insp``'s).

Hand-worked points from the standard: SJ0104 道路不洁 1 a finding; SJ0103 积存垃圾渣土 0.5 a m², at most 5 a
finding (4 m² → 2, 20 m² → 5); SJ0102 暴露垃圾 1.
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import Any

from db_testing import opened_store
from examples_testing import EXAMPLES
from images_testing import photo, scene
from kaoping.store.db import transaction
from kaoping.store.plan_tables import InspectionPlanRow, PlanVisitRow
from kaoping.store.tables import UnitArea
from kaoping.store.users import create_user
from store_testing import write_all_facts
from web_testing import PASSWORD

NOW = datetime(2024, 6, 3, 9, 0)
"""The app's clock in these tests: a Monday morning of the plan's month."""
RING = [[120.0, 30.0], [120.02, 30.0], [120.02, 30.02], [120.0, 30.02], [120.0, 30.0]]
SQUARE = {"type": "Polygon", "coordinates": [RING]}
INSIDE = (30.01, 120.01)
OUTSIDE = (30.05, 120.01)


def seed_field(url: str) -> None:
    """district-onsite's facts, the accounts (and ``admin``), u1's area and the drawn plan (see above)."""
    with opened_store(url) as factory, transaction(factory) as s:
        write_all_facts(s, EXAMPLES / "district-onsite")
        create_user(s, username="admin", password=PASSWORD, role="admin", display_name="考评办")
        create_user(s, username="insp", password=PASSWORD, role="inspector", display_name="督查员甲")
        create_user(s, username="insp2", password=PASSWORD, role="inspector", display_name="督查员乙")
        create_user(s, username="u1-account", password=PASSWORD, role="unit", display_name="城东", unit_id="u1")
        s.add(UnitArea(unit_id="u1", geometry=SQUARE))
        plan = InspectionPlanRow(
            scheme="district-onsite", period="2024-06", name="6月日常巡查", part="日常考评", visit="announced",
            frequency="weekly", per_month=4, quota=1, teams=1, team_size=1, seed="5eed" * 16,
            commitment="0" * 64, drawn_by="admin", drawn_at=NOW, created_at=NOW, created_by="admin",
        )  # fmt: skip
        s.add(plan)
        s.flush()
        s.add(PlanVisitRow(plan_id=plan.id, round=1, position=1, unit_id="u1", team=1, inspectors=["insp"]))
        s.add(PlanVisitRow(plan_id=plan.id, round=1, position=2, unit_id="u2", team=1, inspectors=["insp2"]))


def jpeg(seed: int = 0) -> bytes:
    """A distinct camera-like JPEG (different scenes: no reuse flags between them)."""
    return photo(scene(seed))


def entry(**changes: Any) -> dict[str, Any]:
    """One queued entry as the app sends it: SJ0104 道路不洁 at u1, inside its area, with a photo."""
    lat, lon = INSIDE
    row: dict[str, Any] = {
        "key": str(uuid.uuid4()),
        "unit_id": "u1",
        "part": "日常考评",
        "item": "道路保洁",
        "problem_kind": "SJ0104",
        "recorded_at": "2024-06-03T08:30:00",
        "problem": "路面有垃圾",
        "location": "建设路 12 号",
        "lat": lat,
        "lon": lon,
        "accuracy_m": 8,
        "photo": {"name": "IMG_0001.jpg", "data": base64.b64encode(jpeg()).decode()},
    }
    return row | changes
