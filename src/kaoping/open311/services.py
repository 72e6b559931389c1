"""The service catalogue: which Open311 service codes the office offers, and which case category each is.

GeoReport clients pick a ``service_code``; the system of record files a case under a ``category``
(cases.csv).  The two must map one to one on the way in, but imported case files name the same problem in
several ways (井盖破损, 雨水井盖破损 ...), so each service also lists the ``aliases`` it reads back as.
The codes follow the 大类/小类 layout of GB/T 30428.2 (EV = 事件 events, CP = 部件 components, then two
digits of 大类 and two of 小类); ``group`` is the 大类.  The catalogue is data, ``open311/data/services.yaml``,
which an office with its own services edits; it is checked when this module is imported (every field by the
types below, then codes and categories listed twice and codes that name no 大类), so a mistake in it stops
the service at start with the file and the place named, never a request later.

``limit`` is the 处置时限 of the 处置手册 (working hours or working days on the office's WorkCalendar): it
gives ``expected_datetime`` before a case has a deadline of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, NamedTuple

from pydantic import BeforeValidator, ConfigDict, TypeAdapter, ValidationError, with_config

from kaoping.cases.categories import ConfigError, pydantic_problems, read_yaml

Datatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
ServiceType = Literal["realtime", "batch", "blackbox"]
CaseKind = Literal["component", "event"]


class Value(NamedTuple):
    """One choice of a list attribute: ``key`` is what a client posts, ``name`` what a person reads."""

    key: str
    name: str


def _values(raw: object) -> object:
    """The data file writes a list's choices as a mapping ``key: name`` (in order, no key twice)."""
    return list(raw.items()) if isinstance(raw, Mapping) else raw


_CHECKED = with_config(ConfigDict(extra="forbid"))
"""A field the data file names that the type does not have is an error, not ignored."""


@_CHECKED
@dataclass(frozen=True)
class Attribute:
    """A question a service asks beyond the standard fields (GeoReport ``attribute[code]``)."""

    code: str
    datatype: Datatype
    description: str
    required: bool = False
    variable: bool = True
    """False: an instruction shown to the reporter, not a question (nothing is posted for it)."""
    datatype_description: str = ""
    order: int = 1
    values: Annotated[tuple[Value, ...], BeforeValidator(_values)] = ()


@_CHECKED
@dataclass(frozen=True)
class Limit:
    """处置时限: ``amount`` working hours or working days, counted on the WorkCalendar."""

    amount: int
    unit: Literal["hours", "days"]

    def zh(self) -> str:
        return f"{self.amount} 个{'工作小时' if self.unit == 'hours' else '工作日'}"

    def en(self) -> str:
        return f"{self.amount} working {self.unit if self.amount != 1 else self.unit[:-1]}"


@_CHECKED
@dataclass(frozen=True)
class Service:
    code: str
    """EV… or CP… and four digits: the kind and the 大类 (:data:`GROUPS`) are read off it, never stated twice."""
    name: str
    """The service_name and the case category written for a new request."""
    description: str
    keywords: tuple[str, ...]
    limit: Limit | None
    type: ServiceType = "realtime"
    aliases: tuple[str, ...] = ()
    attributes: tuple[Attribute, ...] = ()

    @property
    def kind(self) -> CaseKind:
        """部件 (CP…) or 事件 (EV…)."""
        return "component" if self.code.startswith("CP") else "event"

    @property
    def group(self) -> str:
        """The 大类 the code's first four characters name."""
        return GROUPS[self.code[:4]]

    @property
    def metadata(self) -> bool:
        """GeoReport ``metadata``: true when the service definition has questions to answer."""
        return bool(self.attributes)

    @property
    def categories(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def notice(self) -> str:
        """``service_notice``: what happens next, in Chinese and English."""
        if self.type == "blackbox":
            return "由指挥中心分拨，不提供办理编号 / routed by the command centre; no request id is issued"
        zh, en = "立案后派遣责任单位处置", "registered and dispatched to the responsible unit"
        if self.limit is not None:
            zh, en = f"{zh}，处置时限 {self.limit.zh()}", f"{en}, to be handled within {self.limit.en()}"
        return f"{zh} / {en}"


@_CHECKED
@dataclass(frozen=True)
class _CatalogueFile:
    """The shape of ``open311/data/services.yaml``: the 大类 by code prefix, then the services in order."""

    groups: dict[str, str]
    services: tuple[Service, ...]


_FILE = TypeAdapter(_CatalogueFile)


def _problems(catalogue: _CatalogueFile) -> list[str]:
    """What the schema cannot see: codes and categories listed twice, codes that name no kind or 大类."""
    services, problems = catalogue.services, []
    codes = [s.code for s in services]
    problems += [f"services: code {c} is listed twice" for c in sorted({c for c in codes if codes.count(c) > 1})]
    categories = [c for s in services for c in s.categories]
    twice = sorted({c for c in categories if categories.count(c) > 1})
    problems += [f"services: category {c} belongs to more than one service" for c in twice]
    problems += [
        f"services: code {s.code} names no kind (EV, CP) or no 大类 of groups"
        for s in services
        if s.code[:2] not in ("EV", "CP") or s.code[:4] not in catalogue.groups
    ]
    return problems


def load_catalogue(path: Path | None = None) -> tuple[dict[str, str], tuple[Service, ...]]:
    """GROUPS and SERVICES from ``path`` (default: the bundled ``services.yaml``), every problem reported."""
    data, label = read_yaml(path, "services.yaml", package="kaoping.open311")
    try:
        catalogue = _FILE.validate_python(data)
    except ValidationError as exc:
        raise ConfigError(label, pydantic_problems(exc)) from exc
    if problems := _problems(catalogue):
        raise ConfigError(label, problems)
    return catalogue.groups, catalogue.services


GROUPS: dict[str, str]
"""The 大类 of the catalogue by kind and the two digits that follow (GB/T 30428.2)."""
SERVICES: tuple[Service, ...]
"""Every service the office offers, in the order GET services lists them."""
GROUPS, SERVICES = load_catalogue()

BY_CODE: dict[str, Service] = {s.code: s for s in SERVICES}
BY_CATEGORY: dict[str, Service] = {c: s for s in SERVICES for c in s.categories}
"""Every category a service answers to; a category belongs to one service only (checked when loaded)."""


def service_for(category: str) -> Service | None:
    """The service a case of ``category`` is published under (None: not an Open311 category)."""
    return BY_CATEGORY.get(category)
