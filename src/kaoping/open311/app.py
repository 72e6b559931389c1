"""A standalone Open311 app: the router on its own store, for tests and for serving GeoReport apart from
the office API (a public-facing host that should not expose /api at all)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from kaoping.open311.routes import router
from kaoping.open311.settings import Open311Settings, configure
from kaoping.store.db import close_store, open_store


def open311_app(db_url: str | None = None, *, settings: Open311Settings | None = None) -> FastAPI:
    """The GeoReport v2 endpoints on the store at ``db_url`` (migrated now); settings from the environment
    unless given."""
    factory = open_store(db_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        close_store(factory)

    app = FastAPI(
        title="kaoping Open311 GeoReport v2",
        version="2",
        openapi_url=f"{router.prefix}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    configure(app, factory, settings)
    app.include_router(router)
    return app
