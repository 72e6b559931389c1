"""Kept only so modules not yet moved keep importing ``kaoping.api.factrows``: the fact-row use case lives in
:mod:`kaoping.app.facts` (import it from there; this module re-exports it unchanged)."""

from __future__ import annotations

from kaoping.app.facts import (
    API_LABEL,
    DATE_COLUMN,
    FACT_KINDS,
    Action,
    Outcome,
    canonical_names,
    delete_row,
    normalise,
    one_row,
    plain,
    problems,
    query_rows,
    validate,
    write_fact,
    write_row,
)

__all__ = [
    "API_LABEL",
    "DATE_COLUMN",
    "FACT_KINDS",
    "Action",
    "Outcome",
    "canonical_names",
    "delete_row",
    "normalise",
    "one_row",
    "plain",
    "problems",
    "query_rows",
    "validate",
    "write_fact",
    "write_row",
]
