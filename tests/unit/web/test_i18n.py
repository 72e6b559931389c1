"""The English switch: every Chinese text a template wraps in ``_()`` has an English translation."""

from __future__ import annotations

import re
from pathlib import Path

from kaoping.web import i18n

TEMPLATES = Path(i18n.__file__).resolve().parent / "templates"
WRAPPED = re.compile(r"""_\(\s*(["'])(.+?)\1\s*[,)]""")
HAN = re.compile(r"[\u4e00-\u9fff]")
GLOSS = re.compile(r"[(（][^)）]*[)）]")


def wrapped_texts() -> dict[str, str]:
    """Chinese literal → the template it is in."""
    found: dict[str, str] = {}
    for path in sorted(TEMPLATES.glob("*.html")):
        for match in WRAPPED.finditer(path.read_text(encoding="utf-8")):
            text = match.group(2)
            if HAN.search(text):
                found.setdefault(text, path.name)
    return found


def test_templates_wrap_texts_at_all() -> None:
    assert len(wrapped_texts()) > 20


def test_every_wrapped_text_has_an_english_translation() -> None:
    english = i18n.catalog("en")
    missing = {text: where for text, where in wrapped_texts().items() if text not in english}
    assert not missing, f"add to web/locale/en/*.yaml: {missing}"


def test_translations_are_english_and_keep_placeholders() -> None:
    for zh, en in i18n.catalog("en").items():
        # a domain word may stay Chinese as a gloss in brackets ("passes to the next unit (递补)")
        assert not HAN.search(GLOSS.sub("", en)), f"{zh!r} → {en!r} is not English"
        assert set(i18n.PLACEHOLDER.findall(zh)) == set(i18n.PLACEHOLDER.findall(en)), zh


def test_translator_fills_placeholders_and_falls_back_to_chinese() -> None:
    en = i18n.translator("en")
    assert en("第 {n} 版", n=3) == "Version 3"
    assert en("一句没有翻译的话") == "一句没有翻译的话"
    assert i18n.translator("zh")("第 {n} 版", n=3) == "第 3 版"


def test_labels_pages_translate_from_python_have_an_english_translation() -> None:
    """Texts a template translates by value (``_(label)``): the header links and the office pages' states."""
    from kaoping.app.period_states import PeriodState
    from kaoping.app.row_history import Change
    from kaoping.statuses import AppealStatus, ResultStatus
    from kaoping.web.app import NAV
    from kaoping.web.appeals_inbox import Shown

    english = i18n.catalog("en")
    labels = [label for label, _, _ in NAV]
    labels += [s.label for enum in (PeriodState, AppealStatus, ResultStatus, Shown, Change) for s in enum]
    missing = [text for text in labels if text not in english]
    assert not missing, f"add to web/locale/en/*.yaml: {missing}"


def test_case_labels_pages_translate_from_python_have_an_english_translation() -> None:
    """The case metrics' names (the metrics table's columns) and the case list's states and reasons."""
    from kaoping.app.case_lists import CaseState, Reach
    from kaoping.app.case_metrics import NUMBERS, TOTAL

    english = i18n.catalog("en")
    labels = [*NUMBERS, TOTAL, *(s.label for enum in (CaseState, Reach) for s in enum)]
    missing = [text for text in labels if text not in english]
    assert not missing, f"add to web/locale/en/*.yaml: {missing}"


def test_signal_texts_pages_translate_from_python_have_an_english_translation() -> None:
    """督查信号: the kinds' names, the entry kinds' names and each signal's sentence (placeholders kept)."""
    from kaoping.engine.signals import TEXTS, EntryKind, SignalKind

    english = i18n.catalog("en")
    texts = [*(s.label for enum in (SignalKind, EntryKind) for s in enum), *TEXTS.values()]
    missing = [text for text in texts if text not in english]
    assert not missing, f"add to web/locale/en/*.yaml: {missing}"
