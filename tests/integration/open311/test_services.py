"""GET services and service definitions over HTTP, in JSON and XML, and the 404s (unknown code, format)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kaoping.open311.services import BY_CODE, SERVICES

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.open311.conftest import Server


def test_service_list_is_the_catalogue_in_json_and_the_same_in_xml(server: Server) -> None:
    r = server.get("/services.json")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    services = r.json()
    assert [s["service_code"] for s in services] == [s.code for s in SERVICES]
    garbage = next(s for s in services if s["service_code"] == "EV0102")
    assert garbage == {
        "service_code": "EV0102",
        "service_name": "暴露垃圾",
        "description": "路面、绿地上暴露的垃圾 / exposed rubbish on streets or green spaces",
        "metadata": False,
        "type": "realtime",
        "keywords": "垃圾, garbage, trash",
        "group": "市容环境",
    }
    assert {s["type"] for s in services} == {"realtime", "batch", "blackbox"}
    assert next(s for s in services if s["service_code"] == "CP0101")["metadata"] is True

    x = server.get("/services.xml", jurisdiction_id="kaoping")  # jurisdiction_id is accepted and ignored
    assert x.status_code == 200
    root = server.xml(x)
    assert root.tag == "services"
    assert all(member.tag == "service" for member in root)
    assert server.rows_of(root) == [{k: server.as_xml_text(v) for k, v in s.items()} for s in services]


def test_service_definition_lists_attributes_with_values_in_order(server: Server) -> None:
    r = server.get("/services/CP0101.json")
    assert r.status_code == 200
    definition = r.json()
    assert definition["service_code"] == "CP0101"
    attributes = definition["attributes"]
    assert [a["code"] for a in attributes] == ["warning", "cover_type", "problem"]
    assert [a["order"] for a in attributes] == [0, 1, 2]
    warning, cover, problem = attributes
    assert warning["variable"] is False and warning["values"] == []
    assert cover == {
        "variable": True,
        "code": "cover_type",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": None,
        "order": 1,
        "description": "井盖类型 / kind of cover",
        "values": [{"key": v.key, "name": v.name} for v in BY_CODE["CP0101"].attributes[1].values],
    }
    assert {v["key"] for v in problem["values"]} == {"missing", "broken", "displaced"}

    root = server.xml(server.get("/services/CP0101.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "CP0101"
    xml_attributes = root.findall("attributes/attribute")
    assert [a.findtext("code") for a in xml_attributes] == ["warning", "cover_type", "problem"]
    assert xml_attributes[1].findtext("required") == "true"
    assert xml_attributes[0].findtext("variable") == "false"
    assert xml_attributes[1].findtext("datatype_description") == ""  # null in JSON: an empty element
    values = xml_attributes[1].findall("values/value")
    assert [(v.findtext("key"), v.findtext("name")) for v in values] == [(v["key"], v["name"]) for v in cover["values"]]

    lamps = server.get("/services/CP0117.json").json()["attributes"]
    assert [(a["code"], a["datatype"], a["required"]) for a in lamps] == [
        ("pole_number", "string", False),
        ("lamps_out", "number", False),
    ]
    # a service without questions has a definition with no attributes
    assert server.get("/services/EV0102.json").json() == {"service_code": "EV0102", "attributes": []}
    assert server.xml(server.get("/services/EV0102.xml")).find("attributes") is not None


def test_unknown_service_code_is_404_in_the_requested_format(server: Server) -> None:
    r = server.get("/services/XX9999.json")
    assert r.status_code == 404
    assert r.json() == [{"code": 404, "description": "service_code 'XX9999' was not found"}]
    x = server.get("/services/XX9999.xml")
    assert x.status_code == 404
    root = server.xml(x)
    assert root.tag == "errors"
    assert server.rows_of(root) == [{"code": "404", "description": "service_code 'XX9999' was not found"}]


def test_unknown_format_is_404_answered_in_json(server: Server) -> None:
    for path in ("/services.html", "/services/EV0102.csv", "/requests.yaml", "/requests/IMP-OPEN.txt"):
        r = server.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"] == "application/json; charset=utf-8"
        assert r.json()[0]["code"] == 404
        assert "use .json or .xml" in r.json()[0]["description"]
    r = server.post("/requests.html", {"api_key": "x"})
    assert r.status_code == 404
