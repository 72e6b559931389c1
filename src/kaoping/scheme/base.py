"""What every construct of the scheme language shares: strict models and the ways numbers are combined."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


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
