"""检查计划 over HTTP (SQLite and PostgreSQL): the commitment answered at creation and in the audit trail before the
draw; a unit refused an unannounced plan (403, through the policy table) until it is revealed; verify."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.api.conftest import Api

PLAN = {
    "scheme": "test-office",
    "period": "2024-06",
    "name": "6月暗访",
    "part": "督查考评",
    "visit": "unannounced",
    "frequency": "monthly",
    "per_month": 2,
    "quota": 1,
    "teams": 1,
    "team_size": 1,
}


def test_unannounced_plan_hidden_from_units_until_revealed(api: Api) -> None:
    admin, unit, dept = api.as_("admin"), api.as_("jiaqu"), api.as_("cgj")
    created = api.client.post("/api/plans", json=PLAN, headers=admin)
    assert created.status_code == 201, created.text
    plan = created.json()
    assert plan["seed"] is None and len(plan["commitment"]) == 64 and plan["rounds"] == 2
    url = f"/api/plans/{plan['id']}"
    assert api.client.get(url, headers=unit).status_code == 403
    assert api.client.get("/api/plans", headers=unit).json() == []
    assert api.client.get(url, headers=dept).status_code == 200
    assert api.client.post(f"{url}/draw", json={}, headers=unit).status_code == 403
    drawn = api.client.post(f"{url}/draw", json={}, headers=admin)  # every unit, every inspector account (dcy)
    assert drawn.status_code == 200, drawn.text
    assert drawn.json()["draw"]["teams"] == {"1": ["dcy"]}
    assert api.client.get(f"{url}/verify", headers=admin).status_code == 409  # not revealed yet
    assert api.client.get(url, headers=unit).status_code == 403  # drawn, but not done
    actions = [e["action"] for e in api.audit() if e["table_name"] == "inspection_plans"]
    assert actions == ["plan_commit", "plan_draw"]  # committed before the draw
    revealed = api.client.post(f"{url}/reveal", headers=admin)  # June 2024 is over
    assert revealed.status_code == 200, revealed.text
    seed = revealed.json()["seed"]
    assert hashlib.sha256(seed.encode()).hexdigest() == plan["commitment"]
    seen = api.client.get(url, headers=unit)
    assert seen.status_code == 200 and seen.json()["seed"] == seed
    check = api.client.get(f"{url}/verify", headers=unit).json()
    assert check == {"plan_id": plan["id"], "ok": True, "commitment": plan["commitment"], "problems": []}


def test_a_plan_is_for_a_month_and_named_once(api: Api) -> None:
    admin = api.as_("admin")
    quarter = api.client.post("/api/plans", json=PLAN | {"period": "2024-Q2"}, headers=admin)
    assert (
        quarter.status_code == 422 and "考评期（period）：检查计划按月制定（YYYY-MM），而不是 2024-Q2" in quarter.text
    )
    none = api.client.post("/api/plans", json=PLAN | {"per_month": 0}, headers=admin)
    assert none.status_code == 422 and "每月轮次（per_month）：应不小于 1" in none.text
    english = api.client.post("/api/plans", json=PLAN | {"teams": 0}, headers=admin)
    assert english.status_code == 422 and english.json()["errors"][0]["message_en"] == "teams: expected a value ≥ 1"
    assert api.client.post("/api/plans", json=PLAN, headers=admin).status_code == 201
    assert api.client.post("/api/plans", json=PLAN, headers=admin).status_code == 409
    progress = api.client.get("/api/plans/progress", headers=admin).json()
    assert [(p["plan"], p["planned"], p["overdue"]) for p in progress] == [("test-office/2024-06/6月暗访", 0, True)]


def test_a_plan_names_a_scheme_the_office_runs_and_one_of_its_deduction_parts(api: Api) -> None:
    admin = api.as_("admin")
    other = api.client.post("/api/plans", json=PLAN | {"scheme": "nansha"}, headers=admin)
    assert other.status_code == 422 and "本系统未运行方案 nansha" in other.text
    wrong = api.client.post("/api/plans", json=PLAN | {"part": "第三方测评"}, headers=admin)
    assert wrong.status_code == 422 and "“第三方测评”不是方案 test-office 的扣分项目；应为 督查考评" in wrong.text
