"""Explanation lines in English (the CLI's and the JSON's ``rule``) and in Chinese (pages and bulletins).

Moved from tests/unit/web/test_rule_text.py: the Chinese texts are the ones the pages showed when they
rewrote the engine's English with regexes; each line is now built from its message key and parameters.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaoping.engine.phrases import Msg, Params, flag_label, line_text
from kaoping.engine.result import Line, LineKind
from kaoping.scheme.model import FlagRule

D = Decimal


def _line(key: Msg, params: Params, periods: tuple[str, ...] = ()) -> Line:
    return Line("部分", LineKind.PART, key, params, D(0), periods=periods)


CASES = [
    (
        _line(Msg.SCORE_ROWS, {"period": "2024-Q4", "item": "市容秩序", "n": 2, "how": "mean", "value": D("85.55")}),
        "2024-Q4 市容秩序: mean of 2 rows = 85.55",
        "2024-Q4 市容秩序: 2 条记录取平均 = 85.55",
    ),
    (_line(Msg.ITEMS_COMBINED, {"how": "mean"}), "mean of items", "各项取平均"),
    (
        _line(Msg.DEDUCTION_ITEM, {"item": "环境卫生", "n": 1, "points": D(5), "counted": D(5)}),
        "环境卫生: 1 deduction(s) −5",
        "环境卫生: 扣分 1 次 −5",
    ),
    (
        _line(Msg.DEDUCTION_ITEM, {"item": "环境卫生", "n": 3, "points": D(35), "counted": D(30)}),
        "环境卫生: 3 deduction(s) −35 (item capped at 30)",
        "环境卫生: 扣分 3 次 −35 （单项封顶 30）",
    ),
    (
        _line(Msg.CASE_COUNTS, {"n": 527, "metrics": "结案率 88.43"}),
        "527 cases: 结案率 88.43",
        "案卷 527 件： 结案率 88.43",
    ),
    (
        _line(
            Msg.TOTAL,
            {
                "base": D("89.114423"),
                "bonus": D(0),
                "penalty": D(0),
                "raw": D("89.114423"),
                "total": D("89.114423"),
                "floor": D(0),
            },
        ),
        "89.114423 + bonus 0 = 89.114423",
        "89.114423 + 加分 0 = 89.114423",
    ),
    (_line(Msg.NO_DEDUCTIONS, {"full": D(100)}), "no deductions: full 100", "本期无扣分：满分 100"),
    (
        _line(Msg.DERIVED_TOTAL, {"how": "mean", "n": 3, "values": "88, 89, 90", "total": D(89)}),
        "mean of 3 periods (88, 89, 90) = 89",
        "3 个期间取平均 (88, 89, 90) = 89",
    ),
    (
        _line(Msg.NOTICE, {"problem": "P1", "notified": "2024-05-10", "rectified": "", "ordinal": 4, "cost": D(4)}),
        "P1 notified 2024-05-10 (not rectified), notification 4 in a row: −4",
        "P1 2024-05-10 通报 (未整改), 连续第 4 次通报: −4",
    ),
    (_line(Msg.BONUS_CAP, {"total": D(7), "cap": D(6)}), "bonus 7 capped at 6", "加分 7 封顶为 6"),
    (
        _line(
            Msg.FLAG,
            {"code": "statement", "condition": "bottom", "n": 1, "consecutive": 2, "flagged": "", "task": ""},
        ),
        "statement: last in 2 periods in a row",
        "末位表态发言: 末位，连续 2 期",
    ),
    (
        _line(
            Msg.HONOR,
            {
                "date": "2024-01-15",
                "level": "provincial",
                "title": "省级美丽街区",
                "added": D(2),
                "full": D(2),
                "cap": D(0),
                "delay": 1,
            },
        ),
        "2024-01-15 provincial 省级美丽街区: +2, added 1 period(s) later",
        "2024-01-15 省级 省级美丽街区: +2，1 期后计入",
    ),
]


@pytest.mark.parametrize(("line", "engine", "chinese"), CASES)
def test_engine_phrases_become_chinese(line: Line, engine: str, chinese: str) -> None:
    assert line.rule == engine
    assert line_text(line, "zh") == chinese


def test_english_pages_keep_the_engine_text() -> None:
    line = _line(Msg.DEDUCTION_ITEM, {"item": "环境卫生", "n": 1, "points": D(5), "counted": D(5)})
    assert line_text(line, "en") == "环境卫生: 1 deduction(s) −5"


def test_sub_periods_prefix_a_derived_line_in_both_languages() -> None:
    line = _line(Msg.NO_DEDUCTIONS, {"full": D(100)}, periods=("2024-Q1", "2024-01"))
    assert line.rule == "[2024-Q1] [2024-01] no deductions: full 100"
    assert line_text(line, "zh") == "[2024-Q1] [2024-01] 本期无扣分：满分 100"


def test_every_message_has_both_wordings() -> None:
    from kaoping.engine.phrases import EN, ZH

    assert set(EN) == set(ZH) == set(Msg)


def test_no_english_words_left_in_the_demo_explanations() -> None:
    """Every line the demo city's engine writes for a unit reads without English words on a Chinese page."""
    import re
    from pathlib import Path

    from kaoping.app.scoring import score_facts
    from kaoping.io.readers import read_facts
    from kaoping.scheme import load_scheme

    folder = Path(__file__).resolve().parents[3] / "examples" / "demo-city"
    scheme = load_scheme("demo-city")
    facts = read_facts(folder)
    leftovers = set()
    for period in ("2024-01", "2024-Q1", "2024-Q2"):
        for group in score_facts(scheme, facts, period).groups:
            for unit in group.ranking:
                for line in unit.lines:
                    leftovers |= set(re.findall(r"[A-Za-z_]{3,}", line_text(line, "zh")))
    assert leftovers <= {"statement", "public_explanation", "reminder"}, leftovers


def test_flag_labels_come_from_the_scheme_then_the_built_in_names() -> None:
    rules = [FlagRule(code="commended", top=1, label="通报表扬"), FlagRule(code="statement", bottom=1)]
    assert flag_label("commended", rules) == "通报表扬"
    assert flag_label("commended") == "表彰"
    assert flag_label("statement", rules) == "末位表态发言"
    assert flag_label("unqualified_cases:3") == "核查不通过3次"
    assert flag_label("made_up") == "made_up"
