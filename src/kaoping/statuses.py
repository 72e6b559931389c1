"""Statuses of a period's result (结果状态) and of an appeal (申诉状态), with their Chinese names.

Neutral, so the store's freeze rule, the publishing use case, the API and the pages speak of the same
closed sets instead of comparing strings spelt in five places.
"""

from __future__ import annotations

from kaoping.labels import Labelled


class ResultStatus(Labelled):
    """draft → reviewed → published; a published version becomes superseded when a correction is published."""

    DRAFT = "draft", "草稿"
    REVIEWED = "reviewed", "已审核"
    PUBLISHED = "published", "已发布"
    SUPERSEDED = "superseded", "已被更正"


OPEN_RESULTS = (ResultStatus.DRAFT, ResultStatus.REVIEWED)
"""Not yet published: may be recomputed (replaced in place) while the office is still checking it."""
FROZEN_RESULTS = (ResultStatus.PUBLISHED, ResultStatus.SUPERSEDED)
"""Never modified again — except the one step published → superseded when a correction is published."""


class AppealStatus(Labelled):
    """An appeal is open until the office answers it: accepted (a correction of its period follows),
    rejected (with the reason), or just answered."""

    OPEN = "open", "待答复"
    ACCEPTED = "accepted", "已受理"
    REJECTED = "rejected", "已驳回"
    ANSWERED = "answered", "已答复"
