"""What a GeoReport request carries that cases.csv has no column for: location, text, photo, answers, contact.

cases.csv is a pinned interchange contract, so the Open311-only fields live beside it in one table of
their own (migration 0002_open311), joined to the case on ``case_id``.  A batch request is stored before
its case exists (``case_id`` empty, ``token`` set) and gets its case when the batch runs; a realtime
request gets both in one transaction.  The contact fields are kept for the centre to call back and are
never served by the GET endpoints (GeoReport forbids publishing them).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kaoping.store.tables import Base

AttributeValue = str | list[str]


class Open311Request(Base):
    __tablename__ = "open311_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.case_id"), unique=True, nullable=True)
    token: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    service_code: Mapped[str] = mapped_column(String(20))
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    address_string: Mapped[str] = mapped_column(String(500), default="")
    address_id: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    media_url: Mapped[str] = mapped_column(String(1000), default="")
    attributes: Mapped[dict[str, AttributeValue]] = mapped_column(JSON, default=dict)
    account_id: Mapped[str] = mapped_column(String(100), default="")
    contact: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    """email, first_name, last_name, phone, device_id: private, never served."""
    client: Mapped[str] = mapped_column(String(100))
    """The API client (its key's name) that filed the request."""
