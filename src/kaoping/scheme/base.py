"""What every construct of the scheme language (考评方案) shares: strict models, how numbers are combined,
and unions told apart by the flat keys a file writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Union, get_args

from pydantic import BaseModel, ConfigDict, Discriminator, GetCoreSchemaHandler, Tag
from pydantic_core import CoreSchema


class Strict(BaseModel):
    """Base for every construct: unknown keys are errors (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Combine(StrEnum):
    """How several numbers become one: 汇总方式."""

    SUM = "sum"
    MEAN = "mean"
    MAX = "max"
    MIN = "min"
    LATEST = "latest"


@dataclass(frozen=True)
class ByKind:
    """Validate a union by the kind ``kind_of`` reads from the file's flat mapping (Pydantic's tagged union).

    Written as ``Annotated[A | B, ByKind(...)]``: type checkers see the plain union, Pydantic gets each
    member tagged with its class name, and a mapping ``kind_of`` cannot place gets ``message``.  The class
    names appear in Pydantic's error locations; the loader leaves them out of the paths it prints.
    """

    kind_of: Callable[[Any], str | None]
    error_type: str
    message: str

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        members = tuple(Annotated[kind, Tag(kind.__name__)] for kind in get_args(source))
        union: Any = Union  # subscripted with members known only at run time
        by_kind = Discriminator(self.kind_of, custom_error_type=self.error_type, custom_error_message=self.message)
        return handler.generate_schema(Annotated[union[members], by_kind])
