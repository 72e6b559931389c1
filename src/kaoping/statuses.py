"""Statuses of a period's result (结果状态) and of an appeal (申诉状态), with their Chinese names.

Neutral, so the store's freeze rule, the publishing use case, the API and the pages speak of the same
closed sets instead of comparing strings spelt in five places.
"""

from __future__ import annotations

from enum import StrEnum


class ResultStatus(StrEnum):
    """draft → reviewed → published; a published version becomes superseded when a correction is published."""

    DRAFT = "draft"
    REVIEWED = "reviewed"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return RESULT_STATUS_NAMES[self]


RESULT_STATUS_NAMES: dict[str, str] = {
    ResultStatus.DRAFT: "草稿",
    ResultStatus.REVIEWED: "已审核",
    ResultStatus.PUBLISHED: "已发布",
    ResultStatus.SUPERSEDED: "已被更正",
}

OPEN_RESULTS = (ResultStatus.DRAFT, ResultStatus.REVIEWED)
"""Not yet published: may be recomputed (replaced in place) while the office is still checking it."""
FROZEN_RESULTS = (ResultStatus.PUBLISHED, ResultStatus.SUPERSEDED)
"""Never modified again — except the one step published → superseded when a correction is published."""


class AppealStatus(StrEnum):
    """An appeal is open until the office answers it: accepted, rejected, or just answered."""

    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ANSWERED = "answered"

    @property
    def label(self) -> str:
        return APPEAL_STATUS_NAMES[self]


APPEAL_STATUS_NAMES: dict[str, str] = {
    AppealStatus.OPEN: "待答复",
    AppealStatus.ACCEPTED: "已采纳",
    AppealStatus.REJECTED: "未采纳",
    AppealStatus.ANSWERED: "已答复",
}
