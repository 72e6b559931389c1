"""What every construct of the scheme language (考评方案) shares: strict models, how numbers are combined,
and unions told apart by the flat keys a file writes."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Union, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, GetCoreSchemaHandler, Tag
from pydantic_core import CoreSchema, PydanticCustomError


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
    TRIMMED_MEAN = "trimmed_mean"
    """去掉一个最高分和一个最低分后取平均 (a panel of judges, 评委打分); fewer than three numbers: the plain mean."""


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


_MONEY = re.compile(r"\s*([+-]?)\s*(\d+(?:\.\d+)?)\s*(万?)\s*元?\s*")


def _yuan(value: Any) -> Any:
    """Money as offices write it: ``-60万`` is -600000 yuan, ``500000元`` is 500000; numbers pass to ``int``.

    A text that is no amount, or an amount in 万 that is not whole yuan (0.00005万), is a ``money`` error the
    loader says in Chinese first (scheme/said.py).
    """
    if not isinstance(value, str):
        return value
    found = _MONEY.fullmatch(value)
    if found is None or len(value) > 40:
        raise PydanticCustomError("money", "not an amount of money", {"got": value})
    amount = Decimal(found[2]) * (10_000 if found[3] else 1)
    if amount != amount.to_integral_value():
        raise PydanticCustomError(
            "money_not_whole", "not whole yuan", {"got": value, "yuan": format(amount.normalize(), "f")}
        )
    return -int(amount) if found[1] == "-" else int(amount)


Yuan = Annotated[int, BeforeValidator(_yuan)]
"""An amount of money in whole yuan, written as a number or in 万 (``5万`` is 50000)."""
