"""The review comparison from the store (SQLite and PostgreSQL): a correction's draft against the published
version, with the rows that caused the difference read from the two versions' facts snapshots.

district-onsite, 2024-05, worked by hand: 区市政设施维护所 (u4) 29.00 leads 区园林绿化所 (u3) 28.00; one added
日常考评 deduction of 1.5 points against u4 makes it 27.50, so u3 moves up to first and u4 down to second.
(district-onsite v2, issue #17: u4's P5 is now in time — due 06-07 — so u4 leads; before, u3 28.00 led u4 27.00
and the added deduction was u3's.  The swap pinned is the same, with the two units' roles exchanged.)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from examples_testing import EXAMPLES
from kaoping.app.facts import one_row, write_row
from kaoping.app.frozen import frozen
from kaoping.app.publish import compute_draft, publish, review
from kaoping.app.review import Move, Standing, review_of
from kaoping.facts.snapshot import RowChange
from kaoping.store.db import open_store, transaction
from kaoping.store.publishing import get
from store_testing import write_all_facts

SCHEME, PERIOD = "district-onsite", "2024-05"


def deduction(day: date, unit_id: str, points: float) -> dict[str, object]:
    return {
        "date": day,
        "unit_id": unit_id,
        "part": "日常考评",
        "item": "道路保洁",
        "points": points,
        "source": "日常考评小组",
        "problem": "路面垃圾",
    }


@pytest.fixture
def store(db_url: str) -> sessionmaker[Session]:
    factory = open_store(db_url)
    with transaction(factory) as s:
        write_all_facts(s, EXAMPLES / SCHEME)
    return factory


def draft_id(store: sessionmaker[Session], reason: str = "") -> int:
    with transaction(store) as s:
        return compute_draft(s, scheme=SCHEME, period=PERIOD, actor="计算员", reason=reason).id


def test_before_publication_the_draft_ranking_alone(store: sessionmaker[Session]) -> None:
    rid = draft_id(store)
    with store() as s:
        result = review_of(s, get(s, rid))
    assert result.published_version is None and result.draft_version == 1
    units = result.comparison.groups[0].units
    assert [(u.unit_id, u.draft, u.move) for u in units[:2]] == [
        ("u4", Standing(1, Decimal("29.0")), Move.NONE),
        ("u3", Standing(2, Decimal("28.0")), Move.NONE),
    ]


def test_a_correction_shows_the_swap_and_the_row_that_caused_it(store: sessionmaker[Session]) -> None:
    v1 = draft_id(store)
    with transaction(store) as s:
        review(s, v1, actor="审核员")
        publish(s, v1, actor="发布员")
        write_row(
            s, "deductions", one_row("deductions", deduction(date(2024, 5, 20), "u4", 1.5)), actor="督查员", reason=""
        )
        # dated in April: not this period's row, only counted
        write_row(
            s, "deductions", one_row("deductions", deduction(date(2024, 4, 10), "u1", 2.0)), actor="督查员", reason=""
        )
    v2 = draft_id(store, reason="补录 5 月 20 日巡查扣分")
    with store() as s:
        result = review_of(s, get(s, v2))
    assert (result.published_version, result.draft_version) == (1, 2)
    assert (result.period_rows, result.other_rows, result.rows_known) == (1, 1, True)
    units = {u.unit_id: u for u in result.comparison.groups[0].units}
    assert [u for u in units][:2] == ["u3", "u4"]
    u3, u4 = units["u3"], units["u4"]
    assert (u4.published, u4.draft) == (Standing(1, Decimal("29.0")), Standing(2, Decimal("27.5")))
    assert (u4.move, u4.places, u4.delta) == (Move.DOWN, -1, Decimal("-1.5"))
    assert (u3.move, u3.places, u3.delta, u3.rows) == (Move.UP, 1, Decimal("0.0"), ())
    [row] = u4.rows
    assert (row.kind, row.change, row.after["points"], row.after["date"]) == (
        "deductions",
        RowChange.ADDED,
        1.5,
        "2024-05-20",
    )
    assert not units["u1"].changed and result.comparison.changed_units == 2


def test_frozen_follows_an_open_version_recomputed_in_place(store: sessionmaker[Session]) -> None:
    """A draft computed again keeps its row (same id, same version): its frozen result must not be the old one."""
    rid = draft_id(store)
    with store() as s:
        before = frozen(s, get(s, rid))
    assert before is not None and before.result.unit("u3") is not None
    with transaction(store) as s:
        write_row(
            s, "deductions", one_row("deductions", deduction(date(2024, 5, 20), "u3", 1.5)), actor="督查员", reason=""
        )
    assert draft_id(store) == rid
    with store() as s:
        after = frozen(s, get(s, rid))
    assert after is not None
    was, now = before.result.unit("u3"), after.result.unit("u3")
    assert was is not None and now is not None and was.total - now.total == Decimal("1.5")
