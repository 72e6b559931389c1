"""The GeoReport v2 endpoints under ``/open311/v2``.

| method and path | answer |
|---|---|
| GET  services.{format} | the service list |
| GET  services/{service_code}.{format} | a service definition (404 unknown code) |
| POST requests.{format} | file a request (403 bad api_key, 404 unknown service_code, 400 bad form) |
| GET  requests.{format} | requests by id list, or by service_code, start_date/end_date (≤ 90 days) and status |
| GET  requests/{service_request_id}.{format} | one request, as a list of one (404 unknown id) |
| GET  tokens/{token}.{format} | the request id a batch token became (empty until 立案; 404 unknown) |

The router carries its own error handling (``Open311Route``) instead of app exception handlers, because it
is mounted into the main kaoping app, whose handlers answer in kaoping's shape, not GeoReport's: every
error leaving these endpoints — our own, a framework 400 (a malformed form) or parameter validation — is
answered as GeoReport errors in the URL's format.  ``jurisdiction_id`` is accepted and ignored: one
kaoping store serves one jurisdiction.  Reading needs no key (GeoReport's GET methods are public).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from kaoping.open311.formats import (
    FORMATS,
    Node,
    Open311Error,
    error_response,
    parse_format,
    render,
    request_format,
)
from kaoping.open311.intake import process_in_background, submit
from kaoping.open311.params import CONTACT, LIMITS, MAX_DESCRIPTION, comma_list, parse_post, statuses, window
from kaoping.open311.query import find_requests, token_status
from kaoping.open311.services import BY_CODE, SERVICES, Service
from kaoping.open311.settings import Open311Context, context

PREFIX = "/open311/v2"


class Open311Route(APIRoute):
    """An APIRoute whose errors are GeoReport errors (see the module docstring for why)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except Open311Error as exc:
                error = exc
            except RequestValidationError as exc:
                error = Open311Error(400, *(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
            except HTTPException as exc:
                error = Open311Error(exc.status_code, str(exc.detail))
            return error_response(request_format(request), error)

        return guarded


ERRORS: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
        "required": ["code", "description"],
    },
}
"""GeoReport's error list (``formats.error_response``), as the OpenAPI document declares it."""


def _answer(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """An answer in both formats of the URL: JSON (``schema``) or XML."""
    return {
        "description": description,
        "content": {"application/json": {"schema": schema or {}}, "text/xml": {"schema": {"type": "string"}}},
    }


ANSWERS: dict[int | str, dict[str, Any]] = {
    200: _answer("the answer, in the URL's format (.json or .xml)"),
    400: _answer("bad or missing parameters", ERRORS),
    404: _answer("an unknown format, service, request or token", ERRORS),
}
POST_ANSWERS: dict[int | str, dict[str, Any]] = {
    403: _answer("a missing or unknown api_key", ERRORS),
    413: {"description": "the request body is too large", "content": {"application/json": {"schema": {}}}},
    503: _answer("this endpoint takes no requests yet (no intake unit configured)", ERRORS),
}
"""What GeoReport's endpoints answer besides success (formats.py), listed in the OpenAPI document."""


def _post_form() -> dict[str, Any]:
    """The POST form as the OpenAPI document declares it (``parse_post`` reads and checks it): GeoReport's
    fields, a location among them; ``attribute[code]`` answers are taken too, as the service definition asks."""
    text = {"type": "string"}
    fields: dict[str, Any] = {
        "service_code": {"type": "string", "enum": sorted(BY_CODE)},
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "long": {"type": "number", "minimum": -180, "maximum": 180},
        "description": {"type": "string", "maxLength": MAX_DESCRIPTION},
        "api_key": {"type": "string", "description": "or the X-API-Key header; never in the URL"},
        **{name: {"type": "string", "minLength": 1, "maxLength": limit} for name, limit in LIMITS.items()},
        **{name: text for name in CONTACT},
        "email": {"type": "string", "format": "email"},
        "media_url": {"type": "string", "pattern": "^https?://", "maxLength": LIMITS["media_url"]},
    }
    located = [{"required": ["lat", "long"]}, {"required": ["address_string"]}, {"required": ["address_id"]}]
    schema = {"type": "object", "properties": fields, "required": ["service_code"], "anyOf": located}
    return {"requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": schema}}}}


router = APIRouter(prefix=PREFIX, route_class=Open311Route, tags=["open311"], responses=ANSWERS)
Ctx = Annotated[Open311Context, Depends(context)]
FormatPath = Annotated[str, Path(description="json or xml", json_schema_extra={"enum": list(FORMATS)})]
"""The URL's format: declared as json or xml; any other is GeoReport's 404 (``parse_format``), not a 400."""


async def form_fields(request: Request) -> list[tuple[str, str]]:
    """The posted form as (name, value) pairs in order: ``attribute[code][]`` may repeat.

    The api_key comes in the form body (GeoReport's place for it) or an ``X-API-Key`` header — never in the
    URL, which proxies and access logs keep: a key there is refused, so it is not silently leaked again."""
    if "api_key" in request.query_params:
        raise Open311Error(400, "api_key must be sent in the form body or the X-API-Key header, not in the URL")
    form = await request.form()
    fields = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    header = request.headers.get("x-api-key")
    has_key = any(k == "api_key" for k, _ in fields)
    return fields if header is None or has_key else [*fields, ("api_key", header)]


Form = Annotated[list[tuple[str, str]], Depends(form_fields)]


def _service_row(s: Service) -> dict[str, Node]:
    return {
        "service_code": s.code,
        "service_name": s.name,
        "description": s.description,
        "metadata": s.metadata,
        "type": s.type,
        "keywords": ", ".join(s.keywords),
        "group": s.group,
    }


@router.get("/services.{format}")
def get_services(format: FormatPath, jurisdiction_id: str | None = None) -> Response:
    """Every service the office offers (服务目录)."""
    return render(parse_format(format), "services", [_service_row(s) for s in SERVICES])


@router.get("/services/{service_code}.{format}")
def get_service_definition(service_code: str, format: FormatPath, jurisdiction_id: str | None = None) -> Response:
    """A service's questions (attributes); a service without questions has an empty list."""
    fmt = parse_format(format)
    service = BY_CODE.get(service_code)
    if service is None:
        raise Open311Error(404, f"service_code '{service_code}' was not found")
    attributes: list[Node] = [
        {
            "variable": a.variable,
            "code": a.code,
            "datatype": a.datatype,
            "required": a.required,
            "datatype_description": a.datatype_description or None,
            "order": a.order,
            "description": a.description,
            "values": [{"key": v.key, "name": v.name} for v in a.values],
        }
        for a in sorted(service.attributes, key=lambda a: a.order)
    ]
    return render(fmt, "service_definition", {"service_code": service.code, "attributes": attributes})


@router.post("/requests.{format}", responses=POST_ANSWERS, openapi_extra=_post_form())
def post_request(format: FormatPath, ctx: Ctx, fields: Form, background: BackgroundTasks) -> Response:
    """File a service request as a case (信息收集); a batch service answers with a token."""
    fmt = parse_format(format)
    key = next((v for k, v in fields if k == "api_key"), "")
    client = ctx.settings.client(key) if key else None
    if client is None:
        raise Open311Error(403, "api_key was not provided or is not valid")
    new = parse_post(fields, ctx.settings.tz)
    answer = submit(ctx, new, client)
    token = answer.get("token")
    if isinstance(token, str):
        background.add_task(process_in_background, ctx, token)
    return render(fmt, "service_requests", [answer])


@router.get("/requests.{format}")
def get_requests(
    format: FormatPath,
    ctx: Ctx,
    service_request_id: str | None = None,
    service_code: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    status: str | None = None,
    jurisdiction_id: str | None = None,
) -> Response:
    """Requests newest first (≤ 1000): by service_request_id list, else by code, window and status."""
    fmt = parse_format(format)
    settings = ctx.settings
    ids = comma_list(service_request_id)
    with ctx.factory() as session:
        if ids:
            if len(ids) > settings.max_results:
                raise Open311Error(400, f"ask for at most {settings.max_results} service_request_id at a time")
            rows = find_requests(session, settings, ids=ids)
        else:
            codes = comma_list(service_code)
            unknown = [c for c in codes if c not in BY_CODE]
            if unknown:
                raise Open311Error(400, *(f"service_code '{c}' is not a service" for c in unknown))
            start, end = window(start_date, end_date, settings.tz, settings.now())
            services = [BY_CODE[c] for c in codes] if codes else SERVICES
            rows = find_requests(session, settings, services=services, start=start, end=end, statuses=statuses(status))
    return render(fmt, "service_requests", list(rows))


@router.get("/requests/{service_request_id}.{format}")
def get_request(service_request_id: str, format: FormatPath, ctx: Ctx, jurisdiction_id: str | None = None) -> Response:
    """One request, as a list of one (GeoReport's shape)."""
    fmt = parse_format(format)
    with ctx.factory() as session:
        rows = find_requests(session, ctx.settings, ids=[service_request_id])
    if not rows:
        raise Open311Error(404, f"service_request_id '{service_request_id}' was not found")
    return render(fmt, "service_requests", list(rows))


@router.get("/tokens/{token}.{format}")
def get_token(token: str, format: FormatPath, ctx: Ctx, jurisdiction_id: str | None = None) -> Response:
    """The service_request_id a batch request's token became; empty until the centre registers it (立案)."""
    fmt = parse_format(format)
    with ctx.factory() as session:
        found = token_status(session, token)
    if found is None:
        raise Open311Error(404, f"token '{token}' was not found")
    return render(fmt, "service_requests", [{"service_request_id": found[1], "token": found[0]}])
