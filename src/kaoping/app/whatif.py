"""试算 as a use case: past periods ranked again under a draft revision of a scheme, on the same facts.

The facts come the way ``kaoping score`` gets them — a data folder or workbook (:func:`~kaoping.app.scoring.
read_data`), or the store (``--db``); the page uses the period's kept result (:func:`~kaoping.app.results.
scored`: a published period as published, its frozen facts and scheme).  Both schemes are evaluated on the
*same* frames, so every difference is the draft's, and the pure comparison (:mod:`kaoping.engine.whatif`)
says which rule made it.  Nothing is written: a what-if decides nothing.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.app.scoring import read_data, score_facts
from kaoping.engine.whatif import WhatIf, compare
from kaoping.facts import Facts
from kaoping.periods import parse_period
from kaoping.scheme import Scheme, SchemeError, load_scheme, parse_scheme

__all__ = [
    "MAX_DRAFT_CHARS",
    "MAX_PERIODS",
    "draft_scheme",
    "stored_scheme_named",
    "whatif_facts",
    "whatif_period",
    "whatif_run",
]

MAX_PERIODS = 24
"""At most this many periods in one what-if (two years of months): each is evaluated twice."""
MAX_DRAFT_CHARS = 200_000
"""A pasted draft longer than this is refused unread (the scheme loader's own bound is in bytes)."""


def draft_scheme(text: str, label: str = "草案") -> Scheme:
    """A pasted or uploaded draft, validated as any scheme file (SchemeError names what is wrong)."""
    if len(text) > MAX_DRAFT_CHARS:
        raise SchemeError(label, [f"草案过长（{len(text)} 字符，上限 {MAX_DRAFT_CHARS}）"])
    return parse_scheme(text, label)


def whatif_facts(old: Scheme, new: Scheme, facts: Facts, periods: list[str]) -> list[WhatIf]:
    """Each period scored under ``old`` and ``new`` on ``facts`` and compared (InputErrors if the facts do
    not fit the draft, UnsupportedPeriod if either scheme does not evaluate a period's kind)."""
    if len(periods) > MAX_PERIODS:
        raise ValueError(f"at most {MAX_PERIODS} periods in one what-if, got {len(periods)}")
    out: list[WhatIf] = []
    for text in periods:
        out.append(compare(old, new, score_facts(old, facts, text), score_facts(new, facts, text)))
    return out


def whatif_period(session: Session, scheme: Scheme, draft_text: str, period: str) -> tuple[Scheme, WhatIf]:
    """The page's what-if: ``period``'s kept result (a published period as published: its frozen facts and the
    scheme it was computed with, which is returned) against the draft on the very same facts.

    Raises SchemeError for a bad draft, and what ``score`` raises for a period or facts the draft refuses."""
    from kaoping.app.results import row_facts, scored

    text = str(parse_period(period))
    new = draft_scheme(draft_text)
    kept = scored(session, scheme, text)
    return kept.scheme, compare(kept.scheme, new, kept.result, score_facts(new, row_facts(session, kept), text))


def stored_scheme_named(session: Session, name: str) -> Scheme | None:
    """The newest text kept in the store under scheme name ``name`` (a scheme results were computed with)."""
    from kaoping.store.tables import SchemeVersion

    row = session.scalars(
        select(SchemeVersion).where(SchemeVersion.name == name).order_by(SchemeVersion.id.desc()).limit(1)
    ).first()
    return parse_scheme(row.text, f"store:{name}@{row.sha256[:12]}") if row is not None else None


def whatif_run(
    draft: str, against: str, periods: list[str], *, data: Path | None = None, db: str | None = None
) -> list[WhatIf]:
    """``kaoping whatif``: ``draft`` (a scheme file) against ``against`` (a built-in, a file, or with ``db`` a
    scheme kept in the store), on the facts of ``data``, else of the store ``db`` (None: the default store, as
    ``kaoping score`` finds it).

    Raises what ``kaoping score`` raises for bad input, and StoreMissing for a store that is not there."""
    for p in periods:
        parse_period(p)  # a bad period is reported before anything is read
    new = load_scheme(draft)
    if data is not None:
        old = load_scheme(against)
        return whatif_facts(old, new, read_data(old, data), periods)
    from kaoping.store.db import close_store, open_existing_store
    from kaoping.store.facts import load_facts

    factory = open_existing_store(db)
    try:
        with factory() as session:
            old = _against(session, against)
            facts = load_facts(session, old)
    finally:
        close_store(factory)
    return whatif_facts(old, new, facts, periods)


def _against(session: Session, name: str) -> Scheme:
    """A built-in or a file first (as ``score`` resolves it), else the newest text the store keeps under that
    name; neither: the loader's own error, which lists the built-in names."""
    try:
        return load_scheme(name)
    except SchemeError:
        stored = stored_scheme_named(session, name)
        if stored is None:
            raise
        return stored
