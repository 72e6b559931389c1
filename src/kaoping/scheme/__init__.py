"""The scheme language: evaluation plans as validated files (考评方案)."""

from kaoping.scheme.loader import SchemeError, builtin_names, builtin_text, load_scheme, parse_scheme, scheme_text
from kaoping.scheme.model import Scheme

__all__ = ["Scheme", "SchemeError", "builtin_names", "builtin_text", "load_scheme", "parse_scheme", "scheme_text"]
