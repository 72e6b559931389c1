"""A closed set of codes that people know by a Chinese name: one base for roles and statuses.

Each member is written once with both its code and its name (``ADMIN = "admin", "考评办"``), so the
code, which is what the database, the API and the URLs carry, can never drift from the name the pages print.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Labelled(StrEnum):
    """A ``StrEnum`` (members compare and hash as their code) whose members carry a Chinese ``label``."""

    label: str

    def __new__(cls, code: str, label: str = "") -> Self:
        # The default is for the type checker only: a lookup by code (``Role("admin")``) goes through the
        # enum's own value map and never reaches here; every member is defined with its label.
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @classmethod
    def names(cls) -> dict[str, str]:
        """Code → Chinese name, for templates and lookups that hold plain strings."""
        return {member: member.label for member in cls}
