"""The composition root: the one place that puts the REST API, the pages and Open311 together.

The API knows no pages and the pages know no Open311; only this module knows all three, so each part can be
built and tested alone and the whole is assembled once, the same way for ``kaoping serve``, ``kaoping demo``
and the tests.
"""

from __future__ import annotations

from typing import Unpack

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kaoping.api.app import MAX_BODY, BodyLimit, build_api, unguarded_routes
from kaoping.api.routes_facts import BATCH_LIMITS
from kaoping.api.routes_field import MAX_BODY as SYNC_BODY
from kaoping.api.routes_field import SYNC_PATH
from kaoping.app.context import Given, load_settings
from kaoping.open311 import configure as configure_open311
from kaoping.open311 import router as open311_router
from kaoping.web.entry_upload import MAX_BYTES as UPLOAD_BYTES
from kaoping.web.entry_upload import UPLOAD_PATH
from kaoping.web.pages import mount_pages

SECURITY_HEADERS = {
    # scripts only from this site: no inline <script>, no inline event handlers, no eval; the pages carry
    # their data in <script type="application/json"> islands, which are never run.  Inline styles stay
    # allowed: ECharts (tooltips) and htmx (indicators) set them, and a style cannot run script.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
"""On every response (issue 14): injected markup stays inert, the pages cannot be framed (clickjacking),
a file is never sniffed into a script, and page addresses do not leak to other sites."""


class SecurityHeaders:
    """Pure ASGI middleware that adds :data:`SECURITY_HEADERS` to every HTTP response.

    Pure ASGI rather than ``BaseHTTPMiddleware``: it does not buffer bodies, so streamed downloads and the
    body limit (:class:`~kaoping.api.app.BodyLimit`) behave as without it.  A header an endpoint set
    itself is kept.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)


API_DOCS = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>kaoping 城市管理综合考评系统 API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""
"""/api/docs: Swagger UI from the vendored copy under /static (FastAPI's page loads it from a CDN without
subresource integrity and starts it with an inline script, which the Content-Security-Policy refuses)."""


def api_docs(_request: Request) -> HTMLResponse:
    """The OpenAPI browser; the document itself is /api/openapi.json."""
    return HTMLResponse(API_DOCS)


def create_app(db_url: str | None = None, **given: Unpack[Given]) -> FastAPI:
    """The whole application on the store at ``db_url``: /api, the pages, /static and /open311/v2.

    ``given`` are the settings a caller chooses (``secret``, ``schemes``, ``appeal_days``, ``clock``; see
    :func:`kaoping.app.context.load_settings`), the rest comes from the environment.

    Refuses to start (RuntimeError) if an /api endpoint declares no permission of the policy table.
    """
    app = build_api(load_settings(db_url, **given))
    missing = unguarded_routes(app)
    if missing:
        raise RuntimeError(f"endpoints without a permission in kaoping.api.roles: {', '.join(missing)}")
    # Open311 GeoReport v2 (/open311/v2): public case intake, with its own errors in the spec's format
    app.include_router(open311_router)
    configure_open311(app, app.state.ctx.factory)
    wider = {UPLOAD_PATH: UPLOAD_BYTES + 256 * 1024, SYNC_PATH: SYNC_BODY}  # the field sync: photos as base64
    app.add_middleware(BodyLimit, limit=MAX_BODY, wider=wider | BATCH_LIMITS)  # a batch: narrower
    app.add_middleware(SecurityHeaders)  # outermost: also on the body limit's 413 and every error page
    app.add_route("/api/docs", api_docs, methods=["GET"], include_in_schema=False)
    mount_pages(app)
    return app


def app_from_env() -> FastAPI:
    """The application configured wholly by the environment (``KAOPING_DATABASE_URL``, ``KAOPING_SCHEMES``,
    ``KAOPING_SECRET`` …): the factory each worker process of ``kaoping serve --workers N`` imports."""
    return create_app(None)
