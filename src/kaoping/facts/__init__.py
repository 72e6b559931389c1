"""Facts (考评数据): the interchange contract as one table (:mod:`.columns`), the registry of the kinds of data
(:mod:`.kinds`) and the typed frames built on them.

Neutral ground: io reads files into these, the store reads tables into them, the engine computes on them.
"""

from kaoping.facts.frames import Facts, empty_facts, facts_from_frames, facts_of
from kaoping.facts.kinds import FILE_NAMES, KINDS, UNIT_FACTS, FactKind, KindSpec, spec_of

__all__ = [
    "FILE_NAMES",
    "KINDS",
    "UNIT_FACTS",
    "FactKind",
    "Facts",
    "KindSpec",
    "empty_facts",
    "facts_from_frames",
    "facts_of",
    "spec_of",
]
