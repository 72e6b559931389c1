"""Request and response bodies of the fact endpoints: one model per interchange file, field for column.

The fields and their limits mirror ``kaoping.facts.columns`` (the interchange contract) and the column sizes
of ``kaoping.store.tables``, so a row the API accepts is a row an import would accept and the database
can hold: a too-long name is a 422 naming the field, not a PostgreSQL error.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[str, Field(min_length=1, max_length=100)]
PartName = Annotated[str, Field(min_length=1, max_length=100)]


class Reasoned(BaseModel):
    reason: str = Field("", max_length=2000, description="why the change is made; kept in the audit trail")


class RowMeta(BaseModel):
    """Where a stored row came from (``src_file`` 'api' for rows entered here)."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    src_file: str
    src_row: int


class ScoreFields(BaseModel):
    period: str = Field(max_length=10, description="2024-03, 2024-Q2 or 2024")
    unit_id: Id
    part: PartName
    item: str = Field("", max_length=200)
    score: float = Field(allow_inf_nan=False)
    source: str = Field("", max_length=200, description="the scorer; departments and third parties: themselves")
    note: str = Field("", max_length=2000)


class DeductionFields(BaseModel):
    date: dt.date
    unit_id: Id
    part: PartName
    item: str = Field("", max_length=200)
    points: float = Field(ge=0, allow_inf_nan=False)
    source: str = Field("", max_length=200)
    problem: str = Field("", max_length=2000)
    location: str = Field("", max_length=500)
    evidence: str = Field("", max_length=500)
    time: dt.time | None = None


class HonorFields(BaseModel):
    date: dt.date
    unit_id: Id
    kind: Literal["award", "criticism"]
    level: Literal["national", "provincial", "provincial_dept"]
    title: str = Field("", max_length=500)


class NoticeFields(BaseModel):
    problem_id: Id
    unit_id: Id
    notified_on: dt.date
    rectified_on: dt.date | None = None


class CaseFields(BaseModel):
    case_id: Id
    unit_id: Id
    kind: Literal["component", "event"]
    category: str = Field(max_length=200, min_length=1)
    reported_at: dt.datetime
    dispatched_at: dt.datetime | None = None
    deadline: dt.datetime | None = None
    disposed_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    rework_count: int = Field(0, ge=0)
    verify_failed: int = Field(0, ge=0)
    postponed: int = Field(0, ge=0)


class RankFields(BaseModel):
    period: str = Field(max_length=10)
    unit_id: Id
    task: str = Field(max_length=200, min_length=1)
    rank: int = Field(ge=1)


class ScoreIn(ScoreFields, Reasoned): ...


class DeductionIn(DeductionFields, Reasoned): ...


class HonorIn(HonorFields, Reasoned): ...


class NoticeIn(NoticeFields, Reasoned): ...


class CaseIn(CaseFields, Reasoned): ...


class RankIn(RankFields, Reasoned): ...


class ScoreOut(ScoreFields, RowMeta): ...


class DeductionOut(DeductionFields, RowMeta): ...


class HonorOut(HonorFields, RowMeta): ...


class NoticeOut(NoticeFields, RowMeta): ...


class CaseOut(CaseFields, RowMeta): ...


class RankOut(RankFields, RowMeta): ...


FactIn = ScoreIn | DeductionIn | HonorIn | NoticeIn | CaseIn | RankIn
OUT_MODELS: dict[str, type[RowMeta]] = {
    "scores": ScoreOut,
    "deductions": DeductionOut,
    "honors": HonorOut,
    "notices": NoticeOut,
    "cases": CaseOut,
    "ranks": RankOut,
}

RowT = TypeVar("RowT", bound=BaseModel)


class Written(BaseModel, Generic[RowT]):
    """A write's outcome: ``insert`` (new natural key), ``update`` (same key, new values) or ``unchanged``."""

    action: Literal["insert", "update", "unchanged"]
    row: RowT


class Deleted(BaseModel):
    kind: str
    id: int
    row: dict[str, object]


class UnitFields(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    unit_id: Id
    name: str = Field(max_length=200, min_length=1)
    group: str = Field(max_length=100, min_length=1)
    reward_eligible: bool = True


class UnitIn(UnitFields, Reasoned): ...


class UnitUpdate(Reasoned):
    name: str = Field(max_length=200, min_length=1)
    group: str = Field(max_length=100, min_length=1)
    reward_eligible: bool = True


class InputProblem(BaseModel):
    """One problem in the data, placed like the CLI's: file (``db:<table>`` or ``request``), row, column.

    Row 0 is the row this request sent (API rows have no spreadsheet row).
    """

    scheme: str | None = None
    file: str
    row: int | None
    column: str | None
    message: str


class ProblemOut(BaseModel):
    detail: str
    errors: list[InputProblem] = []
