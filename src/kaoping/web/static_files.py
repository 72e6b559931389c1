"""/static served compressed and revalidated: ECharts alone is 1 MB, a phone on a slow network should not wait
for it on every page.

Text assets (scripts, style sheets, JSON, SVG) go out brotli- or gzip-compressed, whichever the browser
accepts (brotli first: ECharts is 1 MB as it is, about 330 KB gzipped, less with brotli).  Each file is
compressed once per process and encoding and kept in memory, keyed by its path, modification time and size,
so a request never waits for a compression.  Every answer carries ``Cache-Control: no-cache`` with an ETag
of the file and the encoding: a browser keeps its copy and asks only "has it changed?" — a 304 without a
body — so a new release is never hidden behind a stale script.
Only /static is compressed: pages carry sign-in tokens beside what a visitor typed, and compressing them
together would leak the tokens by length (BREACH).
"""

from __future__ import annotations

import gzip
import os
from enum import StrEnum
from functools import lru_cache

import brotli
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
MAX_ACCEPT = 1024
"""An Accept-Encoding longer than this is not read (bound every input before parsing it): sent as it is."""


class Encoding(StrEnum):
    """The content codings /static offers, in the order it prefers them."""

    BR = "br"
    GZIP = "gzip"


@lru_cache(maxsize=128)
def _compressed(path: str, mtime_ns: int, size: int, encoding: Encoding) -> bytes:
    """The file compressed; ``mtime_ns`` and ``size`` key the cache so a changed file is compressed anew."""
    del mtime_ns, size
    with open(path, "rb") as f:
        data = f.read()
    if encoding == Encoding.BR:
        return bytes(brotli.compress(data, quality=11))
    return gzip.compress(data, compresslevel=9, mtime=0)


def _quality(params: str) -> float:
    """The ``q`` of one Accept-Encoding entry (1 when absent, 0 when unreadable)."""
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def chosen_encoding(accept: str) -> Encoding | None:
    """The coding to send for an Accept-Encoding header: brotli, else gzip, if accepted with q > 0 (``*`` too)."""
    if len(accept) > MAX_ACCEPT:
        return None
    accepted: dict[str, float] = {}
    for entry in accept.split(","):
        name, _, params = entry.partition(";")
        accepted[name.strip().lower()] = _quality(params)
    wildcard = accepted.get("*", 0.0)
    return next((e for e in Encoding if accepted.get(e.value, wildcard) > 0), None)


def _tagged(etag: str, encoding: Encoding) -> str:
    """The compressed body's own ETag (a different representation must not share the identity's)."""
    return etag[:-1] + f'-{encoding}"' if etag.endswith('"') else f"{etag}-{encoding}"


def _matches(etag: str, if_none_match: str) -> bool:
    return etag in [t.strip().removeprefix("W/") for t in if_none_match.split(",")]


class CompressedStaticFiles(StaticFiles):
    """Starlette's StaticFiles with brotli/gzip for text assets, ``Vary: Accept-Encoding`` and revalidation."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.setdefault("cache-control", CACHE_CONTROL)
        if not isinstance(response, FileResponse) or response.status_code != 200:
            return response
        if not (response.media_type or "").startswith(COMPRESSIBLE):
            return response
        response.headers["vary"] = "Accept-Encoding"
        request = Headers(scope=scope)
        stat = os.stat(response.path)
        encoding = chosen_encoding(request.get("accept-encoding", ""))
        if stat.st_size < MIN_BYTES or "range" in request or encoding is None:
            return response
        headers = {
            "etag": _tagged(response.headers["etag"], encoding),
            "last-modified": response.headers["last-modified"],
            "cache-control": CACHE_CONTROL,
            "vary": "Accept-Encoding",
        }
        if _matches(headers["etag"], request.get("if-none-match", "")):
            return Response(status_code=304, headers=headers)
        body = _compressed(str(response.path), stat.st_mtime_ns, stat.st_size, encoding)
        return Response(body, media_type=response.media_type, headers={**headers, "content-encoding": encoding})
