"""金川市's 数字城管 cases for a year, and every step of their lifecycle, built column-wise.

The cases come from the project's generator (``kaoping.cases.generate``: the category mix, 处置手册 time
limits on the working calendar, disposal times, rework and postponements) run on the demo's map: each
demo unit is one 属地 area with its grids, and the handbook is read as 属地管理 — every case goes to the
unit whose area it is in, which is what the demo scheme evaluates.  The generator's per-unit pace makes
overdue and rework rates differ from unit to unit.

Lifecycle steps (``case_transitions``) are derived from the case's timestamps, as the centre's system
would have recorded them: 立案, 派遣, 延期, rounds of 处理反馈 → 核查 → 返工, the final 处理反馈, 核查 and
结案 — or 作废 for a report that was never registered.  Statuses are the lifecycle's own values
(``kaoping.cases.lifecycle.Status``: what every reader of the table, Open311 included, expects; a page shows
them with ``lifecycle.LABELS``); a note is written only where a step needs one (派遣 to whom, 延期 until
when, which 返工, why 作废), which keeps the table small.  Fifty thousand cases make about 250,000 steps in
a fraction of a second.
"""

from __future__ import annotations

import dataclasses
import random

import polars as pl

from kaoping.cases.generate import CaseDraw, City, generate_cases
from kaoping.cases.handbook import Handbook, load_handbook
from kaoping.cases.lifecycle import Status
from kaoping.demo.city import CENTRE_STAFF, UNITS

COMMUNITY_WORDS = ("阳光", "和平", "安居", "书香", "丰收", "春华", "秋实", "金穗", "翠园", "长青")


def demo_handbook() -> Handbook:
    """The bundled 处置手册 read as 属地管理: same time limits, every case to the unit of its area."""
    book = load_handbook()
    rules = {key: dataclasses.replace(rule, unit=None, role="street") for key, rule in book.rules.items()}
    default = dataclasses.replace(book.default, unit=None, role="street") if book.default else None
    return dataclasses.replace(book, rules=rules, units={}, default=default)


def demo_city() -> City:
    """The generator's city on the demo units: four grids to a community, one 监督员 for three grids.

    The generator favours the first grids of its list (some grids are busier than others); the grids are
    shuffled once, with a fixed seed, so that no unit gets all the busy ones.
    """
    rows = []
    for u in UNITS:
        for g in range(u.grids):
            community = f"{u.name}{COMMUNITY_WORDS[(g // 4) % len(COMMUNITY_WORDS)]}社区"
            rows.append((f"{u.unit_id}-{g + 1:02d}", community, u.unit_id, u.unit_id, f"{u.unit_id}-jd{g // 3 + 1}"))
    random.Random(2024).shuffle(rows)
    units = pl.DataFrame(
        [(u.unit_id, u.name, u.group) for u in UNITS], schema=["unit_id", "name", "group"], orient="row"
    )
    return City(
        units=units,
        grids=pl.DataFrame(rows, schema=["grid", "community", "street", "district", "supervisor"], orient="row"),
        registrars=pl.Series(CENTRE_STAFF["registrars"]),
        dispatchers=pl.Series(CENTRE_STAFF["dispatchers"]),
        shift_leads=pl.Series(CENTRE_STAFF["shift_leads"]),
    )


def generate(n: int, year: int, seed: int, first: int = 0) -> pl.DataFrame:
    """``n`` cases reported in ``year`` (the generator's columns: interchange ones, then level extras), their
    ids following the ``first`` cases drawn before."""
    return generate_cases(CaseDraw(n, year, seed=seed, first=first), demo_city(), demo_handbook())


def _step(
    frame: pl.DataFrame, seq: int, before: Status, after: Status, at: pl.Expr, actor: pl.Expr, note: pl.Expr | str = ""
) -> pl.DataFrame:
    """One kind of step for every case of ``frame``; ``seq`` orders a case's steps of equal time."""
    return frame.select(
        "case_id",
        "_order",
        seq=pl.lit(seq, pl.Int32),
        from_status=pl.lit(before.value),
        to_status=pl.lit(after.value),
        at=at.dt.truncate("1s"),
        actor=actor,
        note=pl.lit(note) if isinstance(note, str) else note,
    )


def transitions(cases: pl.DataFrame) -> pl.DataFrame:
    """Every case's lifecycle steps, in order (case by case, then by time): the ``case_transitions`` rows.

    ``cases`` is :func:`generate`'s frame.  Times only move forward: each rework round sits inside the time
    between 派遣 and the final disposal, so a case's steps ordered by id are ordered by time too.
    """
    names = pl.DataFrame({"unit_id": [u.unit_id for u in UNITS], "unit_name": [u.name for u in UNITS]})
    c = (
        cases.with_row_index("_order")
        .join(names, on="unit_id", how="left", maintain_order="left")
        .with_columns(
            supervisor=pl.lit("监督员") + pl.col("grid"),
            end=pl.coalesce("disposed_at", "deadline", pl.col("dispatched_at") + pl.duration(hours=8)),
        )
    )
    dispatched = c.filter(pl.col("dispatched_at").is_not_null()).with_columns(
        work=pl.col("end") - pl.col("dispatched_at")
    )
    unit = pl.col("unit_name")
    parts = [
        _step(c.filter(pl.col("registered_at").is_null()), 1, Status.REPORTED, Status.INVALID,
              pl.col("reported_at") + pl.duration(minutes=30), pl.col("registrar"), "作废: 非城管问题或重复上报"),
        _step(c.filter(pl.col("registered_at").is_not_null()), 1, Status.REPORTED, Status.REGISTERED,
              pl.col("registered_at"), pl.col("registrar")),
        _step(dispatched, 2, Status.REGISTERED, Status.DISPATCHED, pl.col("dispatched_at"), pl.col("dispatcher"),
              pl.lit("派遣至") + unit),
    ]  # fmt: skip
    postponed = dispatched.filter(pl.col("postponed") > 0)
    parts.append(
        _step(postponed, 3, Status.DISPATCHED, Status.DISPATCHED, pl.col("dispatched_at") + pl.col("work") / 20,
              unit, pl.lit("延期: 处置时限延至 ") + pl.col("deadline").dt.strftime("%Y-%m-%d %H:%M"))
    )  # fmt: skip
    for r in (1, 2):
        rounds = dispatched.filter(pl.col("rework_count") >= r)
        share = pl.col("work") / (pl.col("rework_count") + 1)
        point = pl.col("dispatched_at") + share * r
        delta = share / 8
        parts += [
            _step(rounds, 10 * r + 1, Status.DISPATCHED, Status.FEEDBACK, point - delta * 2, unit),
            _step(rounds, 10 * r + 2, Status.FEEDBACK, Status.VERIFYING, point - delta, pl.col("supervisor")),
            _step(rounds, 10 * r + 3, Status.VERIFYING, Status.DISPATCHED, point, pl.col("supervisor"),
                  f"返工: 核查不通过 (第{r}次)"),
        ]  # fmt: skip
    disposed = dispatched.filter(pl.col("disposed_at").is_not_null())
    closed = disposed.filter(pl.col("closed_at").is_not_null())
    halfway = pl.col("disposed_at") + (pl.col("closed_at") - pl.col("disposed_at")) / 2
    parts += [
        _step(disposed, 50, Status.DISPATCHED, Status.FEEDBACK, pl.col("disposed_at"), unit),
        _step(closed, 51, Status.FEEDBACK, Status.VERIFYING, halfway, pl.col("supervisor")),
        _step(closed, 52, Status.VERIFYING, Status.CLOSED, pl.col("closed_at"), pl.col("shift_lead")),
    ]
    steps = pl.concat(parts).sort("_order", "seq")
    return steps.select("case_id", "from_status", "to_status", "at", "actor", "note")
