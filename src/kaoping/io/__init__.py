"""Reading the interchange data files into typed Polars frames, with errors that name file, row and column."""

from kaoping.io.columns import SCHEMAS
from kaoping.io.errors import MAX_ERRORS, InputError, InputErrors
from kaoping.io.readers import FILE_NAMES, Facts, empty_facts, facts_from_frames, read_facts

__all__ = [
    "FILE_NAMES",
    "MAX_ERRORS",
    "SCHEMAS",
    "Facts",
    "InputError",
    "InputErrors",
    "empty_facts",
    "facts_from_frames",
    "read_facts",
]
