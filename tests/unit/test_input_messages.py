"""The one catalogue of input messages (issue 15, point 2): every message in Chinese and in English, with the
same placeholders; every message is used somewhere; request-validation errors map to it by pydantic type."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from kaoping.field_messages import field_message
from kaoping.input_messages import PLACEHOLDER, Msg, say

SRC = Path(__file__).resolve().parents[2] / "src" / "kaoping"
HAN = re.compile(r"[\u4e00-\u9fff]")
CHINESE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef“”]")
"""Chinese text or its punctuation (a message that only places others, "{field}：{message}")."""


def test_every_message_is_chinese_first_with_an_english_twin() -> None:
    for msg in Msg:
        assert CHINESE.search(msg.zh), f"{msg.name}: the Chinese text has no Chinese"
        # a domain word may stay Chinese in an English example (2024年8月), never the sentence
        assert not HAN.search(re.sub(r"\d{4}[年月日第季度二8/12,5 ]+", "", msg.en)), f"{msg.name}: {msg.en!r}"
        assert set(PLACEHOLDER.findall(msg.zh)) <= set(PLACEHOLDER.findall(msg.en)) | {"want", "kind"}, msg.name


def test_every_message_is_used() -> None:
    code = "\n".join(p.read_text(encoding="utf-8") for p in SRC.rglob("*.py") if p.name != "input_messages.py")
    unused = [m.name for m in Msg if f"Msg.{m.name}" not in code]
    assert not unused, f"messages nobody says: {unused}"


def test_say_fills_both_languages_and_pairs_pick_their_own() -> None:
    zh, en = say(Msg.NOT_A_DATE, value="2024/13/5", expected=("日期", "a date"))
    assert zh == "“2024/13/5”不是日期：应为日期"
    assert en == "'2024/13/5' is not a date: expected a date"


class _Row(BaseModel):
    unit_id: str = Field(min_length=1, max_length=5)
    points: float = Field(ge=0)
    rank: int = Field(1, ge=1)


def _errors(data: dict[str, object]) -> dict[str, tuple[str, str]]:
    try:
        _Row.model_validate(data)
    except ValidationError as exc:
        return {str(e["loc"][-1]): field_message(e) for e in exc.errors()}
    raise AssertionError("valid")


def test_pydantic_errors_read_in_chinese_with_the_fields_chinese_name() -> None:
    found = _errors({"points": "两分", "rank": 0})
    assert found == {
        "unit_id": ("考评对象编号（unit_id）：必填", "unit_id: required"),
        "points": ("扣分（points）：应为数字", "points: expected a number"),
        "rank": ("名次（rank）：应不小于 1", "rank: expected a value ≥ 1"),
    }
    assert _errors({"unit_id": "长长长长长长", "points": -1}) == {
        "unit_id": ("考评对象编号（unit_id）：最多 5 个字符", "unit_id: at most 5 characters"),
        "points": ("扣分（points）：应不小于 0", "points: expected a value ≥ 0"),
    }
