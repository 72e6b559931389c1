"""/static served compressed and revalidated: ECharts alone is 1 MB, a phone on a slow network should not wait
for it on every page.

Text assets (scripts, style sheets, JSON, SVG) go out gzip-compressed when the browser accepts it (brotli is
not a dependency: gzip already takes ECharts to about a third).  Each file is compressed once per process
and kept in memory, keyed by its path, modification time and size, so a request never compresses.  Every
answer carries ``Cache-Control: no-cache`` with the file's ETag: a browser keeps its copy and asks only
"has it changed?" — a 304 without a body — so a new release is never hidden behind a stale script.
Only /static is compressed: pages carry sign-in tokens beside what a visitor typed, and compressing them
together would leak the tokens by length (BREACH).
"""

from __future__ import annotations

import gzip
import os
from functools import lru_cache

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
"""Media types worth compressing; images and fonts are compressed already."""
MIN_BYTES = 1024
"""Smaller files gain less than the header costs."""
CACHE_CONTROL = "no-cache"
"""Keep, but revalidate with the ETag before use: always the current release, a 304 when unchanged."""


@lru_cache(maxsize=128)
def _gzipped(path: str, mtime_ns: int, size: int) -> bytes:
    """The file gzip-compressed; ``mtime_ns`` and ``size`` key the cache so a changed file is compressed anew."""
    del mtime_ns, size
    with open(path, "rb") as f:
        return gzip.compress(f.read(), compresslevel=9, mtime=0)


def _accepts_gzip(headers: Headers) -> bool:
    for part in headers.get("accept-encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*") and params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00"):
            return True
    return False


def _gzip_etag(etag: str) -> str:
    """The compressed body's own ETag (a different representation must not share the identity's)."""
    return etag[:-1] + '-gzip"' if etag.endswith('"') else etag + "-gzip"


class CompressedStaticFiles(StaticFiles):
    """Starlette's StaticFiles with gzip for text assets, ``Vary: Accept-Encoding`` and revalidation."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.setdefault("cache-control", CACHE_CONTROL)
        if not isinstance(response, FileResponse) or response.status_code != 200:
            return response
        media = response.media_type or ""
        if not media.startswith(COMPRESSIBLE):
            return response
        response.headers["vary"] = "Accept-Encoding"
        request = Headers(scope=scope)
        stat = os.stat(response.path)
        if stat.st_size < MIN_BYTES or "range" in request or not _accepts_gzip(request):
            return response
        etag = _gzip_etag(response.headers["etag"])
        headers = {
            "etag": etag,
            "last-modified": response.headers["last-modified"],
            "cache-control": CACHE_CONTROL,
            "vary": "Accept-Encoding",
        }
        if etag in [t.strip().removeprefix("W/") for t in request.get("if-none-match", "").split(",")]:
            return Response(status_code=304, headers=headers)
        body = _gzipped(str(response.path), stat.st_mtime_ns, stat.st_size)
        return Response(body, media_type=response.media_type, headers={**headers, "content-encoding": "gzip"})
