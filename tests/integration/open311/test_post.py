"""POST requests over HTTP: a realtime request becomes an audited case with its Open311 fields, a batch
request a token that becomes a request id once the centre registers it (立案), a blackbox request a case
without an id; and every refusal (403 key, 404 service, 400 form) in both formats, writing nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from kaoping.cases.lifecycle import Event
from kaoping.open311.intake import process_pending, submit
from kaoping.open311.params import parse_post
from kaoping.open311.routes import PREFIX
from kaoping.open311.tables import Open311Request
from kaoping.store.tables import AuditEntry, CaseRow, CaseTransition

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.open311.conftest import Server

PRIVATE = ("email", "first_name", "last_name", "phone", "device_id", "account_id")


def _form(server: Server, **extra: Any) -> dict[str, Any]:
    return {"api_key": server.KEY, "service_code": "EV0102", "lat": "36.0671", "long": "120.3826", **extra}


def _count(server: Server, table: Any) -> int:
    with server.factory() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def test_realtime_request_files_a_reported_case_and_reads_back_in_json_and_xml(server: Server) -> None:
    form = _form(
        server,
        service_code="EV0501",
        address_string="市南区香港中路 10 号",
        address_id="QD-370202-0001",
        description="人行道上有人摆摊卖水果\n早晚都有",
        media_url="https://img.example.cn/a.jpg",
        email="citizen@example.cn",
        device_id="dev-1",
        account_id="acct-42",
        first_name="小明",
        last_name="王",
        phone="13800000000",
    )
    form["attribute[times][]"] = ["morning", "evening"]
    r = server.post("/requests.json", form)
    assert r.status_code == 200, r.text
    [answer] = r.json()
    case_id = answer["service_request_id"]
    assert case_id.startswith("311-20240614-")
    assert answer["account_id"] == "acct-42"
    assert "处置时限 2 个工作小时" in answer["service_notice"]

    with server.factory() as s:
        case = s.scalars(select(CaseRow).where(CaseRow.case_id == case_id)).one()
        extra = s.scalars(select(Open311Request).where(Open311Request.case_id == case_id)).one()
        audit = s.scalars(select(AuditEntry).where(AuditEntry.row_key == case.nkey)).one()
        steps = s.scalar(select(func.count()).where(CaseTransition.case_id == case_id))
    assert (case.unit_id, case.kind, case.category, case.reported_at) == ("center", "event", "占道经营", server.NOW)
    assert case.dispatched_at is None and case.deadline is None and steps == 0  # 信息收集: not yet 立案
    assert case.src_file == "open311"
    assert (audit.action, audit.actor, audit.table_name) == ("insert", "open311:test-app", "cases")
    assert extra.attributes == {"times": ["morning", "evening"]}
    assert extra.contact == {
        "email": "citizen@example.cn",
        "device_id": "dev-1",
        "first_name": "小明",
        "last_name": "王",
        "phone": "13800000000",
    }
    assert (extra.latitude, extra.longitude, extra.client) == (36.0671, 120.3826, "test-app")

    [got] = server.get(f"/requests/{case_id}.json").json()
    assert got["agency_responsible"] is None  # until the month is published (issue 14, point 11)
    server.publish("2024-06")
    [got] = server.get(f"/requests/{case_id}.json").json()
    assert got == {
        "service_request_id": case_id,
        "status": "open",
        "status_notes": "信息收集 reported: waiting for the command centre to accept it",
        "service_name": "占道经营",
        "service_code": "EV0501",
        "description": "人行道上有人摆摊卖水果\n早晚都有",
        "agency_responsible": "指挥中心",
        "service_notice": answer["service_notice"],
        "requested_datetime": "2024-06-14T10:00:00+08:00",
        "updated_datetime": "2024-06-14T10:00:00+08:00",
        "expected_datetime": "2024-06-14T12:00:00+08:00",  # 10:00 + 2 office hours (处置时限)
        "address": "市南区香港中路 10 号",
        "address_id": "QD-370202-0001",
        "zipcode": None,
        "lat": 36.0671,
        "long": 120.3826,
        "media_url": "https://img.example.cn/a.jpg",
    }
    assert not set(PRIVATE) & set(got)

    root = server.xml(server.get(f"/requests/{case_id}.xml"))
    assert root.tag == "service_requests" and [m.tag for m in root] == ["request"]
    assert server.rows_of(root) == [{k: server.as_xml_text(v) for k, v in got.items()}]

    x = server.post("/requests.xml", _form(server))
    assert x.status_code == 200
    [xml_answer] = server.rows_of(server.xml(x))
    assert set(xml_answer) == {"service_request_id", "service_notice", "account_id"}
    assert xml_answer["service_request_id"] and xml_answer["account_id"] is None


def test_batch_request_answers_a_token_that_becomes_a_request_id_once_registered(server: Server) -> None:
    r = server.post("/requests.json", _form(server, service_code="EV0101", **{"attribute[structure]": "steel"}))
    assert r.status_code == 200, r.text
    [answer] = r.json()
    assert "service_request_id" not in answer
    token = answer["token"]
    case_id = server.filed(token)
    # a pending intake (信息收集): the centre has not registered it, so the token names no request yet
    assert server.get(f"/tokens/{token}.json").json() == [{"service_request_id": None, "token": token}]
    server.advance(case_id, Event.REGISTER, server.NOW)  # 立案
    [found] = server.get(f"/tokens/{token}.json").json()
    assert found["token"] == token and found["service_request_id"].startswith("311-")
    [xml_found] = server.rows_of(server.xml(server.get(f"/tokens/{token}.xml")))
    assert xml_found == {"service_request_id": found["service_request_id"], "token": token}
    [request] = server.get(f"/requests/{found['service_request_id']}.json").json()
    assert (request["service_code"], request["status"]) == ("EV0101", "open")
    assert request["expected_datetime"] == "2024-07-12T10:00:00+08:00"  # 20 working days

    unknown = server.get("/tokens/no-such-token.xml")
    assert unknown.status_code == 404
    assert server.rows_of(server.xml(unknown))[0]["code"] == "404"


def test_a_pending_batch_request_shows_an_empty_id_until_filed_once_and_registered(server: Server) -> None:
    new = parse_post(
        [("service_code", "EV0101"), ("address_id", "A1"), ("attribute[structure]", "brick")], server.ctx.settings.tz
    )
    token = submit(server.ctx, new, "test-app")["token"]
    assert isinstance(token, str)
    assert server.get(f"/tokens/{token}.json").json() == [{"service_request_id": None, "token": token}]
    [pending] = server.rows_of(server.xml(server.get(f"/tokens/{token}.xml")))
    assert pending == {"service_request_id": None, "token": token}
    assert process_pending(server.ctx) == 1
    assert process_pending(server.ctx) == 0  # filed once only
    assert server.get(f"/tokens/{token}.json").json() == [{"service_request_id": None, "token": token}]
    server.advance(server.filed(token), Event.REGISTER, server.NOW)  # 立案
    [done] = server.get(f"/tokens/{token}.json").json()
    assert done["service_request_id"] in server.ids(f"/requests/{done['service_request_id']}.json")


def test_blackbox_request_files_a_case_but_returns_no_id(server: Server) -> None:
    before = _count(server, CaseRow)
    r = server.post("/requests.json", _form(server, service_code="EV0699", description="夜里路口很吵"))
    assert r.status_code == 200, r.text
    [answer] = r.json()
    assert set(answer) == {"service_notice", "account_id"}
    assert _count(server, CaseRow) == before + 1


def _refused(server: Server, form: dict[str, Any], status: int, *phrases: str) -> None:
    for fmt in ("json", "xml"):
        r = server.post(f"/requests.{fmt}", form)
        assert r.status_code == status, (form, r.text)
        errors = r.json() if fmt == "json" else server.rows_of(server.xml(r))
        assert errors and all(str(e["code"]) == str(status) for e in errors)
        text = " | ".join(str(e["description"]) for e in errors)
        for phrase in phrases:
            assert phrase in text, (phrase, text)


def test_every_refusal_has_its_code_and_writes_nothing(server: Server) -> None:
    cases, requests = _count(server, CaseRow), _count(server, Open311Request)
    _refused(server, {k: v for k, v in _form(server).items() if k != "api_key"}, 403, "api_key")
    _refused(server, _form(server, api_key="wrong-key"), 403, "api_key")
    _refused(server, {"api_key": server.KEY, "lat": "36", "long": "120"}, 400, "service_code was not provided")
    _refused(server, _form(server, service_code="XX0000"), 404, "service_code 'XX0000' was not found")
    no_place = {"api_key": server.KEY, "service_code": "EV0102", "description": "垃圾"}
    _refused(server, no_place, 400, "a location is required")
    _refused(server, _form(server, lat="91"), 400, "lat '91' is not a WGS84 latitude")
    _refused(server, _form(server, long="abc"), 400, "long 'abc'")
    _refused(server, {"api_key": server.KEY, "service_code": "EV0102", "lat": "36"}, 400, "lat and long")
    _refused(server, _form(server, description="垃" * 4001), 400, "description is longer than 4000")
    _refused(server, _form(server, media_url="javascript:alert(1)"), 400, "media_url")
    _refused(server, _form(server, email="not-an-address"), 400, "email")
    # the service definition's questions: required, among the values, known, typed
    manhole = _form(server, service_code="CP0101")
    _refused(server, manhole, 400, "attribute[cover_type] is required", "attribute[problem] is required")
    bad_value = manhole | {"attribute[cover_type]": "gold", "attribute[problem]": "missing"}
    _refused(server, bad_value, 400, "'gold' is not one of")
    unknown = manhole | {"attribute[cover_type]": "rain", "attribute[problem]": "missing", "attribute[colour]": "red"}
    _refused(server, unknown, 400, "attribute[colour] is not a question of CP0101")
    _refused(server, _form(server, service_code="CP0117", **{"attribute[lamps_out]": "many"}), 400, "not a number")
    assert (_count(server, CaseRow), _count(server, Open311Request)) == (cases, requests)


def test_the_api_key_is_taken_from_the_body_or_a_header_never_from_the_url(server: Server) -> None:
    """Issue 14, point 12: a key in the query string ends up in access logs; it is refused (400), writing
    nothing, while the same key in an X-API-Key header is accepted."""
    before = _count(server, Open311Request)
    form = {k: v for k, v in _form(server).items() if k != "api_key"}
    r = server.http.post(f"{PREFIX}/requests.json?api_key={server.KEY}", data=form)
    assert r.status_code == 400 and "not in the URL" in r.text
    assert _count(server, Open311Request) == before
    r = server.http.post(f"{PREFIX}/requests.json", data=form, headers={"X-API-Key": server.KEY})
    assert r.status_code == 200, r.text
    assert _count(server, Open311Request) == before + 1


def test_the_endpoint_channel_makes_its_reports_12345_orders(server: Server) -> None:
    """A case's channel is the client's name (test-app: not an order; a client named 12345 files orders), or
    KAOPING_OPEN311_CHANNEL for every client: 12345 makes the reports 12345 work orders (工单数, 办结率 …)."""
    from dataclasses import replace

    from kaoping.open311 import Open311Context

    r = server.post("/requests.json", _form(server))
    [answer] = r.json()
    hotline = Open311Context(replace(server.ctx.settings, channel="12345"), server.ctx.factory)
    new = parse_post([("service_code", "EV0102"), ("lat", "36.0671"), ("long", "120.3826")], server.ctx.settings.tz)
    order = submit(hotline, new, "test-app")["service_request_id"]
    by_name = submit(server.ctx, new, "12345")["service_request_id"]
    with server.factory() as s:
        channels = {case: channel for case, channel in s.execute(select(CaseRow.case_id, CaseRow.channel))}
    assert channels[answer["service_request_id"]] == "test-app"
    assert channels[str(order)] == channels[str(by_name)] == "12345"
