"""Request-validation errors (pydantic's) as a clerk reads them: the field's Chinese name and what it needs.

FastAPI reports a form posted without a unit as ``Field required`` and a negative deduction as ``Input
should be greater than or equal to 0``; the entry page shows these next to the field.  Each pydantic error
type maps here to a message of the one catalogue (:mod:`kaoping.input_messages`), in Chinese with its
English twin, and the field is named as the contract names it (``考评对象编号``), so a form, an upload and
``kaoping import`` speak alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kaoping.facts.columns import COLUMN_NAMES
from kaoping.input_messages import Msg, say

FIELD_NAMES: dict[str, str] = {
    **COLUMN_NAMES,
    "reason": "修改原因",
    "confirm": "确认",
    "username": "账号",
    "password": "密码",
    # the inspection plan's (检查计划) own fields; its name, part and period read as the contract's words
    "visit": "检查方式",
    "frequency": "频次",
    "per_month": "每月轮次",
    "quota": "每个对象检查次数",
    "teams": "检查组数",
    "team_size": "每组人数",
}
"""The Chinese name of every field a request body may carry: the columns', and the few fields of requests."""

_BY_TYPE: dict[str, Msg] = {
    "missing": Msg.FIELD_MISSING,
    "float_parsing": Msg.FIELD_NUMBER,
    "float_type": Msg.FIELD_NUMBER,
    "finite_number": Msg.FIELD_NUMBER,
    "int_parsing": Msg.FIELD_WHOLE,
    "int_type": Msg.FIELD_WHOLE,
    "int_from_float": Msg.FIELD_WHOLE,
    "date_parsing": Msg.FIELD_DATE,
    "date_from_datetime_parsing": Msg.FIELD_DATE,
    "date_from_datetime_inexact": Msg.FIELD_DATE,
    "date_type": Msg.FIELD_DATE,
    "datetime_parsing": Msg.FIELD_DATETIME,
    "datetime_from_date_parsing": Msg.FIELD_DATETIME,
    "datetime_type": Msg.FIELD_DATETIME,
    "time_parsing": Msg.FIELD_TIME,
    "time_type": Msg.FIELD_TIME,
    "string_type": Msg.FIELD_TEXT,
    "bool_parsing": Msg.FIELD_BOOL,
    "bool_type": Msg.FIELD_BOOL,
    "greater_than_equal": Msg.FIELD_AT_LEAST,
    "greater_than": Msg.FIELD_ABOVE,
    "less_than_equal": Msg.FIELD_AT_MOST,
    "less_than": Msg.FIELD_BELOW,
    "string_too_long": Msg.FIELD_TOO_LONG,
    "string_too_short": Msg.FIELD_TOO_SHORT,
    "literal_error": Msg.FIELD_CHOICE,
    "enum": Msg.FIELD_CHOICE,
    "extra_forbidden": Msg.FIELD_UNKNOWN,
}
"""Pydantic's error type -> the catalogue's message; any other type is :attr:`Msg.FIELD_INVALID`."""

_LIMITS = ("ge", "gt", "le", "lt", "max_length", "min_length")


def field_name(field: str, names: Mapping[str, str] = FIELD_NAMES) -> str:
    """``考评对象编号（unit_id）`` for a known field, the field itself otherwise."""
    zh = names.get(field)
    return f"{zh}（{field}）" if zh else field


def field_message(error: Mapping[str, Any], names: Mapping[str, str] = FIELD_NAMES) -> tuple[str, str]:
    """One pydantic error (``type``, ``loc``, ``ctx``) as ``(Chinese, English)``, naming the field by ``names``
    (a model whose fields are not the contract's columns passes its own).

    A ``value_error`` is one of our own validators' refusals, already written in Chinese: its text is kept
    rather than replaced by the catalogue's "填写有误", which would hide what the validator knew."""
    ctx = error.get("ctx") or {}
    kind = str(error.get("type", ""))
    if kind == "value_error":
        own = str(error.get("msg", "")).removeprefix("Value error, ")
        text = (own, own)
    else:
        msg = _BY_TYPE.get(kind, Msg.FIELD_INVALID)
        limit = next((ctx[k] for k in _LIMITS if k in ctx), "")
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)  # "≥ 0", not "≥ 0.0"
        expected = str(ctx.get("expected", "")).replace("'", "")
        text = say(msg, limit=limit, expected=expected)
    loc = [str(p) for p in error.get("loc", ()) if p != "body"]
    if not loc:
        return text
    field = loc[-1]
    return say(Msg.FIELD_WHERE, field=(field_name(field, names), field), message=text)
