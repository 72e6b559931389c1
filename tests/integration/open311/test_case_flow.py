"""An Open311 batch request through the case flow (issue #17), over the wire: the token names no request
until the 受理员 registers it (立案), then its id; the request's status follows the steps — open while
dispatched, fed back and returned, closed once a 监督员's verification passes (结案)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from images_testing import image
from kaoping.app import case_flow as flow
from kaoping.app import case_queues as queues
from kaoping.app.case_rules import office_rules
from kaoping.app.policy import Principal
from kaoping.open311.tables import Open311Request
from kaoping.roles import Role

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.open311.conftest import Server

ACCEPTOR = Principal(username="shouli", role=Role.ACCEPTOR)
SUPERVISOR = Principal(username="jiandu", role=Role.SUPERVISOR)
D1 = Principal(username="d1-acct", role=Role.UNIT, unit_id="d1")


def _case_of(server: Server, token: str) -> str:
    deadline = time.monotonic() + 10  # filed by a background task after the answer
    while time.monotonic() < deadline:
        with server.factory() as s:
            case_id = s.scalar(select(Open311Request.case_id).where(Open311Request.token == token))
        if case_id:
            return case_id
        time.sleep(0.05)
    raise AssertionError("the batch request was not filed")


def _request(server: Server, case_id: str) -> dict[str, str]:
    [found] = server.get(f"/requests/{case_id}.json").json()
    return found


def test_a_batch_request_registered_dispatched_reworked_and_closed(server: Server) -> None:
    form = {"api_key": server.KEY, "service_code": "EV0101", "lat": "36.0671", "long": "120.3826"}
    r = server.post("/requests.json", form | {"attribute[structure]": "steel", "description": "楼顶彩钢棚"})
    assert r.status_code == 200, r.text
    token = r.json()[0]["token"]
    case_id = _case_of(server, token)
    with server.factory() as s:  # a pending intake in the 受理员's queue
        assert case_id in [i.case_id for i in queues.intake_queue(s, ACCEPTOR, server.NOW)]
    assert server.get(f"/tokens/{token}.json").json() == [{"service_request_id": None, "token": token}]

    with server.factory() as s:
        flow.register(s, ACCEPTOR, case_id, datetime(2024, 6, 14, 10, 5))
    assert server.get(f"/tokens/{token}.json").json() == [{"service_request_id": case_id, "token": token}]
    assert _request(server, case_id)["status"] == "open"

    rules = office_rules([])
    with server.factory() as s:
        # 私搭乱建 goes to the 属地街道 (no unit named): the dispatcher picks d1, no reason needed
        held = flow.dispatch(s, ACCEPTOR, rules, case_id, "d1", datetime(2024, 6, 14, 10, 30))
        assert held.row.deadline == datetime(2024, 7, 12, 10, 30)  # 20 working days (端午 06-10 was before)
        flow.feedback(s, D1, case_id, "已拆除", [flow.Photo("a.png", image("PNG", (44, 30)))], datetime(2024, 6, 20, 9))
        flow.verify(s, SUPERVISOR, case_id, False, datetime(2024, 6, 20, 15), note="仍有残留")
    found = _request(server, case_id)
    # back with the unit (返工); the count is told only once the month is published (accountable)
    assert (found["status"], found["status_notes"]) == ("open", "派遣 dispatched to the responsible unit")
    with server.factory() as s:
        flow.feedback(s, D1, case_id, "已清理", [flow.Photo("b.png", image("PNG", (46, 30)))], datetime(2024, 6, 21, 9))
        flow.verify(s, SUPERVISOR, case_id, True, datetime(2024, 6, 21, 11))
    found = _request(server, case_id)
    assert (found["status"], found["status_notes"]) == ("closed", "结案 closed: verified as resolved")
