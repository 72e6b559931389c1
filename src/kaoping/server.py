"""The composition root: the one place that puts the REST API, the pages and Open311 together.

The API knows no pages and the pages know no Open311; only this module knows all three, so each part can be
built and tested alone and the whole is assembled once, the same way for ``kaoping serve``, ``kaoping demo``
and the tests.
"""

from __future__ import annotations

from typing import Unpack

from fastapi import FastAPI

from kaoping.api.app import MAX_BODY, BodyLimit, build_api, unguarded_routes
from kaoping.app.context import Given, load_settings
from kaoping.open311 import configure as configure_open311
from kaoping.open311 import router as open311_router
from kaoping.web.entry_upload import MAX_BYTES as UPLOAD_BYTES
from kaoping.web.entry_upload import UPLOAD_PATH
from kaoping.web.pages import mount_pages


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
    app.add_middleware(BodyLimit, limit=MAX_BODY, wider={UPLOAD_PATH: UPLOAD_BYTES + 256 * 1024})
    mount_pages(app)
    return app


def app_from_env() -> FastAPI:
    """The application configured wholly by the environment (``KAOPING_DATABASE_URL``, ``KAOPING_SCHEMES``,
    ``KAOPING_SECRET`` …): the factory each worker process of ``kaoping serve --workers N`` imports."""
    return create_app(None)
