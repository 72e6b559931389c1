"""The scheme page reads each flag condition in Chinese from the condition itself (``sentence()``): every
such sentence must have an English translation too, like the texts the templates wrap in ``_()``."""

from __future__ import annotations

from decimal import Decimal

from kaoping.scheme.model import (
    FailedVerifications,
    FirstInGroup,
    FlaggedEarlier,
    LastInGroup,
    OutsideRankWorse,
    RankCondition,
    TotalBelow,
)
from kaoping.web import i18n

CONDITIONS = [
    LastInGroup(bottom=2),
    FirstInGroup(top=1),
    TotalBelow(below=Decimal("59.50")),
    FlaggedEarlier(flagged="reminder"),
    OutsideRankWorse(rank=RankCondition(task="环卫一体化", worse_than=3)),
    FailedVerifications(),
]


def test_every_condition_sentence_has_an_english_translation() -> None:
    english = i18n.catalog("en")
    for condition in CONDITIONS:
        sentence, values = condition.sentence()
        assert sentence in english, f"add to web/locale/en/*.yaml: {sentence}"
        assert set(i18n.PLACEHOLDER.findall(sentence)) == set(values), sentence


def test_sentences_fill_in_chinese_and_english() -> None:
    zh, en = i18n.translator("zh"), i18n.translator("en")
    sentence, values = TotalBelow(below=Decimal("59.50")).sentence()
    assert zh(sentence, **values) == "总分低于 59.5 分"
    sentence, values = LastInGroup(bottom=2).sentence()
    assert en(sentence, **values) == "among the last 2 of the group (ties included)"
    sentence, values = FlaggedEarlier(flagged="reminder").sentence({"reminder": "提醒"}.__getitem__)
    assert zh(sentence, **values) == "已获标记“提醒”"
