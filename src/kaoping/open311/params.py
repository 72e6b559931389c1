"""Reading GeoReport parameters: W3C dates, the 90-day window, comma lists, and a posted request's form.

Every problem with a request's parameters is a 400, and a POST reports all of them at once (one
``<error>`` each) so a client fixes its form in one round.  Times are W3C datetimes (ISO 8601 with an
offset, or ``Z``); a datetime without an offset, or a bare date, is read as the office's local time, and a
bare ``end_date`` means the end of that day.  A ``+`` in an unencoded query string arrives as a space, so
``2024-05-01T00:00:00 08:00`` is read as ``+08:00`` rather than refused.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Literal

from kaoping.open311.formats import Open311Error
from kaoping.open311.services import BY_CODE, Attribute, Service
from kaoping.open311.tables import AttributeValue

WINDOW = timedelta(days=90)
"""GeoReport: the default search window, and the widest one a GET requests may ask for."""
MAX_DESCRIPTION = 4000
"""GeoReport: a description is free text of up to 4,000 characters."""
DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
SPACE_FOR_PLUS = re.compile(r"^(.*T.*\d) (\d\d:?\d\d)$")
ATTRIBUTE = re.compile(r"attribute\[([^\]]+)\](\[\])?")
LIMITS = {"address_string": 500, "address_id": 100, "account_id": 100, "media_url": 1000}
CONTACT = ("email", "device_id", "first_name", "last_name", "phone")


def parse_w3c(raw: str, name: str, tz: tzinfo, *, end_of_day: bool = False) -> datetime:
    """A naive local datetime (the store's kind) from a W3C datetime; 400 naming ``name`` if it is not one."""
    value = SPACE_FOR_PLUS.sub(r"\1+\2", raw.strip())
    try:
        if DATE_ONLY.fullmatch(value):
            day = datetime.combine(date.fromisoformat(value), time())
            return day + timedelta(days=1, microseconds=-1) if end_of_day else day
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Open311Error(400, f"{name} '{raw}' is not a W3C datetime such as 2024-05-01T08:00:00+08:00") from None
    return moment.astimezone(tz).replace(tzinfo=None) if moment.tzinfo else moment


def window(start_raw: str | None, end_raw: str | None, tz: tzinfo, now: datetime) -> tuple[datetime, datetime]:
    """The requested_datetime range searched: the last 90 days by default; never wider than 90 days.

    One bound alone extends 90 days the other way (start_date alone: the 90 days from it), so a client
    paging through history with start_date only never hits the limit.
    """
    start = parse_w3c(start_raw, "start_date", tz) if start_raw else None
    end = parse_w3c(end_raw, "end_date", tz, end_of_day=True) if end_raw else None
    if start is None and end is None:
        start, end = now - WINDOW, now
    elif start is None:
        assert end is not None
        start = end - WINDOW
    elif end is None:
        end = start + WINDOW
    if end < start:
        raise Open311Error(400, "end_date is before start_date")
    if end - start > WINDOW:
        raise Open311Error(400, "start_date to end_date spans more than 90 days; ask for 90 days at a time")
    return start, end


def comma_list(raw: str | None) -> list[str]:
    return [v.strip() for v in (raw or "").split(",") if v.strip()]


def statuses(raw: str | None) -> set[Literal["open", "closed"]]:
    out: set[Literal["open", "closed"]] = set()
    for value in comma_list(raw):
        if value == "open":
            out.add("open")
        elif value == "closed":
            out.add("closed")
        else:
            raise Open311Error(400, f"status '{value}' is not open or closed")
    return out


@dataclass(frozen=True)
class NewRequest:
    """A posted service request, checked."""

    service: Service
    latitude: float | None = None
    longitude: float | None = None
    address_string: str = ""
    address_id: str = ""
    description: str = ""
    media_url: str = ""
    account_id: str = ""
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    contact: dict[str, str] = field(default_factory=dict)


def parse_post(fields: list[tuple[str, str]], tz: tzinfo) -> NewRequest:
    """The form of POST requests as a NewRequest: 404 for an unknown service_code, 400 for the rest."""
    single: dict[str, str] = {}
    answers: dict[str, list[str]] = {}
    for key, value in fields:
        if m := ATTRIBUTE.fullmatch(key):
            answers.setdefault(m.group(1), []).append(value)
        else:
            single.setdefault(key, value.strip())
    code = single.get("service_code", "")
    if not code:
        raise Open311Error(400, "service_code was not provided")
    service = BY_CODE.get(code)
    if service is None:
        raise Open311Error(404, f"service_code '{code}' was not found")
    problems: list[str] = []
    lat, long = _coordinate(single, "lat", 90, problems), _coordinate(single, "long", 180, problems)
    if (lat is None) != (long is None) and not problems:
        problems.append("lat and long must be given together")
    located = any(single.get(k) for k in ("lat", "long", "address_string", "address_id"))
    if not located:
        problems.append("a location is required: lat and long, address_string or address_id")
    description = single.get("description", "")
    if len(description) > MAX_DESCRIPTION:
        problems.append(f"description is longer than {MAX_DESCRIPTION} characters")
    for name, limit in LIMITS.items():
        if len(single.get(name, "")) > limit:
            problems.append(f"{name} is longer than {limit} characters")
    media = single.get("media_url", "")
    if media and not media.lower().startswith(("http://", "https://")):
        problems.append("media_url must be an http or https URL")
    contact = {k: single[k][:200] for k in CONTACT if single.get(k)}
    if contact.get("email") and "@" not in contact["email"]:
        problems.append("email is not an email address")
    attributes = _attributes(service, answers, tz, problems)
    if problems:
        raise Open311Error(400, *problems)
    return NewRequest(
        service=service,
        latitude=lat,
        longitude=long,
        address_string=single.get("address_string", ""),
        address_id=single.get("address_id", ""),
        description=description,
        media_url=media,
        account_id=single.get("account_id", ""),
        attributes=attributes,
        contact=contact,
    )


def _coordinate(single: dict[str, str], name: str, bound: float, problems: list[str]) -> float | None:
    raw = single.get(name, "")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > bound:
        problems.append(f"{name} '{raw}' is not a WGS84 {'latitude' if bound == 90 else 'longitude'}")
        return None
    return value


def _attributes(
    service: Service, answers: dict[str, list[str]], tz: tzinfo, problems: list[str]
) -> dict[str, AttributeValue]:
    """The service definition's questions answered: required ones present, list answers among the keys."""
    asked = {a.code: a for a in service.attributes if a.variable}
    problems.extend(f"attribute[{code}] is not a question of {service.code}" for code in answers if code not in asked)
    out: dict[str, AttributeValue] = {}
    for code, attribute in asked.items():
        values = [v.strip() for v in answers.get(code, []) if v.strip()]
        if not values:
            if attribute.required:
                problems.append(f"attribute[{code}] is required: {attribute.description}")
            continue
        problem = _check(attribute, values, tz)
        if problem:
            problems.append(f"attribute[{code}]: {problem}")
            continue
        out[code] = values if attribute.datatype == "multivaluelist" else values[0]
    return out


def _check(attribute: Attribute, values: list[str], tz: tzinfo) -> str | None:
    keys = {v.key for v in attribute.values}
    match attribute.datatype:
        case "singlevaluelist" | "multivaluelist":
            if attribute.datatype == "singlevaluelist" and len(values) > 1:
                return "takes one value"
            wrong = [v for v in values if v not in keys]
            return f"'{wrong[0]}' is not one of {', '.join(sorted(keys))}" if wrong else None
        case "number":
            try:
                return None if math.isfinite(float(values[0])) else "is not a number"
            except ValueError:
                return f"'{values[0]}' is not a number"
        case "datetime":
            try:
                parse_w3c(values[0], "value", tz)
            except Open311Error as exc:
                return str(exc)
            return None
        case _:
            return "is longer than 4000 characters" if len(values[0]) > MAX_DESCRIPTION else None
