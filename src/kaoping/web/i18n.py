"""Page language: zh-CN first, English switchable (``?lang=en``, remembered in a cookie).

Templates write the Chinese text and wrap it: ``{{ _("考评结果公示") }}``.  The Chinese is the key, so a page
reads naturally in its source and a missing translation falls back to Chinese rather than to a code.
English texts live in ``locale/en/*.yaml`` (one file per area of the app, merged), so adding a page never
means editing another page's file.  Domain data (unit names, part names, 递补) is shown as the office wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import yaml

from kaoping.api.lang import DEFAULT_LANG, LANG_COOKIE, LANGS, request_lang

HERE = Path(__file__).resolve().parent
HTML_LANG = {"zh": "zh-CN", "en": "en"}
__all__ = ["DEFAULT_LANG", "HTML_LANG", "LANGS", "LANG_COOKIE", "catalog", "request_lang", "translator"]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@cache
def catalog(lang: str) -> dict[str, str]:
    """Chinese text → text in ``lang`` (empty for Chinese itself); read once per process."""
    if lang == DEFAULT_LANG:
        return {}
    merged: dict[str, str] = {}
    for path in sorted((HERE / "locale" / lang).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a mapping of Chinese text to translation")
        for key, value in data.items():
            if key in merged and merged[key] != value:
                raise ValueError(f"{path}: {key!r} is translated differently in another file")
            merged[str(key)] = str(value)
    return merged


def translator(lang: str) -> Callable[..., str]:
    """The ``_`` templates call: ``_("第{n}名", n=3)`` fills ``{n}`` after translating."""
    table = catalog(lang)

    def gettext(text: str, **values: object) -> str:
        out = table.get(text, text)
        if values:
            out = PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), out)
        return out

    return gettext
