"""`kaoping bench --pages N`: how the office's dashboard answers on a demo city of N cases — first view, warm
view, and the view right after one entry — as ratios to the irreducible work measured in the same run: the
touched unit×month summed in SQL where the data lives.

The store is the demo's (13 units, a year of cases, Q1–Q3 published), built once in a scratch folder; the
requests go through the whole application in process (routing, sign-in, templates), like a browser's.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from kaoping.demo.build import DemoCity, build_demo
from kaoping.store.db import close_store, open_store
from kaoping.store.tables import CaseRow, DeductionRow

UNIT, DAY = "dh", date(2024, 12, 16)
PUBLISHED_UP_TO = 2_000_000
"""The biggest city built with Q1–Q3 published: publishing still computes a period from every stored fact
(13.8 GB at 10 M cases), so a bigger city is built with every period live and its Q3 rows time live numbers."""


@dataclass(frozen=True)
class PagesBench:
    """Seconds per step, and the baseline they are divided by."""

    cases: int
    baseline_s: float
    steps: list[tuple[str, float]]

    def ratio(self, seconds: float) -> float:
        return seconds / self.baseline_s if self.baseline_s else float("inf")


def _timed(step: Callable[[], object]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def _baseline(url: str) -> float:
    """The touched unit×month in SQL: its deduction points and its cases, counted in the database."""
    factory = open_store(url)
    lo, hi = date(DAY.year, DAY.month, 1), date(DAY.year + 1, 1, 1)
    with factory() as s:

        def query() -> object:
            points = select(func.sum(DeductionRow.points)).where(
                DeductionRow.unit_id == UNIT, DeductionRow.date >= lo, DeductionRow.date < hi
            )
            # by dispatch month, as the engine counts cases (and indexed by unit and that time)
            cases = select(func.count(CaseRow.id)).where(
                CaseRow.unit_id == UNIT, CaseRow.dispatched_at >= lo, CaseRow.dispatched_at < hi
            )
            return s.scalar(points), s.scalar(cases)

        query()
        best = min(_timed(query) for _ in range(5))
    close_store(factory)
    return best


def _ok(client: Any, path: str, body: dict[str, object] | None = None, token: str = "") -> None:
    """GET ``path`` (or POST ``body`` to it); anything but a success stops the benchmark."""
    answer = client.get(path) if body is None else client.post(path, json=body, headers={"X-CSRF-Token": token})
    if answer.status_code not in (200, 201):
        raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:200]}")


def run_pages_bench(cases: int, folder: Path | None = None) -> PagesBench:
    """Build the demo with ``cases`` cases (in ``folder``, else a temporary one) and time the dashboard."""
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{(folder or Path(scratch)) / f'bench-pages-{cases}.db'}"
        return time_pages(build_demo(url, cases=cases, publish=cases <= PUBLISHED_UP_TO))


def time_pages(city: DemoCity) -> PagesBench:
    """The dashboard, one write, a unit's explanation and the month's ranking timed on ``city``'s store (built
    already: a 10 M-case city takes most of an hour to build, so it may be timed again without rebuilding)."""
    from fastapi.testclient import TestClient

    from kaoping.server import create_app

    url = city.url
    admin = next(login for login in city.logins if login.role == "admin")
    app = create_app(url, schemes=[city.scheme], secret="bench-" + "p" * 32)
    steps: list[tuple[str, float]] = []
    with TestClient(app) as client:
        login = {"username": admin.username, "password": admin.password}
        assert client.post("/api/auth/login", json=login).status_code == 200
        token = client.get("/api/auth/csrf").json()["csrf_token"]
        for period in ("2024-Q4", "2024-Q3"):
            path = f"/dashboard/{city.scheme}/{period}"
            steps.append((f"看板 {period} 首次 first", _timed(partial(_ok, client, path))))
            steps.append((f"看板 {period} 再次 warm", _timed(partial(_ok, client, path))))
        row = {
            "date": DAY.isoformat(),
            "unit_id": UNIT,
            "part": "日常巡查",
            "item": "市容秩序",
            "points": 0.5,
            "source": "督查员",
            "problem": "bench 补录",
        }
        write = _timed(partial(_ok, client, "/api/deductions", row, token))
        steps.append(("录入一条扣分 one write", write))
        for period in ("2024-Q4", "2024-Q3"):
            path = f"/dashboard/{city.scheme}/{period}"
            steps.append((f"看板 {period} 录入后 after the write", _timed(partial(_ok, client, path))))
        path = f"/units/{UNIT}?scheme={city.scheme}&period=2024-Q4"
        steps.append(("单位得分说明 2024-Q4 explain one unit", _timed(partial(_ok, client, path))))
        steps += _case_then_ranking(client, token, url, city.scheme, full=city.cases <= PUBLISHED_UP_TO)
    return PagesBench(city.cases, _baseline(url), steps)


def _case_then_ranking(client: Any, token: str, url: str, scheme_name: str, full: bool) -> list[tuple[str, float]]:
    """The month's ranking as a running server keeps it (:func:`~kaoping.app.kept_ranking.month_ranking`, the
    pages' :func:`~kaoping.app.results.scored`: kept case and deduction cells, kept units, the year's small
    tables kept in the process), read once before any write; then one new case posted and the month ranked
    again from the kept cells — and, for comparison in the same run, recomputed in full from the year's rows
    (what the pages did before they kept results; with ``full`` only: above :data:`PUBLISHED_UP_TO` cases the
    year's rows do not fit in memory); then one new deduction posted and the month ranked again
    from the kept cells."""
    from kaoping.app.kept_ranking import month_ranking
    from kaoping.app.scoring import score_facts
    from kaoping.facts.snapshot import year_window
    from kaoping.scheme import load_scheme
    from kaoping.store.facts import load_facts

    scheme = load_scheme(scheme_name)
    factory = open_store(url)
    month = f"{DAY.year}-{DAY.month:02d}"
    steps: list[tuple[str, float]] = []
    with factory() as s:
        steps.append(
            (f"{month} 排名 首次（汇总格）month's ranking, first", _timed(partial(month_ranking, s, scheme, month)))
        )
    case: dict[str, object] = {
        "case_id": "bench-case-1",
        "unit_id": UNIT,
        "kind": "event",
        "category": "暴露垃圾",
        "reported_at": f"{DAY.isoformat()}T09:00:00",
        "dispatched_at": f"{DAY.isoformat()}T09:30:00",
        "deadline": f"{DAY.isoformat()}T17:00:00",
        "disposed_at": f"{DAY.isoformat()}T12:00:00",
    }
    steps.append(("录入一条案卷 one case", _timed(partial(_ok, client, "/api/cases", case, token))))
    with factory() as s:
        kept = _timed(partial(month_ranking, s, scheme, month))
        steps.append((f"{month} 排名 录入后（汇总格）month's ranking after it, kept cells", kept))

        def recompute() -> object:
            return score_facts(scheme, load_facts(s, scheme, within=year_window(DAY.year)), month)

        if full:
            label = f"{month} 排名 录入后（全量）逐行重算 month's ranking after it, full recompute from rows"
            steps.append((label, _timed(recompute)))
    row = {"date": DAY.isoformat(), "unit_id": UNIT, "part": "日常巡查", "item": "环境卫生", "points": 1,
           "time": "10:15", "source": "督查员", "problem": "bench 扣分后排名"}  # fmt: skip
    steps.append(("再录一条扣分 one more deduction", _timed(partial(_ok, client, "/api/deductions", row, token))))
    with factory() as s:
        after = _timed(partial(month_ranking, s, scheme, month))
        steps.append((f"{month} 排名 扣分后（汇总格）month's ranking after a deduction, kept cells", after))
        steps.append((f"{month} 排名 再次 month's ranking warm", _timed(partial(month_ranking, s, scheme, month))))
    close_store(factory)
    return steps
