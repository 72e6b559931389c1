"""Reading the interchange data files into typed Polars frames, with errors that name file, row and column."""

from kaoping.io.readers import read_facts

__all__ = ["read_facts"]
