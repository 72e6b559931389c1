"""检查计划 page: the office sees each plan's commitment, state and done/planned per unit and team, overdue
plans first; a unit account is refused the page (the policy's plans.progress).

Worked by hand: plan 2024-06 on checklist 督查, monthly × 2, quota 1, one team of two (insp1, insp2), units d1
and d2 → 2 visits.  insp1 enters one 督查 deduction for d1 → d1 1/1, d2 0/1, team 1/2, done 1/2; June 2024 is
over (the app's clock is today) and the plan is not complete → overdue.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from kaoping.app.facts import one_row, write_row
from kaoping.app.plans import create_plan, draw_plan, parse_spec
from kaoping.app.policy import Principal
from kaoping.roles import Role
from kaoping.scheme.inspection import commitment
from kaoping.store.db import transaction

OFFICE = Principal(username="admin", role=Role.ADMIN)
SEED = "ab" * 32


def _plan(web: Any) -> int:
    values = {"scheme": "city-1000", "period": "2024-06", "name": "6月暗访", "part": "督查", "visit": "unannounced"}
    values |= {"frequency": "monthly", "per_month": 2, "quota": 1, "teams": 1, "team_size": 2}
    at = datetime(2024, 6, 1, 9, 0)
    with transaction(web.factory) as s:
        plan_id = create_plan(s, OFFICE, parse_spec(values), at, seed=SEED).id
        draw_plan(s, OFFICE, plan_id, at, units=["d1", "d2"], inspectors=["insp1", "insp2"])
        row = {"date": date(2024, 6, 5), "unit_id": "d1", "part": "督查", "item": "", "points": 1.0, "problem": "p"}
        write_row(s, "deductions", one_row("deductions", row), actor="insp1", reason="")
    return plan_id


def test_office_sees_progress_and_overdue(web: Any) -> None:
    plan_id = _plan(web)
    web.login("admin")
    page = web.client.get("/plans")
    assert page.status_code == 200, page.text
    html = page.text
    assert "已超期未完成的计划：1 个" in html
    assert commitment(SEED) in html
    card = html[html.index(f'id="plan-{plan_id}"') :]
    assert re.search(r'class="num plan-done">1/2<', card)
    assert re.search(r'data-unit="d1"><td>d1</td><td class="num">1/1<', card)
    assert re.search(r'data-unit="d2"><td>d2</td><td class="num">0/1<', card)
    assert re.search(r"<td>第1组</td><td class=\"num\">1/2<", card)
    assert 'href="/plans"' in html  # in the office's header
    web.login("jiaqu")
    assert web.client.get("/plans").status_code == 403
    assert web.client.get(f"/api/plans/{plan_id}").status_code == 403  # unannounced, not revealed
