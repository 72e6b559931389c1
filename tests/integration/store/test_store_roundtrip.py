"""The store holds the interchange data faithfully, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from sqlalchemy import func, select

from examples_testing import EXAMPLES
from kaoping.app.scoring import score_facts
from kaoping.facts import FILE_NAMES
from kaoping.io.readers import read_facts
from kaoping.output.document import result_document
from kaoping.scheme import load_scheme
from kaoping.store.audit import AuditWriter, trail
from kaoping.store.db import open_store, transaction
from kaoping.store.facts import load_facts, write_facts
from kaoping.store.tables import AuditEntry, ScoreRow


def test_write_then_score_equals_folder_and_second_write_changes_nothing(db_url: str) -> None:
    factory = open_store(db_url)
    facts = read_facts(EXAMPLES / "district-onsite")
    for attempt in range(2):
        with transaction(factory) as s:
            audit = AuditWriter(s, "tester", reason="test")
            counts = {k: write_facts(s, k, getattr(facts, k), audit=audit) for k in FILE_NAMES}
            audit.flush()
        if attempt == 0:
            assert counts["deductions"].inserted == facts.deductions.height
        else:
            assert all(c.inserted == 0 and c.updated == 0 for c in counts.values())
    with factory() as s:
        stored = load_facts(s)
        audit_rows = s.scalar(select(func.count()).select_from(AuditEntry))
    # one insert audit row per fact row, none for the unchanged second write
    assert audit_rows == sum(getattr(facts, k).height for k in FILE_NAMES)
    scheme = load_scheme("district-onsite")
    for period in ("2024-04", "2024-05"):
        from_db = result_document(scheme, score_facts(scheme, stored, period))
        from_folder = result_document(scheme, score_facts(scheme, facts, period))
        assert from_db == from_folder


def test_changed_score_is_updated_and_audited_with_before_and_after(db_url: str) -> None:
    factory = open_store(db_url)
    facts = read_facts(EXAMPLES / "city-1000")
    with transaction(factory) as s:
        audit = AuditWriter(s, "importer")
        for k in ("units", "scores"):
            write_facts(s, k, getattr(facts, k), audit=audit)
        audit.flush()
    changed = facts.scores.with_columns(
        score=facts.scores.get_column("score").scatter(0, 141.5)  # d1's first 部门考评 row: 140 → 141.5
    )
    with transaction(factory) as s:
        audit = AuditWriter(s, "市城管局", reason="复核更正")
        counts = write_facts(s, "scores", changed, audit=audit)
        audit.flush()
    assert (counts.inserted, counts.updated) == (0, 1)
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(ScoreRow)) == facts.scores.height
        updates = [e for e in trail(s, unit_id="d1", period="2024-Q2") if e.action == "update"]
    assert len(updates) == 1
    entry = updates[0]
    assert entry.actor == "市城管局" and entry.reason == "复核更正"
    assert entry.before is not None and entry.after is not None
    assert (entry.before["score"], entry.after["score"]) == (140.0, 141.5)


def test_one_store_holds_units_of_two_schemes(db_url: str) -> None:
    # districts of city-1000 and bureaus of enforcement-100 in one store: each scheme scores only its own units
    factory = open_store(db_url)
    city, enforcement = read_facts(EXAMPLES / "city-1000"), read_facts(EXAMPLES / "enforcement-100")
    with transaction(factory) as s:
        audit = AuditWriter(s, "tester")
        for facts in (city, enforcement):
            for k in FILE_NAMES:
                write_facts(s, k, getattr(facts, k), audit=audit)
        audit.flush()
    for name, facts, period in (("city-1000", city, "2024-Q2"), ("enforcement-100", enforcement, "2024")):
        scheme = load_scheme(name)
        with factory() as s:
            stored = load_facts(s, scheme)
        assert result_document(scheme, score_facts(scheme, stored, period)) == result_document(
            scheme, score_facts(scheme, facts, period)
        )
