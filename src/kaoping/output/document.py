"""The pinned JSON document of `kaoping score` (shared/spec/interchange.md): keep its fields exactly; and
the explain document of one unit (得分说明), the same for the CLI and the API.

Pinned: ``groups[].group``, ``groups[].ranking[]`` in rank order with ``rank``, ``unit_id``, ``total``
(rounded), ``bonus``, ``reward`` (integer yuan) and ``flags``.  Added here, as the contract allows:
``unit``, ``parts`` (top-level parts), ``bonus_detail``, ``penalty``, ``base`` (the parts combined, before
bonus and penalty), ``reward_eligible``, ``grade`` (the 等次 name, or null below every band) for ranked units of a
scheme that writes grade bands — only there, so documents of ungraded schemes stay byte for byte as they were
published — and ``title`` on top.
What `kaoping score` prints also carries ``flag_labels`` beside each ``flags``: the same flags by their
Chinese names (the scheme's label, else the built-in name), in the same order; the codes stay as they are.

A report-only scheme (``report_only: true``, 通报型) has no ranking: its document says ``"report_only": true``
and each group lists ``units`` (units.csv order: ``unit_id``, ``unit``, ``parts``, ``flags``) instead of
``ranking`` — no rank, total, bonus or reward anywhere, so nobody reads a rank that was never made.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from kaoping.engine.numbers import rounded
from kaoping.engine.phrases import Lang, flag_label
from kaoping.engine.result import PeriodResult, UnitResult
from kaoping.scheme.model import Scheme


def result_document(scheme: Scheme, result: PeriodResult) -> dict[str, Any]:
    if scheme.report_only:
        return report_document(scheme, result)
    d = scheme.display

    def num(x: Decimal) -> float:
        return float(rounded(x, d.decimals, d.rounding))

    return {
        "scheme": result.scheme,
        "title": scheme.title,
        "version": scheme.version,
        "period": result.period,
        "groups": [
            {
                "group": g.group,
                "ranking": [
                    {
                        "rank": u.rank,
                        "unit_id": u.unit_id,
                        "unit": u.name,
                        "total": float(u.shown_total),
                        "parts": {name: num(u.parts[name]) for name in u.top_parts},
                        "bonus": num(u.bonus),
                        "bonus_detail": {k: num(v) for k, v in u.bonus_detail.items()},
                        "penalty": num(u.penalty),
                        "base": num(u.base),
                        "reward": int(u.reward),
                        "reward_eligible": u.reward_eligible,
                        "flags": list(u.flags),
                        **({"grade": u.grade} if scheme.graded else {}),
                    }
                    for u in g.ranking
                ],
                "unrated": [_unrated(u) for u in g.unrated],
            }
            for g in result.groups
        ],
        "excluded": [{"file": e.file, "row": e.row, "unit_id": e.unit_id, "reason": e.reason} for e in result.excluded],
    }


def report_document(scheme: Scheme, result: PeriodResult) -> dict[str, Any]:
    """The document of a report-only scheme: each unit's parts per group, no rank and no total."""
    d = scheme.display
    return {
        "scheme": result.scheme,
        "title": scheme.title,
        "version": scheme.version,
        "period": result.period,
        "report_only": True,
        "groups": [
            {
                "group": g.group,
                "units": [
                    {
                        "unit_id": u.unit_id,
                        "unit": u.name,
                        "parts": {name: float(rounded(u.parts[name], d.decimals, d.rounding)) for name in u.top_parts},
                        "flags": list(u.flags),
                    }
                    for u in g.ranking
                ],
                "unrated": [_unrated(u) for u in g.unrated],
            }
            for g in result.groups
        ],
        "excluded": [{"file": e.file, "row": e.row, "unit_id": e.unit_id, "reason": e.reason} for e in result.excluded],
    }


def _unrated(u: UnitResult) -> dict[str, Any]:
    return {
        "unit_id": u.unit_id,
        "unit": u.name,
        "reason": "未考评: no row scores this unit in the period",
        "flags": list(u.flags),
    }


def explain_document(result: PeriodResult, unit: UnitResult, scheme: Scheme | None = None) -> dict[str, Any]:
    """A unit's score line by line down to the rows (得分说明): ``kaoping score --explain`` and the API.

    ``rule`` is each line in English, as the CLI has always printed it, and ``text`` the same line in
    Chinese; ``kind`` says what the line explains (part, base, total, bonus, penalty, reward, flag, excluded, rank).
    With the ``scheme``, the unit's ``flags`` and their Chinese ``flag_labels`` come too.
    """
    flags = {"flags": list(unit.flags), "flag_labels": labels(unit.flags, scheme)} if scheme is not None else {}
    standing = {"rank": unit.rank, "total": float(unit.shown_total)}
    if scheme is not None and scheme.report_only:  # 通报型: no rank, no total (see the module text)
        standing = {"report_only": True}
    return {
        "scheme": result.scheme,
        "period": result.period,
        "unit_id": unit.unit_id,
        "unit": unit.name,
        **standing,
        **flags,
        "lines": [
            {
                "part": ln.part,
                "kind": ln.kind.value,
                "rule": ln.rule,
                "text": ln.text(Lang.ZH),
                "points": float(ln.points),
                "file": ln.file,
                "rows": list(ln.rows),
            }
            for ln in unit.lines
        ],
    }


def labels(flags: list[str], scheme: Scheme | None) -> list[str]:
    """Each flag code's Chinese name, in the codes' order."""
    return [flag_label(code, scheme.flags if scheme else ()) for code in flags]


def labelled(document: dict[str, Any], scheme: Scheme) -> dict[str, Any]:
    """``document`` with ``flag_labels`` beside every ``flags`` (ranked and unrated units), for people.

    Kept out of :func:`result_document`: published documents are compared byte for byte with a fresh
    computation (app/publish.py, app/verify.py), and those stored before the labels must still match.
    """
    for group in document["groups"]:
        for entry in [*group.get("ranking", []), *group.get("units", []), *group["unrated"]]:
            entry["flag_labels"] = labels(entry["flags"], scheme)
    return document


def result_json(scheme: Scheme, result: PeriodResult) -> str:
    return json.dumps(labelled(result_document(scheme, result), scheme), ensure_ascii=False, indent=2)
