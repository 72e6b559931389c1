"""What the 公示 pages print, worked out from a document (kaoping.web.public_view)."""

from __future__ import annotations

from typing import Any

import pytest

from kaoping.scheme.loader import load_scheme
from kaoping.web.public_view import index_years, legend_needs, money, period_name, public_groups


@pytest.mark.parametrize(
    ("yuan", "shown"), [(300000, "+300,000"), (-100000, "-100,000"), (0, "0"), (999, "+999"), (-1000, "-1,000")]
)
def test_money_has_a_sign_and_separators(yuan: int, shown: str) -> None:
    assert money(yuan) == shown


def test_period_names_are_chinese_on_chinese_pages() -> None:
    assert [period_name(p, "zh") for p in ("2024-Q4", "2024-05", "2024")] == ["2024年第四季度", "2024年5月", "2024年度"]
    assert period_name("2024-Q4", "en") == "2024-Q4"


def test_index_by_year_latest_ending_first_and_titled() -> None:
    pairs = [("a", "2023-12"), ("a", "2024-01"), ("a", "2023-Q4"), ("a", "2023"), ("b", "2024-Q1"), ("a", "bad")]
    years = index_years(pairs, {"a": "甲方案"}, "zh")
    assert [y.year for y in years] == [2024, 2023]
    assert [e.period for e in years[0].entries] == ["2024年第一季度", "2024年1月"]
    assert [e.period for e in years[1].entries] == ["2023年度", "2023年第四季度", "2023年12月"]
    assert years[1].entries[0].title == "甲方案" and years[0].entries[0].title == "b"  # no title: the key
    assert years[1].entries[0].href == "/public/a/2023"


def _unit(**given: Any) -> dict[str, Any]:
    unit = {"rank": 1, "unit_id": "u1", "unit": "甲区", "total": 90.0, "parts": {}, "bonus": 0.0, "penalty": 0.0}
    return {**unit, "reward": 0, "reward_eligible": True, "flags": [], **given}


def test_flags_by_the_schemes_own_label() -> None:
    scheme = load_scheme("appearance-management")
    document = {"groups": [{"group": "g", "ranking": [_unit(flags=["commended"])], "unrated": []}]}
    [group] = public_groups(document, [], scheme)
    assert group.rows[0].flags == ["表彰奖励"]  # the scheme's label, not the built-in 表彰
    [bare] = public_groups(document, [], None)
    assert bare.rows[0].flags == ["表彰"]


def test_base_from_the_document_or_what_the_total_leaves() -> None:
    kept = _unit(total=85.12, base=85.46, bonus=0.33, penalty=0.67)
    old = _unit(total=85.12, bonus=0.33, penalty=0.67)  # published before 基础分 was kept
    document = {"groups": [{"group": "g", "ranking": [kept, old]}]}
    [group] = public_groups(document, [], None)
    assert [r.base for r in group.rows] == ["85.46", "85.46"]
    assert [(r.bonus, r.penalty, r.total) for r in group.rows] == [("0.33", "0.67", "85.12")] * 2


def test_a_total_raised_to_the_floor_is_marked() -> None:
    scheme = load_scheme("demo-city")  # total_min: 0
    document = {"groups": [{"group": "g", "ranking": [_unit(total=0.0, base=1.0, penalty=3.0), _unit(total=0.0)]}]}
    [group] = public_groups(document, [], scheme)
    assert [r.floored for r in group.rows] == [True, False]
    assert legend_needs([group]) == {"flagged": False, "money": False, "substitution": False, "floored": True}


def test_substitution_is_explained_only_beside_money_and_a_skipped_unit() -> None:
    rewarded = _unit(reward=1000)
    skipped = _unit(rank=2, reward_eligible=False)
    [alone] = public_groups({"groups": [{"group": "g", "ranking": [rewarded]}]}, [], None)
    [both] = public_groups({"groups": [{"group": "g", "ranking": [rewarded, skipped]}]}, [], None)
    assert not legend_needs([alone])["substitution"] and legend_needs([both])["substitution"]
    assert both.rows[0].money_kind == "reward" and both.rows[1].money_kind == "none"
