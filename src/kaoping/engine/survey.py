"""满意度问卷计分: a unit's score from its answers, with the sample size and the 95 % margin of error.

Pure (no store, io or web): the answers come in as values, so the number is reproducible from the stored
answers and the questionnaire alone — :mod:`kaoping.app.surveys` stores its result as a score fact whose note
says n and the margin, and ``tally`` run again on the same answers gives the same rows.

For one unit and period with answers i = 1..n to questions q of weight w_q, where v(a) is the scale value
(0–100) of answer a:

- respondent score  r_i = Σ_q w_q · v(a_iq) / Σ_q w_q                       (0–100)
- unit mean          m  = Σ_i r_i / n
- score                 = m × points / 100, rounded half-up to the questionnaire's decimals
- sample s.d.        s  = √( Σ_i (r_i − m)² / (n − 1) )                    (n ≥ 2)
- margin of error (95 %) = 1.96 × s / √n × points / 100                     (none when n < 2)

The margin is that of the mean under simple random sampling (normal approximation, no finite-population
correction): with a small n it is wide, which is the point of showing it.  A unit with fewer answers than
the quota (样本配额) is marked 样本不足; one with none gets no score at all (无样本) — nothing is invented.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from kaoping.scheme.survey import Questionnaire

Z95 = Decimal("1.96")
"""The normal quantile of a two-sided 95 % interval."""


class SampleFlag(StrEnum):
    """How a unit's sample stands against the quota; the value is the Chinese label pages and notes print."""

    ENOUGH = "样本达标"
    BELOW_QUOTA = "样本不足"
    NONE = "无样本"


@dataclass(frozen=True)
class Answer:
    """One respondent's answers (an answer sheet, 答卷): question id → scale label; ``answer_id`` and
    ``channel`` only say which sheet it was in explanations."""

    answer_id: int
    unit_id: str
    period: str
    choices: Mapping[str, str]
    channel: str = ""


class AnswerProblem(ValueError):
    """An answer sheet that does not fit the questionnaire (a question left out, a label not on the scale)."""


def respondent_score(q: Questionnaire, choices: Mapping[str, str]) -> Decimal:
    """r = Σ w_q · v(a_q) / Σ w_q over every question of ``q`` (each must be answered with a label of the scale)."""
    values = q.values()
    total = Decimal(0)
    for question in q.questions:
        label = choices.get(question.id)
        if label not in values:
            raise AnswerProblem(f"{question.id}：“{label or ''}”不是选项之一（{'、'.join(values)}）")
        total += question.weight * values[label]
    unknown = sorted(set(choices) - {x.id for x in q.questions})
    if unknown:
        raise AnswerProblem(f"问卷没有这些题：{'、'.join(unknown)}")
    return total / sum(x.weight for x in q.questions)


@dataclass(frozen=True)
class UnitTally:
    """One unit's result for one period: the score (None without answers), n, the margin and the flag."""

    unit_id: str
    period: str
    n: int
    quota: int
    mean: Decimal | None
    """Mean respondent score, 0–100 (exact)."""
    score: Decimal | None
    margin: Decimal | None
    """Half-width of the 95 % interval, in points (None when n < 2)."""
    lines: tuple[str, ...] = field(default=())
    """Which answers made the number: one line per answer sheet, in id order."""

    @property
    def flag(self) -> SampleFlag:
        if self.n == 0:
            return SampleFlag.NONE
        return SampleFlag.BELOW_QUOTA if self.n < self.quota else SampleFlag.ENOUGH

    def note(self) -> str:
        """What the score fact's note says: n, the mean, the margin, the quota and the flag."""
        if self.score is None:
            return f"问卷 n=0，{SampleFlag.NONE}"
        margin = "无法估计（n<2）" if self.margin is None else f"±{self.margin}"
        mean = _round(self.mean or Decimal(0), 2)
        return f"问卷 n={self.n}，满意度均值 {mean}%，误差范围 {margin}（95%），配额 {self.quota}，{self.flag}"


def _round(x: Decimal, decimals: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _fmt(x: Decimal) -> str:
    text = format(_round(x, 2).normalize(), "f")
    return text


def unit_tally(q: Questionnaire, unit_id: str, period: str, answers: list[Answer]) -> UnitTally:
    """The tally of one unit's answers of one period (see the module docstring for the formulas)."""
    ordered = sorted(answers, key=lambda a: a.answer_id)
    scores = [respondent_score(q, a.choices) for a in ordered]
    n = len(scores)
    lines = tuple(
        f"答卷 #{a.answer_id}（{a.channel or '未注明'}）："
        + "、".join(f"{x.id} {a.choices[x.id]}" for x in q.questions)
        + f" → {_fmt(r)}"
        for a, r in zip(ordered, scores, strict=True)
    )
    if n == 0:
        return UnitTally(unit_id, period, 0, q.quota, None, None, None, lines)
    mean = sum(scores, Decimal(0)) / n
    score = _round(mean * q.points / 100, q.decimals)
    margin: Decimal | None = None
    if n >= 2:
        s = (sum(((r - mean) ** 2 for r in scores), Decimal(0)) / (n - 1)).sqrt()
        margin = _round(Z95 * s / Decimal(n).sqrt() * q.points / 100, q.decimals)
    return UnitTally(unit_id, period, n, q.quota, mean, score, margin, lines)


def tally(q: Questionnaire, answers: Iterable[Answer], units: Iterable[str], period: str) -> list[UnitTally]:
    """Every unit of ``units`` in ``period`` (those without answers too: they are marked), sorted by unit id.
    Answers of other periods or units are left out."""
    wanted = set(units)
    by_unit: dict[str, list[Answer]] = defaultdict(list)
    for a in answers:
        if a.period == period and a.unit_id in wanted:
            by_unit[a.unit_id].append(a)
    return [unit_tally(q, u, period, by_unit[u]) for u in sorted(wanted)]


def score_rows(q: Questionnaire, tallies: Iterable[UnitTally]) -> list[dict[str, object]]:
    """The scores rows (interchange ``scores``) the tallies make: one per unit with answers, the part and
    item of the questionnaire, its ``source`` (问卷:name:vN) and the note that keeps n and the margin."""
    return [
        {
            "period": t.period,
            "unit_id": t.unit_id,
            "part": q.part,
            "item": q.item,
            "score": float(t.score),
            "source": q.source(),
            "note": t.note(),
        }
        for t in tallies
        if t.score is not None
    ]


_NOTE = re.compile(
    r"问卷 n=(\d+)(?:，满意度均值 ([\d.]+)%，误差范围 (?:±([\d.]+)|无法估计（n<2）)（95%），配额 (\d+))?，(\S+)$"
)


def read_note(note: str) -> dict[str, object]:
    """n, the mean, the margin, the quota and the flag back from a score row's :meth:`UnitTally.note` (what a
    published version keeps: its frozen facts hold the rows, not the answers); {} for another note."""
    found = _NOTE.match(note.strip())
    if found is None:
        return {}
    n, mean, margin, quota, flag = found.groups()
    return {
        "n": int(n),
        "mean": float(mean) if mean else None,
        "margin": float(margin) if margin else None,
        "quota": int(quota) if quota else None,
        "flag": flag,
    }
