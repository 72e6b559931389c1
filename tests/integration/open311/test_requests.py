"""GET requests over HTTP: the 90-day window (default and maximum), filters by service_code, status and
dates, the service_request_id list that overrides them, 404 for an unknown id, 400 for bad parameters."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.open311.conftest import Server


def _bad(server: Server, code: int, phrase: str, **params: str) -> None:
    for fmt in ("json", "xml"):
        r = server.get(f"/requests.{fmt}", **params)
        assert r.status_code == code, (params, r.text)
        errors = r.json() if fmt == "json" else server.rows_of(server.xml(r))
        assert [str(e["code"]) for e in errors] == [str(code)] * len(errors)
        assert any(phrase in str(e["description"]) for e in errors), (phrase, errors)


def test_default_window_is_the_last_90_days_newest_first_and_unpublished_categories_stay_hidden(
    server: Server,
) -> None:
    # NOW is 2024-06-14 10:00: IMP-OLD (2024-01-10) is out of the window, IMP-HIDDEN has no service
    assert server.ids() == ["IMP-OPEN", "IMP-CLOSED"]
    root = server.xml(server.get("/requests.xml"))
    assert [m.findtext("service_request_id") for m in root] == ["IMP-OPEN", "IMP-CLOSED"]
    closed = next(r for r in server.get("/requests.json").json() if r["service_request_id"] == "IMP-CLOSED")
    assert closed["agency_responsible"] is None  # who answers for it is shown once its period is published
    server.publish("2024-Q2")
    closed = next(r for r in server.get("/requests.json").json() if r["service_request_id"] == "IMP-CLOSED")
    assert (closed["service_code"], closed["service_name"]) == ("CP0101", "井盖")  # 井盖破损 is an alias
    assert closed["status"] == "closed" and closed["status_notes"].startswith("结案 ")
    assert closed["agency_responsible"] == "甲区"
    assert closed["expected_datetime"] == "2024-05-02T12:00:00+08:00"  # the case's own deadline
    assert closed["updated_datetime"] == "2024-05-02T11:00:00+08:00"  # its closed_at
    assert closed["lat"] is None and closed["description"] is None  # imported: no Open311 fields


def test_explicit_windows_and_their_limits(server: Server) -> None:
    assert server.ids(start_date="2024-01-01T00:00:00Z", end_date="2024-03-01T00:00:00Z") == ["IMP-OLD"]
    # offsets are honoured: 2024-01-10 09:00 in Beijing is 01:00 UTC
    assert server.ids(start_date="2024-01-10T01:00:00Z", end_date="2024-01-10T01:00:00Z") == ["IMP-OLD"]
    assert server.ids(start_date="2024-01-10T01:00:01Z", end_date="2024-01-11T00:00:00+08:00") == []
    # bare dates: local days, end_date inclusive of its whole day
    assert server.ids(start_date="2024-06-03", end_date="2024-06-03") == ["IMP-OPEN"]
    # one bound alone reaches 90 days the other way
    assert server.ids(start_date="2024-01-01") == ["IMP-OLD"]
    assert server.ids(end_date="2024-05-31") == ["IMP-CLOSED"]
    # exactly 90 days is allowed, a second more is not
    assert server.ids(start_date="2024-03-01T00:00:00+08:00", end_date="2024-05-30T00:00:00+08:00") == ["IMP-CLOSED"]
    _bad(
        server,
        400,
        "spans more than 90 days",
        start_date="2024-03-01T00:00:00+08:00",
        end_date="2024-05-30T00:00:01+08:00",
    )
    _bad(server, 400, "spans more than 90 days", start_date="2024-01-01", end_date="2024-06-14")
    _bad(server, 400, "end_date is before start_date", start_date="2024-06-01", end_date="2024-05-01")
    _bad(server, 400, "start_date 'yesterday' is not a W3C datetime", start_date="yesterday")
    _bad(server, 400, "end_date '2024-13-01'", end_date="2024-13-01")


def test_filters_by_service_code_and_status(server: Server) -> None:
    assert server.ids(service_code="CP0101") == ["IMP-CLOSED"]
    assert server.ids(service_code="EV0501,CP0101") == ["IMP-OPEN", "IMP-CLOSED"]
    assert server.ids(service_code="EV0102") == []  # IMP-OLD is 暴露垃圾 but outside the window
    assert server.ids(service_code="EV0102", start_date="2024-01-01") == ["IMP-OLD"]
    assert server.ids(status="open") == ["IMP-OPEN"]
    assert server.ids(status="closed") == ["IMP-CLOSED"]
    assert server.ids(status="open,closed") == ["IMP-OPEN", "IMP-CLOSED"]
    assert server.ids(status="closed", service_code="EV0501") == []
    _bad(server, 400, "status 'pending' is not open or closed", status="pending")
    _bad(server, 400, "service_code 'XX0000' is not a service", service_code="EV0102,XX0000")


def test_service_request_id_list_overrides_every_other_filter(server: Server) -> None:
    got = server.ids(service_request_id="IMP-OLD,IMP-OPEN,NO-SUCH", status="closed", service_code="CP0101")
    assert got == ["IMP-OPEN", "IMP-OLD"]
    assert server.ids(service_request_id="IMP-HIDDEN") == []  # not a published category
    root = server.xml(server.get("/requests.xml", service_request_id="IMP-OLD"))
    assert [m.findtext("service_request_id") for m in root] == ["IMP-OLD"]


def test_one_request_by_id_and_404_for_an_unknown_one(server: Server) -> None:
    [one] = server.get("/requests/IMP-OPEN.json").json()
    assert one["status"] == "open"
    assert one["status_notes"] == "派遣 dispatched to the responsible unit"
    assert one["expected_datetime"] == "2024-06-03T13:00:00+08:00"
    for missing in ("NO-SUCH", "IMP-HIDDEN"):
        r = server.get(f"/requests/{missing}.json")
        assert r.status_code == 404
        assert r.json() == [{"code": 404, "description": f"service_request_id '{missing}' was not found"}]
        x = server.get(f"/requests/{missing}.xml")
        assert x.status_code == 404
        assert server.rows_of(server.xml(x)) == [
            {"code": "404", "description": f"service_request_id '{missing}' was not found"}
        ]
