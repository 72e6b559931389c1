"""Facts (考评数据): the interchange contract as one table (:mod:`.columns`) and the typed frames built on it.

Neutral ground: io reads files into these, the store reads tables into them, the engine computes on them.
"""

from kaoping.facts.frames import FILE_NAMES, Facts, empty_facts, facts_from_frames, facts_of

__all__ = ["FILE_NAMES", "Facts", "empty_facts", "facts_from_frames", "facts_of"]
