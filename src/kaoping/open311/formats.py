"""GeoReport v2 responses in its two formats, and its error answers.

The format is part of the URL (``/services.xml``), not an Accept header: that is how GeoReport clients ask.
XML is the format the spec requires, JSON the one most clients use; both are built from the same plain
rows here so the two can never disagree.  Empty values are ``null`` in JSON and empty elements in XML;
booleans are ``true``/``false`` in both.

Errors are GeoReport's own shape — ``[{"code": 403, "description": "…"}]`` or
``<errors><error><code>403</code><description>…</description></error></errors>`` — with the HTTP status
equal to the code: 400 bad or missing parameters, 403 a missing or unknown api_key, 404 something that
does not exist.  An unknown format (``/services.html``) is a 404: the path names a representation this
server does not have (the format is not a parameter, so 400 would be wrong), answered in JSON.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Literal
from xml.etree import ElementTree as ET

from fastapi import Request, Response

Format = Literal["json", "xml"]
FORMATS: tuple[Format, ...] = ("json", "xml")
MEDIA: dict[Format, str] = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'

Scalar = str | int | float | bool | None
Node = Scalar | Mapping[str, "Node"] | Sequence["Node"]

ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
}
"""The element name of one member of each XML list (GeoReport names them; a list has no name of its own)."""


class Open311Error(Exception):
    """A GeoReport error answer: one HTTP status, one or more descriptions (each an ``<error>``)."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = descriptions or ("error",)


def parse_format(raw: str) -> Format:
    for fmt in FORMATS:
        if raw == fmt:
            return fmt
    raise Open311Error(404, f"format '{raw}' is not offered: use .json or .xml")


def request_format(request: Request) -> Format:
    """The format an error should be written in: the URL's, or JSON when the URL's is not one we speak."""
    raw = request.path_params.get("format")
    return "xml" if raw == "xml" else "json"


def render(fmt: Format, root: str, body: Node, status: int = 200) -> Response:
    """``body`` as JSON, or as XML under the element ``root`` (a list: one ITEMS[root] element per member)."""
    if fmt == "json":
        content = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    else:
        element = ET.Element(root)
        _fill(element, root, body)
        content = XML_DECLARATION + ET.tostring(element, encoding="utf-8", xml_declaration=False)
    return Response(content=content, status_code=status, media_type=MEDIA[fmt])


def error_response(fmt: Format, error: Open311Error) -> Response:
    errors: list[Node] = [{"code": error.status, "description": d} for d in error.descriptions]
    return render(fmt, "errors", errors, status=error.status)


def text(value: Scalar) -> str:
    """A scalar as GeoReport XML writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, name: str, value: Node) -> None:
    if isinstance(value, Mapping):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), key, child)
    elif value is None or isinstance(value, str | int | float | bool):
        element.text = text(value)
    else:
        item = ITEMS.get(name, "item")
        for child in value:
            _fill(ET.SubElement(element, item), item, child)
