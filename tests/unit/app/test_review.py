"""The review comparison, worked by hand on documents (no store): who moves, by how much, and which rows.

The example: 高新区 led 老城区 by 0.20 in the published version; one added deduction row of 0.50 against
高新区 puts it 0.30 behind in the draft, so the two swap — 高新区 ↓1, −0.50; 老城区 ↑1, +0.00 — and the row
is listed under 高新区 only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kaoping.app.review import Move, Standing, compare
from kaoping.facts.snapshot import ChangedRow, RowChange


def unit(rank: int, unit_id: str, name: str, total: float) -> dict[str, Any]:
    return {"rank": rank, "unit_id": unit_id, "unit": name, "total": total}


def doc(*groups: tuple[str, list[dict[str, Any]], list[str]]) -> dict[str, Any]:
    """A result document with only what the comparison reads: groups, ranked units, 未考评 ids."""
    return {
        "groups": [
            {"group": g, "ranking": ranking, "unrated": [{"unit_id": u, "unit": u} for u in unrated]}
            for g, ranking, unrated in groups
        ]
    }


PUBLISHED = doc(
    ("城区组", [unit(1, "gx", "高新区", 95.0), unit(2, "lc", "老城区", 94.8), unit(3, "xq", "新区", 90.1)], [])
)
DRAFT = doc(("城区组", [unit(1, "lc", "老城区", 94.8), unit(2, "gx", "高新区", 94.5), unit(3, "xq", "新区", 90.1)], []))
ADDED = ChangedRow(
    "deductions",
    1234,
    RowChange.ADDED,
    "gx",
    {},
    {"date": "2024-05-20", "unit_id": "gx", "part": "督查考评", "item": "道路保洁", "points": 0.5},
)


def test_two_units_swap_because_of_one_added_deduction_row() -> None:
    [group] = compare(DRAFT, PUBLISHED, [ADDED]).groups
    assert group.group == "城区组"
    lc, gx, xq = group.units
    assert (gx.unit, gx.published, gx.draft) == ("高新区", Standing(1, Decimal("95.0")), Standing(2, Decimal("94.5")))
    assert (gx.move, gx.places, gx.delta) == (Move.DOWN, -1, Decimal("-0.5"))
    assert gx.rows == (ADDED,) and gx.changed
    assert (lc.unit, lc.move, lc.places, lc.delta, lc.rows) == ("老城区", Move.UP, 1, Decimal("0.0"), ())
    assert lc.changed  # it moved, though nothing of its own changed
    assert (xq.move, xq.delta, xq.changed) == (Move.SAME, Decimal("0.0"), False)
    assert compare(DRAFT, PUBLISHED, [ADDED]).changed_units == 2


def test_units_entering_and_leaving_the_ranking() -> None:
    published = doc(("城区组", [unit(1, "gx", "高新区", 95.0), unit(2, "lc", "老城区", 94.8)], ["xq"]))
    draft = doc(("城区组", [unit(1, "xq", "新区", 96.0), unit(2, "gx", "高新区", 95.0)], ["lc"]))
    units = {u.unit_id: u for u in compare(draft, published).groups[0].units}
    assert [u for u in units] == ["xq", "gx", "lc"]  # draft order, then who left
    assert (units["xq"].move, units["xq"].published, units["xq"].delta) == (Move.ENTERED, None, None)
    assert (units["lc"].move, units["lc"].draft) == (Move.LEFT, None)
    assert units["lc"].published == Standing(2, Decimal("94.8"))
    assert (units["gx"].move, units["gx"].places) == (Move.DOWN, -1)


def test_rows_of_unranked_units_and_of_no_unit() -> None:
    published = doc(("城区组", [unit(1, "gx", "高新区", 95.0)], ["xq"]))
    draft = doc(("城区组", [unit(1, "gx", "高新区", 95.0)], ["xq"]))
    xq_row = ChangedRow("scores", 7, RowChange.REMOVED, "xq", {"unit_id": "xq", "score": 80.0}, {})
    stray = ChangedRow("units", "zz", RowChange.ADDED, "zz", {}, {"unit_id": "zz", "name": "新单位"})
    result = compare(draft, published, [xq_row, stray])
    gx, xq = result.groups[0].units
    assert (xq.unit_id, xq.move, xq.rows, xq.changed) == ("xq", Move.UNRATED, (xq_row,), True)
    assert gx.changed is False
    assert result.elsewhere == [stray]


def test_nothing_published_shows_the_draft_ranking_alone() -> None:
    [group] = compare(DRAFT, None).groups
    assert [(u.unit, u.move, u.published, u.draft) for u in group.units] == [
        ("老城区", Move.NONE, None, Standing(1, Decimal("94.8"))),
        ("高新区", Move.NONE, None, Standing(2, Decimal("94.5"))),
        ("新区", Move.NONE, None, Standing(3, Decimal("90.1"))),
    ]
    assert compare(DRAFT, None).changed_units == 0


def test_groups_of_either_version_are_kept_in_order() -> None:
    published = doc(("城区组", [unit(1, "gx", "高新区", 95.0)], []), ("县市组", [unit(1, "ax", "安县", 90.0)], []))
    draft = doc(("县市组", [unit(1, "ax", "安县", 91.0)], []), ("新组", [unit(1, "gx", "高新区", 95.0)], []))
    groups = compare(draft, published).groups
    assert [g.group for g in groups] == ["县市组", "新组", "城区组"]
    assert groups[0].units[0].delta == Decimal("1.0")
    assert groups[1].units[0].move == Move.ENTERED and groups[2].units[0].move == Move.LEFT
