"""现场采集 (/field/): the inspectors' offline field app, a PWA served by kaoping — no app store.

The page is the app's shell: the script (``static/field.js``) downloads the day's tasks and the checklist
(``GET /api/field/tasks``), keeps entries in IndexedDB while the phone is offline and sends them through the
one sync endpoint (``POST /api/field/sync``) when it is back.  The service worker is served from
``/field/sw.js`` so its scope (``/field/``) covers the page; it caches the shell and the day's tasks.  The
manifest lets the phone add the app to its home screen.  Only the page needs the permission: the worker and
the manifest hold nothing but code and names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from kaoping.api.auth import Principal
from kaoping.app.policy import Perm
from kaoping.web.app import render, require_page

router = APIRouter(include_in_schema=False)
FieldPage = Annotated[Principal, require_page(Perm.FIELD_APP)]
Anyone = Annotated[Principal, require_page(Perm.OPEN)]
WORKER = Path(__file__).with_name("static") / "field-sw.js"

MANIFEST: dict[str, Any] = {
    "name": "现场采集 · 城市管理综合考评系统",
    "short_name": "现场采集",
    "lang": "zh-CN",
    "start_url": "/field/",
    "scope": "/field/",
    "display": "standalone",
    "orientation": "portrait",
    "background_color": "#f3f5f8",
    "theme_color": "#b71c1c",
    "icons": [{"src": "/static/field-icon.svg", "sizes": "any", "type": "image/svg+xml"}],
}


@router.get("/field")
def field_root() -> RedirectResponse:
    """The app lives under /field/ (the service worker's scope)."""
    return RedirectResponse("/field/", status_code=307)


@router.get("/field/")
def field_app(request: Request, who: FieldPage) -> Response:
    """The app's shell; everything else is the script's, from the API."""
    return render(request, "field.html", who)


@router.get("/field/sw.js")
def field_worker(_who: Anyone) -> Response:
    """The service worker, from a path whose scope covers the app; never cached by the browser's HTTP cache
    (a new release reaches the phone on its next visit)."""
    headers = {"Cache-Control": "no-cache", "Service-Worker-Allowed": "/field/"}
    return Response(WORKER.read_bytes(), media_type="application/javascript", headers=headers)


@router.get("/field/manifest.webmanifest")
def field_manifest(_who: Anyone) -> Response:
    return JSONResponse(MANIFEST, media_type="application/manifest+json")
