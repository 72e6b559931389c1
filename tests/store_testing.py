"""What store-backed tests share: writing a whole data folder (or Facts) into a store, audited like an import."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from kaoping.facts import FILE_NAMES, Facts
from kaoping.io.readers import read_facts
from kaoping.store.audit import AuditWriter
from kaoping.store.facts import write_facts


def write_all_facts(s: Session, facts: Facts | Path, actor: str = "seed", reason: str = "test data") -> None:
    """Write every fact kind of ``facts`` (or of the folder it names) in the session's transaction."""
    found = read_facts(facts) if isinstance(facts, Path) else facts
    audit = AuditWriter(s, actor, reason=reason)
    for kind in FILE_NAMES:
        write_facts(s, kind, getattr(found, kind), audit=audit)
    audit.flush()
