"""A scheme text stored with a published version before issue 19's traps still opens (SQLite and PostgreSQL).

The traps that refuse what once loaded (weights under a summing parent, a positive penalty, ``bottom`` in the
document's order) apply when a scheme is loaded anew — a new draft — but not to the exact text a published
version was computed with: the frozen version must still open, and verify, as it was computed.
"""

from __future__ import annotations

import hashlib

import pytest

from kaoping.app.frozen import stored_scheme
from kaoping.scheme import SchemeError, parse_scheme
from kaoping.store.audit import now
from kaoping.store.db import close_store, open_store, transaction
from kaoping.store.tables import SchemeVersion

OLD_TEXT = """scheme: old
title: 旧方案
periods: {month: {}}
groups: [{name: 甲组}]
parts:
  - {name: 日常检查, weight: 60, max: 100, source: scores}
  - {name: 定期暗查, weight: 40, max: 100, source: scores}
rewards: {tiers: {甲组: {bottom: [-500000, -1000000]}}}
"""


def test_a_published_scheme_text_opens_though_it_falls_into_a_trap(db_url: str) -> None:
    with pytest.raises(SchemeError):  # loaded anew (a new draft): refused with the fixes
        parse_scheme(OLD_TEXT, "old.yaml")
    factory = open_store(db_url)
    try:
        with transaction(factory) as s:
            digest = hashlib.sha256(OLD_TEXT.encode("utf-8")).hexdigest()
            row = SchemeVersion(name="old", version=1, sha256=digest, text=OLD_TEXT, created_at=now(), created_by="t")
            s.add(row)
            s.flush()
            scheme = stored_scheme(s, row.id)
        assert [p.weight for p in scheme.parts] == [60, 40]  # read as before: weights ignored, a sum
        assert scheme.rewards.tiers["甲组"].from_last == [-500_000, -1_000_000]  # bottom[0] for the last
    finally:
        close_store(factory)
