"""A request followed through the lifecycle over HTTP: open at every step with the step in status_notes,
closed at 结案 or 作废; expected_datetime becomes the dispatch deadline; the status filter follows."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from kaoping.cases.calendar import WorkCalendar
from kaoping.cases.lifecycle import Event

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.open311.conftest import Server


def _post(server: Server, **form: str) -> str:
    base = {"api_key": server.KEY, "service_code": "EV0102", "address_string": "香港中路 10 号"}
    r = server.post("/requests.json", base | form)
    assert r.status_code == 200, r.text
    case_id: str = r.json()[0]["service_request_id"]
    return case_id


def _shown(server: Server, case_id: str) -> dict[str, str]:
    [json_row] = server.get(f"/requests/{case_id}.json").json()
    [xml_row] = server.rows_of(server.xml(server.get(f"/requests/{case_id}.xml")))
    assert xml_row == {k: server.as_xml_text(v) for k, v in json_row.items()}
    return {k: json_row[k] for k in ("status", "status_notes", "updated_datetime", "expected_datetime")}


def test_a_request_stays_open_through_the_steps_and_closes_at_jiean(server: Server) -> None:
    case_id = _post(server)
    t0 = server.NOW
    calendar = WorkCalendar.china([2024])
    deadline = calendar.add_working_hours(t0 + timedelta(minutes=20), 4)  # 暴露垃圾: 4 working hours
    steps = [
        (Event.REGISTER, t0 + timedelta(minutes=10), None, "立案 registered"),
        (Event.DISPATCH, t0 + timedelta(minutes=20), deadline, "派遣 dispatched"),
        (Event.ACCEPT, t0 + timedelta(minutes=30), None, "处置 disposing"),
        (Event.FEEDBACK, t0 + timedelta(hours=1), None, "处理反馈 feedback"),
        (Event.VERIFY, t0 + timedelta(hours=2), None, "核查 verifying"),
        (Event.FAIL, t0 + timedelta(hours=2, minutes=30), None, "派遣 dispatched"),
        (Event.FEEDBACK, t0 + timedelta(hours=3), None, "处理反馈 feedback"),
        (Event.VERIFY, t0 + timedelta(hours=4), None, "核查 verifying"),
    ]
    for event, at, new_deadline, note in steps:
        server.advance(case_id, event, at, new_deadline)
        shown = _shown(server, case_id)
        assert shown["status"] == "open", event
        assert shown["status_notes"].startswith(note), (event, shown)
        assert shown["updated_datetime"] == at.isoformat() + "+08:00"
    assert deadline.isoformat() + "+08:00" == "2024-06-14T15:50:00+08:00"  # 10:20 + 4 office hours
    assert _shown(server, case_id)["expected_datetime"] == "2024-06-14T15:50:00+08:00"
    after_fail = server.get(f"/requests/{case_id}.json").json()[0]["status_notes"]
    assert "返工" not in after_fail  # a rework counts against the unit: shown once the period is published
    server.publish("2024-06")
    after_fail = server.get(f"/requests/{case_id}.json").json()[0]["status_notes"]
    assert "返工 1 次 / reworked 1 time" in after_fail
    assert case_id in server.ids(status="open") and case_id not in server.ids(status="closed")

    closed_at = t0 + timedelta(hours=5)
    server.advance(case_id, Event.PASS, closed_at)
    shown = _shown(server, case_id)
    assert shown["status"] == "closed"
    assert shown["status_notes"] == "结案 closed: verified as resolved"
    assert shown["updated_datetime"] == "2024-06-14T15:00:00+08:00"
    assert case_id in server.ids(status="closed") and case_id not in server.ids(status="open")


def test_an_invalid_report_is_closed_with_a_note_and_a_suspended_case_stays_open(server: Server) -> None:
    invalid = _post(server)
    server.advance(invalid, Event.INVALIDATE, server.NOW + timedelta(minutes=5))
    shown = _shown(server, invalid)
    assert (shown["status"], shown["status_notes"]) == ("closed", "作废: not a valid report")
    assert shown["expected_datetime"] is None  # no deadline, and none is expected of an invalid report

    suspended = _post(server, service_code="CP0201", lat="36.06", long="120.38")
    server.advance(suspended, Event.REGISTER, server.NOW + timedelta(minutes=5))
    server.advance(suspended, Event.DISPATCH, server.NOW + timedelta(minutes=6), server.NOW + timedelta(days=7))
    server.advance(suspended, Event.SUSPEND, server.NOW + timedelta(days=1))
    shown = _shown(server, suspended)
    assert (shown["status"], shown["status_notes"]) == ("open", "挂账 suspended: a long-term case, kept open")
    assert server.ids(status="closed", service_code="EV0102") == [invalid]
    assert suspended in server.ids(status="open", service_code="CP0201")
