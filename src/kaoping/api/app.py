"""The REST API: settings, store, error answers and routers put together by ``build_api``.

Built by a function rather than at import so the CLI, tests and a WSGI/ASGI server can each make one with
their own database and secret; nothing global is shared between two apps.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kaoping.api import errors
from kaoping.api.auth import SessionCookies
from kaoping.api.context import ApiContext, Settings, load_office_schemes
from kaoping.api.models import PROBLEMS
from kaoping.api.roles import route_permission
from kaoping.api.routes_admin import router as admin_router
from kaoping.api.routes_appeals import router as appeals_router
from kaoping.api.routes_audit import router as audit_router
from kaoping.api.routes_auth import router as auth_router
from kaoping.api.routes_case_flow import router as case_flow_router
from kaoping.api.routes_evidence import MAX_BYTES
from kaoping.api.routes_evidence import router as evidence_router
from kaoping.api.routes_facts import router as facts_router
from kaoping.api.routes_field import router as field_router
from kaoping.api.routes_plans import router as plans_router
from kaoping.api.routes_rectify import router as rectify_router
from kaoping.api.routes_results import router as results_router
from kaoping.api.routes_signals import router as signals_router
from kaoping.store.db import close_store, open_store

MAX_BODY = MAX_BYTES + 256 * 1024
"""No request body needs more than one evidence file plus its form fields."""


class BodyLimit:
    """Refuse (413) a request whose body exceeds ``limit``: at once when its declared Content-Length does,
    before reading any of it (an oversized upload is not first spooled to disk), and as soon as the bytes
    received pass the limit when it declares none (``Transfer-Encoding: chunked``), so no body of any size
    is read into memory before the limit stops it.  ``wider`` gives some paths a limit of their own: larger
    (an Excel workbook of a month's facts is bigger than a photo) or smaller (a batch of rows)."""

    def __init__(self, app: ASGIApp, limit: int, wider: dict[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.wider = wider or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"0")
        limit = self.wider.get(scope.get("path", ""), self.limit)
        if length.isdigit() and int(length) > limit:
            await _too_large(send)
            return
        received = 0
        over = started = False

        async def counted() -> Message:
            # past the limit the app is told the client left: it stops reading and whatever it answers
            # (frameworks turn a broken body into a 400) is replaced by the 413 below
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if over:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except Exception:
            if not over:
                raise
        if over and not started:
            await _too_large(send)


async def _too_large(send: Send) -> None:
    body = b'{"detail":"request body too large","errors":[]}'
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def endpoints(app: FastAPI) -> list[tuple[str, APIRoute]]:
    """(path, route) of every endpoint the app serves, routers included.

    Since FastAPI 0.137 ``app.routes`` holds included routers as unexpanded nodes; ``iter_route_contexts``
    is FastAPI's public way to expand them (older versions had already flattened the list).
    """
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # pragma: no cover - FastAPI < 0.137.2
        return [(r.path, r) for r in app.routes if isinstance(r, APIRoute)]
    found: list[tuple[str, APIRoute]] = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            found.append((context.path or route.path, route))
    return found


def unguarded_routes(app: FastAPI) -> list[str]:
    """/api endpoints that declare no permission: none may exist (the policy table must cover them all)."""
    return [
        f"{sorted(route.methods or ())} {path}"
        for path, route in endpoints(app)
        if path.startswith("/api") and route_permission(route) is None
    ]


def build_api(settings: Settings) -> FastAPI:
    """The REST API on the store at ``settings.db_url`` (migrated on start); OpenAPI at /api/openapi.json.

    Only the API: its routers, error answers and the session cookie.  The composition root
    (:func:`kaoping.server.create_app`) mounts the pages and Open311 beside it and refuses to start if an
    endpoint declares no permission.
    """
    ctx = ApiContext(
        settings=settings, factory=open_store(settings.db_url), schemes=load_office_schemes(settings.schemes)
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        close_store(ctx.factory)

    app = FastAPI(
        title="kaoping 城市管理综合考评系统 API",
        version="1",
        openapi_url="/api/openapi.json",
        docs_url=None,  # /api/docs: served by the composition root from local files (kaoping.server)
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    for router in (
        auth_router,
        admin_router,
        facts_router,
        results_router,
        appeals_router,
        evidence_router,
        audit_router,
        rectify_router,
        plans_router,
        signals_router,
        field_router,
        case_flow_router,
    ):
        app.include_router(router, responses=PROBLEMS)
    errors.install(app)
    app.add_middleware(SessionCookies, settings=settings)
    return app
