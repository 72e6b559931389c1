"""Answer sheets of satisfaction questionnaires (问卷答卷): migration 0016_surveys.

One row per answer sheet: the questionnaire (name and version) it answers, the unit and period (a survey
round), the answers (question id → scale label, JSON), where it came from (``channel``: 公众页面, 电话回访,
导入) and who entered it when.  The respondent is kept only as a salted hash (HMAC-SHA256 under the server's
secret) of the phone number or one-time code, unique per questionnaire and period — a second sheet from the
same phone is refused by the database, and no phone number is ever stored.  ``address`` is the same kind of
hash of the client address of a public submission, so the page can bound submissions per address.
"""

from __future__ import annotations

from sqlalchemy import JSON, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kaoping.store.tables import Base, Created


class SurveyAnswerRow(Created, Base):
    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("survey", "period", "respondent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[str] = mapped_column(String(100), index=True)
    period: Mapped[str] = mapped_column(String(10), index=True)
    respondent: Mapped[str] = mapped_column(String(64))
    """HMAC-SHA256 (hex) of the normalised contact under the server secret; never the contact itself."""
    answers: Mapped[dict[str, str]] = mapped_column(JSON)
    channel: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(64), default="", index=True)
    """HMAC-SHA256 (hex) of the client address of a public submission; "" for the office's entries."""
