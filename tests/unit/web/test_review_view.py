"""The review panel's words and numbers, and which buttons separation of duties disables for the viewer."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from kaoping.app.policy import Principal
from kaoping.app.review import Comparison, GroupReview, Move, Review, Standing, UnitReview
from kaoping.roles import Role
from kaoping.web.review_view import barred_steps, review_view


def line(**changes: Any) -> UnitReview:
    base: dict[str, Any] = {
        "unit_id": "gx",
        "unit": "高新区",
        "published": Standing(1, Decimal("95")),
        "draft": Standing(3, Decimal("94.7")),
        "move": Move.DOWN,
        "places": -2,
        "delta": Decimal("-0.3"),
    }
    return UnitReview(**(base | changes))


def shown(u: UnitReview) -> Any:
    return review_view(Review(2, 1, Comparison([GroupReview("城区组", [u])])), 2).groups[0][1][0]


def test_moves_and_deltas_in_the_schemes_decimals() -> None:
    gx = shown(line())
    assert (gx.published, gx.draft, gx.places, gx.delta) == ("1 · 95.00", "3 · 94.70", "↓2", "−0.30")
    up = shown(line(move=Move.UP, places=1, delta=Decimal("0.25")))
    assert (up.places, up.delta) == ("↑1", "+0.25")
    assert shown(line(move=Move.SAME, places=0, delta=Decimal(0))).delta == ""
    assert shown(line(move=Move.UP, places=1, delta=Decimal(0))).delta == "0.00"
    entered = shown(line(published=None, move=Move.ENTERED, places=0, delta=None))
    assert (entered.published, entered.places, entered.delta) == ("", "", "")


def test_buttons_barred_by_separation_of_duties() -> None:
    me = Principal(username="a", role=Role.ADMIN)
    draft = SimpleNamespace(status="draft", created_by="a", reviewed_by=None)
    reviewed = SimpleNamespace(status="reviewed", created_by="b", reviewed_by="a")
    assert barred_steps(me, draft, True) == {"compute": False, "review": True}  # type: ignore[arg-type]
    assert barred_steps(me, reviewed, True) == {"compute": True, "review": False}  # type: ignore[arg-type]
    assert barred_steps(me, draft, False) == {"compute": False, "review": False}  # type: ignore[arg-type]
    assert barred_steps(me, None, True) == {"compute": False, "review": False}
