"""Satisfaction questionnaires (满意度问卷): what is asked, how answers count, and which part they feed — a file
beside a scheme.

A plan says "群众满意度 by 问卷调查" and leaves the questionnaire to the office, who revises it every round; kept as
data (like the standards catalogue, :mod:`kaoping.scheme.standard`) so that a new round's questionnaire is a
new file with a new ``version``, and the number it makes can be reproduced from the stored answers and the
file.  One file: its questions with weights, one answer scale (满意/基本满意/不满意 with a value each, 0–100),
the scheme part and item the score feeds, the points 100 % satisfaction is worth, and the sample quota per
unit and period (样本配额).

Pure: parsing and validating; no store, io or web.  The score is computed in :mod:`kaoping.engine.survey`.
Problems are said in Chinese with the line of the file and the field (``第 12 行 questions[1].weight``).
"""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError

from kaoping.errors import FileProblems
from kaoping.periods import PeriodKind
from kaoping.scheme.base import Strict
from kaoping.scheme.bounds import MAX_BYTES, TooLarge, load_yaml

SURVEYS_FOLDER = "surveys"
"""Built-in questionnaires live in ``scheme/builtin/surveys/`` (beside ``standards/``, not among the schemes)."""


class SurveyError(FileProblems):
    """A questionnaire that cannot be used: every problem, in Chinese, with its line and field."""

    what = "问卷"


class Step(Strict):
    """One answer of the scale (满意, 基本满意, 不满意) and what it counts, 0–100."""

    label: str = Field(min_length=1, max_length=20)
    value: Decimal = Field(ge=0, le=100)


class Question(Strict):
    """One question: a short id (the column of an import), its text, and its weight among the questions."""

    id: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    text: str = Field(min_length=1, max_length=200)
    weight: Decimal = Field(gt=0, le=1000)


class Questionnaire(Strict):
    """A whole questionnaire (问卷), versioned, feeding one scores part (and item) of one scheme."""

    survey: str = Field(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1, max_length=200)
    version: int = Field(default=1, ge=1, le=10_000)
    scheme: str = Field(min_length=1, max_length=100)
    part: str = Field(min_length=1, max_length=100)
    item: str = Field(default="", max_length=100)
    """The item of the part the score is written to; empty: the whole part."""
    period: PeriodKind = PeriodKind.MONTH
    """A survey round (一轮问卷): answers are counted per unit and period of this kind."""
    points: Decimal = Field(gt=0, le=1000)
    """What a unit whose every respondent answered the top of the scale scores (the part's or item's points)."""
    quota: int = Field(ge=1, le=100_000)
    """Sample quota per unit and period (每单位每期样本配额): fewer answers are marked 样本不足."""
    decimals: int = Field(default=2, ge=0, le=4)
    """The score is rounded half-up to this many decimals before it is written as a score fact."""
    scale: list[Step] = Field(min_length=2, max_length=10)
    questions: list[Question] = Field(min_length=1, max_length=50)
    notes: list[str] = Field(default_factory=list, max_length=20)

    def values(self) -> dict[str, Decimal]:
        """Label of each answer → what it counts."""
        return {step.label: step.value for step in self.scale}

    def source(self) -> str:
        """The ``source`` a score fact made from this questionnaire carries (its provenance)."""
        return f"问卷:{self.survey}:v{self.version}"


def check_questionnaire(q: Questionnaire) -> list[str]:
    """Whole-file checks: labels and ids unique, the scale reaching 100 (so ``points`` is the top score)."""
    problems: list[str] = []
    labels = [s.label for s in q.scale]
    if len(set(labels)) != len(labels):
        problems.append("scale：同一选项写了两次")
    if max(s.value for s in q.scale) != 100:
        problems.append("scale：最高选项的分值须为 100（满分选项）")
    ids = [x.id for x in q.questions]
    if len(set(ids)) != len(ids):
        problems.append("questions：同一题号写了两次")
    return problems


_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的键（拼写错误？）",
    "string_too_short": "不能为空",
    "string_too_long": "内容过长",
    "string_pattern_mismatch": "格式不对（小写字母、数字和连字符；题号以字母开头）",
    "greater_than": "须大于 {gt}",
    "greater_than_equal": "须不小于 {ge}",
    "less_than_equal": "须不大于 {le}",
    "too_short": "至少要有 {min_length} 项",
    "too_long": "至多 {max_length} 项",
    "int_parsing": "须为整数",
    "int_from_float": "须为整数",
    "decimal_parsing": "须为数字",
    "enum": "须为以下之一：{expected}",
    "string_type": "须为文字",
    "list_type": "须为列表",
    "model_type": "须为映射（键: 值）",
}


def _message(err: Any) -> str:
    text = _MESSAGES.get(err["type"])
    if text is None:
        return f"不符合要求（{err['msg']}）"
    try:
        return text.format(**(err.get("ctx") or {}))
    except (KeyError, IndexError):
        return text


def _line(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The line (1-based) of the deepest node of ``loc`` the document has (a missing key: its mapping's line)."""
    node = root
    line = None if node is None else node.start_mark.line + 1
    for key in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
            if child is None:
                child = next((k for k, _ in node.value if getattr(k, "value", None) == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            child = node.value[key]
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line


def _describe(err: Any, root: yaml.Node | None) -> str:
    loc = tuple(err["loc"])
    path = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in loc).lstrip(".") or "（顶层）"
    line = _line(root, loc)
    got = err.get("input")
    shown = f"（实际为 {got!r:.60}）" if err["type"] != "missing" and not isinstance(got, dict | list) else ""
    return f"{'第 ' + str(line) + ' 行 ' if line else ''}{path}：{_message(err)}{shown}"


def parse_questionnaire(text: str, file: str) -> Questionnaire:
    """Parse and validate a questionnaire; ``file`` only names it in messages.  Bounded like a scheme file."""
    try:
        data = load_yaml(text)
    except TooLarge as exc:
        raise SurveyError(file, [f"文件超出限制：{exc}"]) from None
    except yaml.YAMLError as exc:
        raise SurveyError(file, [f"不是有效的 YAML：{exc}"]) from None
    if not isinstance(data, dict):
        raise SurveyError(file, ["顶层须为映射（survey:、title:、scale:、questions: ……）"])
    try:
        parsed = Questionnaire.model_validate(data)
    except ValidationError as exc:
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # within the bounds: load_yaml read it already
        raise SurveyError(file, [_describe(e, root) for e in exc.errors()]) from None
    problems = check_questionnaire(parsed)
    if problems:
        raise SurveyError(file, problems)
    return parsed


def builtin_survey_names() -> list[str]:
    folder = resources.files("kaoping.scheme") / "builtin" / SURVEYS_FOLDER
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_questionnaire(name_or_path: str) -> Questionnaire:
    """A built-in questionnaire by name, or a questionnaire file by path."""
    if not name_or_path.endswith((".yaml", ".yml")):
        path = resources.files("kaoping.scheme") / "builtin" / SURVEYS_FOLDER / f"{name_or_path}.yaml"
        if path.is_file():
            return parse_questionnaire(path.read_text(encoding="utf-8"), f"builtin:{name_or_path}")
    file = Path(name_or_path)
    if not file.is_file():
        known = "、".join(builtin_survey_names())
        raise SurveyError(name_or_path, [f"没有这个问卷文件或内置问卷；内置问卷：{known}"])
    if file.stat().st_size > MAX_BYTES:
        raise SurveyError(str(file), [f"文件大于 {MAX_BYTES} 字节"])
    try:
        return parse_questionnaire(file.read_text(encoding="utf-8"), str(file))
    except UnicodeDecodeError as exc:
        raise SurveyError(str(file), [f"文件须为 UTF-8 编码（第 {exc.start} 字节）"]) from None


def check_against_scheme(q: Questionnaire, score_parts: dict[str, Decimal | None], scheme: str) -> list[str]:
    """What the scheme must agree with: the questionnaire names it, and its part is a scores part whose
    maximum is at least the questionnaire's ``points``.  ``score_parts``: scores part name → its max."""
    if q.scheme != scheme:
        return [f"scheme：问卷属于方案 {q.scheme}，不是 {scheme}"]
    if q.part not in score_parts:
        return [f"part：“{q.part}”不是方案 {scheme} 的评分（scores）部分"]
    top = score_parts[q.part]
    if top is not None and q.points > top:
        return [f"points：{q.points} 超过部分“{q.part}”的满分 {top}"]
    return []
