"""The period page's review panel (审核对比) as plain values for the template.

The comparison itself is the application layer's (:mod:`kaoping.app.review`); here it is only put into the
words and numbers a reviewer reads: totals with the scheme's decimals, "↓2" and "−0.30", and each changed row
as the dashboard's drift list shows it (:func:`kaoping.web.dashboard_data.changed_row`), so the office reads
one kind of row line wherever it meets one.  Also who may press which button under separation of duties,
asked of the policy table, so a step the API would refuse is shown disabled with the reason beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kaoping.app.duties import Step, duty_conflict
from kaoping.app.policy import Principal
from kaoping.app.review import Move, Review, UnitReview
from kaoping.facts.snapshot import ChangedRow, RowChange
from kaoping.store.tables import PublishedResult
from kaoping.web.dashboard_data import changed_row

ROWS_SHOWN = 20
"""Changed rows listed per unit: enough to see what happened; a thousand new case rows are counted instead."""
IDENTIFY = ("date", "period", "part", "item", "source")
"""The columns that tell an office which row a line is about, in this order."""
MINUS = "\u2212"
"""The minus sign (−), not the hyphen: "−0.30" reads as a number in Chinese and English text alike."""


@dataclass(frozen=True)
class Line:
    """One unit's row of the review table."""

    unit_id: str
    unit: str
    published: str
    """"名次 · 总分" in the published version ("" when not ranked there)."""
    draft: str
    move: str
    """The :class:`~kaoping.app.review.Move` value: the template words entered/left/unrated itself."""
    places: str
    """↑2, ↓1 or — (empty when the move has no places)."""
    delta: str
    changed: bool
    rows: list[dict[str, Any]]
    more: int = 0
    """Changed rows of the unit not listed (beyond :data:`ROWS_SHOWN`)."""


@dataclass(frozen=True)
class ReviewView:
    review: Review
    groups: list[tuple[str, list[Line]]]
    elsewhere: list[dict[str, Any]]


def _fmt(decimals: int) -> Any:
    step = Decimal(1).scaleb(-decimals)

    def num(x: Decimal) -> str:
        return f"{x.quantize(step, ROUND_HALF_UP)}"

    return num


def _places(u: UnitReview) -> str:
    if u.move == Move.UP:
        return f"↑{u.places}"
    if u.move == Move.DOWN:
        return f"↓{-u.places}"
    return "—" if u.move == Move.SAME else ""


def _line(u: UnitReview, num: Any) -> Line:
    def standing(s: Any) -> str:
        return "" if s is None else f"{s.rank} · {num(s.total)}"

    delta = ""  # a zero change is worth saying only beside a move ("↑1 0.00": others moved, not it)
    if u.delta is not None and (u.delta or u.move != Move.SAME):
        delta = num(abs(u.delta)) if not u.delta else ("+" if u.delta > 0 else MINUS) + num(abs(u.delta))
    rows = [_row(r) for r in u.rows[:ROWS_SHOWN]]
    more = max(0, len(u.rows) - ROWS_SHOWN)
    return Line(
        u.unit_id, u.unit, standing(u.published), standing(u.draft), u.move, _places(u), delta, u.changed, rows, more
    )


def _row(row: ChangedRow) -> dict[str, Any]:
    """A changed row as the drift list shows it, plus what identifies a *modified* row to an office (when,
    which part and item, who scored): its own line names only the columns that changed, while an added or
    removed row's line already shows them."""
    values = row.after if row.change == RowChange.CHANGED else {}
    return changed_row(row) | {"where": " ".join(str(values[k]) for k in IDENTIFY if values.get(k))}


def review_view(review: Review, decimals: int) -> ReviewView:
    """``review`` with numbers at the scheme's ``decimals`` and rows as the page lists them."""
    num = _fmt(decimals)
    groups = [(g.group, [_line(u, num) for u in g.units]) for g in review.comparison.groups]
    return ReviewView(review, groups, [_row(r) for r in review.comparison.elsewhere[:ROWS_SHOWN]])


def barred_steps(who: Principal, open_row: PublishedResult | None, separation: bool) -> dict[str, bool]:
    """Which of 计算草稿 and 审核 separation of duties refuses to ``who`` on the open version."""
    if open_row is None or who.username is None:
        return {"compute": False, "review": False}

    def barred(step: Step) -> bool:
        by, computed, reviewed = who.username or "", open_row.created_by, open_row.reviewed_by
        return duty_conflict(step, by, computed_by=computed, reviewed_by=reviewed, enabled=separation) is not None

    return {"compute": barred(Step.COMPUTE), "review": open_row.status == "draft" and barred(Step.REVIEW)}
