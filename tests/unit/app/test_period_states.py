"""A period's state from its versions, and the months a quarter or year is made of."""

from __future__ import annotations

import pytest

from kaoping.app.period_states import PeriodState, months_of, standing_of
from kaoping.statuses import ResultStatus


@pytest.mark.parametrize(
    ("versions", "state", "published", "pending"),
    [
        ([], PeriodState.NOT_COMPUTED, None, None),
        ([(1, "draft")], PeriodState.DRAFT, None, None),
        ([(1, "reviewed")], PeriodState.REVIEWED, None, None),
        ([(1, "published")], PeriodState.PUBLISHED, 1, None),
        ([(1, "published"), (2, "draft")], PeriodState.PUBLISHED, 1, ResultStatus.DRAFT),
        ([(1, "superseded"), (2, "published")], PeriodState.CORRECTED, 2, None),
        ([(1, "superseded"), (2, "published"), (3, "reviewed")], PeriodState.CORRECTED, 2, ResultStatus.REVIEWED),
    ],
)
def test_standing_of_versions(
    versions: list[tuple[int, str]], state: PeriodState, published: int | None, pending: ResultStatus | None
) -> None:
    standing = standing_of("2024-Q2", versions)
    assert (standing.state, standing.published_version, standing.pending) == (state, published, pending)


def test_months_of_a_quarter_a_year_and_a_month() -> None:
    assert months_of("2024-Q2") == ["2024-04", "2024-05", "2024-06"]
    assert months_of("2024") == [f"2024-{m:02d}" for m in range(1, 13)]
    assert months_of("2024-05") == []
