"""Explanation lines read as Chinese on Chinese pages; numbers and the office's names pass through."""

from __future__ import annotations

import pytest

from kaoping.web.rule_text import rule_text


@pytest.mark.parametrize(
    ("engine", "chinese"),
    [
        ("2024-Q4 市容秩序: mean of 2 rows = 85.55", "2024-Q4 市容秩序: 2 条记录取平均 = 85.55"),
        ("mean of items", "各项取平均"),
        ("环境卫生: 1 deduction(s) −5", "环境卫生: 扣分 1 次 −5"),
        ("环境卫生: 3 deduction(s) −35 (item capped at 30)", "环境卫生: 扣分 3 次 −35 （单项封顶 30）"),
        ("527 cases: 结案率 88.43", "案卷 527 件： 结案率 88.43"),
        ("89.114423 + bonus 0 = 89.114423", "89.114423 + 加分 0 = 89.114423"),
        ("no deductions: full 100", "本期无扣分：满分 100"),
        ("mean of 3 periods (88, 89, 90) = 89", "3 个期间取平均 (88, 89, 90) = 89"),
        (
            "P1 notified 2024-05-10 (not rectified), notification 4 in a row: −4",
            "P1 2024-05-10 通报 (未整改), 连续第 4 次通报: −4",
        ),
        ("bonus 7 capped at 6", "加分 7 封顶为 6"),
        ("statement: last in 2 periods in a row", "statement: 末位，连续 2 期"),
        (
            "2024-01-15 provincial 省级美丽街区: +2, added 1 period(s) later",
            "2024-01-15 省级 省级美丽街区: +2，1 期后计入",
        ),
    ],
)
def test_engine_phrases_become_chinese(engine: str, chinese: str) -> None:
    assert rule_text(engine, "zh") == chinese


def test_english_pages_keep_the_engine_text() -> None:
    assert rule_text("环境卫生: 1 deduction(s) −5", "en") == "环境卫生: 1 deduction(s) −5"


def test_no_english_words_left_in_the_demo_explanations() -> None:
    """Every line the demo city's engine writes for a unit reads without English words on a Chinese page."""
    import re
    from pathlib import Path

    from kaoping.io.readers import read_facts
    from kaoping.scheme import load_scheme
    from kaoping.service import score_facts

    folder = Path(__file__).resolve().parents[3] / "examples" / "demo-city"
    scheme = load_scheme("demo-city")
    facts = read_facts(folder)
    leftovers = set()
    for period in ("2024-01", "2024-Q1", "2024-Q2"):
        for group in score_facts(scheme, facts, period).groups:
            for unit in group.ranking:
                for line in unit.lines:
                    leftovers |= set(re.findall(r"[A-Za-z_]{3,}", rule_text(line.rule, "zh")))
    assert leftovers <= {"statement", "public_explanation", "reminder"}, leftovers
