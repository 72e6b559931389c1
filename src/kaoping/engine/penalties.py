"""Penalties subtracted from the total: 整改通报扣分 from notices.csv, with escalation (双倍扣分).

Runs of notifications are found column-wise: per problem, in date order, a notification starts a new
run when the previous one had been rectified by then (a problem rectified and found again starts a new
count); its place in the run decides whether it costs ``points`` or ``escalated_points``.  The whole
history is processed, then the notifications dated in the evaluated period are charged.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import polars as pl

from kaoping.engine.numbers import MICRO, ZERO, from_micro
from kaoping.engine.phrases import Msg
from kaoping.engine.rectification import calendar_for, due_date, report_charges, runs_of
from kaoping.engine.result import Line, LineKind
from kaoping.facts import Facts
from kaoping.periods import Period
from kaoping.scheme.model import ChargeBy, RectificationPenalty, Scheme

Charged = dict[str, tuple[Decimal, list[Line]]]


def penalties_for(scheme: Scheme, facts: Facts, period: Period) -> Charged:
    """Points to subtract per unit for ``period``, with one explanation line per charged notification."""
    out: dict[str, tuple[Decimal, list[Line]]] = defaultdict(lambda: (ZERO, []))
    for rule in scheme.penalties:
        for unit, (points, lines) in _rectification(rule, facts, period, scheme).items():
            total, before = out[unit]
            out[unit] = (total + points, before + lines)
    return dict(out)


def notice_costs(rule: RectificationPenalty, notices: pl.DataFrame) -> pl.DataFrame:
    """Every notification with ``ordinal`` (its place in the problem's run) and ``cost`` in micro-points."""
    late = pl.col("rectified_on").is_null() | (
        pl.col("rectified_on") > pl.col("notified_on") + timedelta(days=rule.rectify_days)
    )
    key = ["unit_id", "problem_id"]
    prev_rectified = pl.col("rectified_on").shift(1).over(key)
    new_run = prev_rectified.is_null().not_() & (prev_rectified <= pl.col("notified_on"))
    points = int(rule.points * MICRO)
    escalated = int((rule.escalated_points or rule.points) * MICRO)
    after = rule.escalate_after or 10**9
    return (
        notices.sort(*key, "notified_on", "_row")
        .with_columns(run=new_run.cast(pl.Int64).cum_sum().over(key))
        .with_columns(ordinal=pl.int_range(1, pl.len() + 1).over([*key, "run"]))
        .with_columns(
            late=late,
            cost=pl.when(~late).then(0).when(pl.col("ordinal") > after).then(escalated).otherwise(points),
        )
    )


def _rectification(rule: RectificationPenalty, facts: Facts, period: Period, scheme: Scheme) -> Charged:
    if rule.charge is ChargeBy.REPORT:
        return _by_report(rule, facts, period, scheme)
    label = facts.label("notices")
    rows = notice_costs(rule, facts.notices).filter(period.holds("notified_on") & (pl.col("cost") > 0))
    out: Charged = {}
    for r in rows.sort("unit_id", "notified_on", "problem_id").iter_rows(named=True):
        cost = from_micro(r["cost"])
        params = {
            "problem": r["problem_id"],
            "notified": str(r["notified_on"]),
            "rectified": "" if r["rectified_on"] is None else str(r["rectified_on"]),
            "ordinal": r["ordinal"],
            "cost": cost,
        }
        line = Line(rule.name, LineKind.PENALTY, Msg.NOTICE, params, -cost, label, (r["_row"],))
        total, lines = out.get(r["unit_id"], (ZERO, []))
        out[r["unit_id"]] = (total + cost, [*lines, line])
    return out


def _by_report(rule: RectificationPenalty, facts: Facts, period: Period, scheme: Scheme) -> Charged:
    """``charge: report``: each run overdue in ``period`` once, each failed re-inspection in it."""
    if facts.notices.is_empty():
        return {}
    runs = runs_of(facts.notices)
    cal = None
    if rule.working_days:
        first = min(r.first_notified for r in runs)
        cal = calendar_for(scheme.calendar, first, max(period.end_exclusive(), first))
    label = facts.label("notices")
    out: Charged = {}
    found = report_charges(rule, runs, period, cal)
    for c in sorted(found, key=lambda c: (c.run.unit_id, c.on, c.run.problem_id, c.row)):
        params: dict[str, str | int | Decimal | bool] = {
            "problem": c.run.problem_id,
            "notified": str(c.run.first_notified),
            "due": str(due_date(rule, c.run.first_notified, cal)),
            "on": str(c.on),
            "ordinal": c.ordinal,
            "failed": c.failed_reinspection,
            "cost": c.cost,
        }
        line = Line(rule.name, LineKind.PENALTY, Msg.NOTICE_REPORT, params, -c.cost, label, (c.row,))
        total, lines = out.get(c.run.unit_id, (ZERO, []))
        out[c.run.unit_id] = (total + c.cost, [*lines, line])
    return out
