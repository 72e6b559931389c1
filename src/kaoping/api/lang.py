"""The language switch of pages and API alike: ``?lang=en`` (remembered in a cookie by the pages), else the
cookie, else Chinese.

Kept on the API's side (the pages import it from here, :mod:`kaoping.web.i18n`), so an API refusal's
``detail`` and a page's text follow the one switch: a browser that chose English on the pages gets English
refusals from the API too.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_COOKIE = "kaoping_lang"


def request_lang(request: HTTPConnection) -> str:
    """``?lang=`` wins (and is remembered by the caller setting the cookie), then the cookie, then Chinese."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or DEFAULT_LANG
    return asked if asked in LANGS else DEFAULT_LANG
