"""`build_demo`: the demo city on SQLite and PostgreSQL (``db_url``), checked table by table.

One build per database (a build takes seconds), then every promise of the demo is checked on it: units and
groups, every fact kind, cases and their lifecycle steps in time order, photos referenced by deductions, a
working login per role, Q1–Q3 published and Q4 not, a full ranking from the store and a valid map.
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kaoping.app.scoring import score_store
from kaoping.cases.lifecycle import Status
from kaoping.demo import build, city
from kaoping.demo.build import DEMO_PASSWORD, DemoCity, DemoError, build_demo, existing_demo
from kaoping.store import case_cells, publishing, users
from kaoping.store.db import open_store
from kaoping.store.result_tables import KeptPeriodResult
from kaoping.store.tables import (
    Appeal,
    AuditEntry,
    CaseRow,
    CaseTransition,
    DeductionRow,
    Evidence,
    HonorRow,
    NoticeRow,
    PublishedResult,
    ScoreRow,
    Unit,
    UnitArea,
)

CASES = 2000
PNG = b"\x89PNG\r\n\x1a\n"
Ring = list[tuple[float, float]]


@pytest.fixture
def built(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[DemoCity, sessionmaker[Session]]]:
    # the production argon2 cost is irrelevant here, and slow to verify
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    demo = build_demo(db_url, cases=CASES)
    factory = open_store(db_url)
    yield demo, factory
    engine = factory.kw.get("bind")
    if engine is not None:
        engine.dispose()


def count(s: Session, table: type[object]) -> int:
    return s.scalar(select(func.count()).select_from(table)) or 0  # type: ignore[arg-type]


def test_demo_city_in_the_store(built: tuple[DemoCity, sessionmaker[Session]], db_url: str) -> None:
    demo, factory = built
    assert (demo.scheme, demo.year, demo.units, demo.cases) == ("demo-city", 2024, 13, CASES)
    with factory() as s:
        check_units_and_facts(s)
        check_cases_and_steps(s)
        check_photos(s)
        check_logins(s, demo)
        check_published(s, demo)
        check_areas(s)
        assert s.scalar(select(func.count()).where(Appeal.status == "open")) == 1
    _scheme, result = score_store("demo-city", db_url, "2024-Q3")
    ranked = {u.unit_id for g in result.groups for u in g.ranking}
    assert ranked == {u.unit_id for u in city.UNITS} and not any(g.unrated for g in result.groups)
    assert [g.group for g in result.groups] == ["城区组", "县市组"]
    assert existing_demo(db_url) == demo
    with pytest.raises(DemoError, match="已有考评对象"):
        build_demo(db_url, cases=10)


def check_units_and_facts(s: Session) -> None:
    groups = defaultdict(list)
    for u in s.scalars(select(Unit)):
        groups[u.group].append(u.unit_id)
    assert sum(len(v) for v in groups.values()) >= 12
    assert set(groups) == {"城区组", "县市组"} and len(groups["城区组"]) == 7 and len(groups["县市组"]) == 6
    assert s.get(Unit, "xq") is not None and not s.get(Unit, "xq").reward_eligible  # type: ignore[union-attr]
    for table in (ScoreRow, DeductionRow, HonorRow, NoticeRow, CaseRow):
        assert count(s, table) > 0, table.__tablename__
    parts = set(s.scalars(select(ScoreRow.part).distinct()))
    assert parts == {"部门考评", "第三方测评", "特色工作加分"}
    months = {d.month for d in s.scalars(select(DeductionRow.date))}
    assert months == set(range(1, 13))  # a full year of inspections
    assert s.scalar(select(func.count()).where(DeductionRow.time.is_(None))) == 0
    assert s.scalar(select(func.count()).where(NoticeRow.rectified_on.is_(None))) > 0  # some still open
    assert set(s.scalars(select(HonorRow.kind).distinct())) == {"award", "criticism"}
    # rows are written under the account that enters them: "rows I wrote" works for every role
    actors = set(s.execute(select(AuditEntry.actor, AuditEntry.table_name).where(AuditEntry.action == "insert")))
    assert {("chengguan", "scores"), ("disanfang", "scores"), ("ducha", "deductions")} <= actors


def check_cases_and_steps(s: Session) -> None:
    assert count(s, CaseRow) == CASES
    assert set(s.scalars(select(CaseRow.unit_id).distinct())) == {u.unit_id for u in city.UNITS}
    steps: dict[str, list[CaseTransition]] = defaultdict(list)
    for t in s.scalars(select(CaseTransition).order_by(CaseTransition.id)):
        steps[t.case_id].append(t)
    cases = {c.case_id: c for c in s.scalars(select(CaseRow))}
    assert set(steps) == set(cases)  # every case has its timeline
    valid = {st.value for st in Status}
    for case_id, timeline in steps.items():
        times = [t.at for t in timeline]
        assert times == sorted(times), case_id
        assert timeline[0].from_status == Status.REPORTED.value
        for before, after in itertools.pairwise(timeline):
            assert after.from_status == before.to_status, case_id  # one unbroken chain
        assert {t.to_status for t in timeline} <= valid
        case = cases[case_id]
        if case.closed_at is not None:
            assert timeline[-1].to_status == Status.CLOSED.value and timeline[-1].at == case.closed_at
        reworks = sum(1 for t in timeline if t.from_status == "verifying" and t.to_status == "dispatched")
        assert reworks == case.rework_count
    shares = {
        uid: s.scalar(select(func.avg(CaseRow.rework_count)).where(CaseRow.unit_id == uid))
        for uid in ("dh", "qs", "xq")
    }
    assert len({round(float(v or 0), 4) for v in shares.values()}) > 1  # units are not all alike


def check_photos(s: Session) -> None:
    deductions = {d.id: d for d in s.scalars(select(DeductionRow))}
    photos = list(s.scalars(select(Evidence)))
    by_target = {e.target: e for e in photos}
    for d in deductions.values():
        photo = by_target[f"deductions:{d.id}"]  # every deduction has its photo
        assert photo.filename == d.evidence and photo.unit_id == d.unit_id
        assert photo.data.startswith(PNG) and photo.content_type == "image/png"
        assert photo.created_by.startswith("ducha")
    rectified = [e for e in photos if e.target.startswith("notices:")]
    assert rectified and all(e.created_by == city.unit(e.unit_id).username for e in rectified)


def check_logins(s: Session, demo: DemoCity) -> None:
    roles = {login.role for login in demo.logins}
    assert roles == {"admin", "department", "inspector", "third_party", "unit", "acceptor", "dispatcher", "supervisor"}
    seen = set()
    for login in demo.logins:
        assert login.password == DEMO_PASSWORD
        user = users.authenticate(s, login.username, login.password)
        assert user is not None and user.role == login.role, login.username
        assert users.authenticate(s, login.username, "wrong-password") is None
        seen.add(user.role)
        if login.role == "unit":
            assert user.unit_id == login.unit_id
        if login.role in ("department", "third_party", "inspector"):
            assert user.parts
    assert seen == roles
    department = next(login for login in demo.logins if login.role == "department")
    assert s.scalar(select(func.count()).where(ScoreRow.source == department.display_name)) > 0


def check_published(s: Session, demo: DemoCity) -> None:
    for period in ("2024-Q1", "2024-Q2", "2024-Q3", "2024-01", "2024-09"):
        row = publishing.current(s, scheme="demo-city", period=period)
        assert row is not None and row.document["period"] == period
    assert publishing.current(s, scheme="demo-city", period="2024-Q4") is None
    assert publishing.versions(s, scheme="demo-city", period="2024-Q4") == []
    assert [p for p in demo.published if "Q" in p] == ["2024-Q1", "2024-Q2", "2024-Q3"]
    assert ("demo-city", "2024-Q3") in publishing.published_periods(s)
    # every published version keeps its result, so the pages read it instead of recomputing the snapshot
    published = set(s.scalars(select(PublishedResult.id).where(PublishedResult.status == "published")))
    assert len(published) >= 12 and set(s.scalars(select(KeptPeriodResult.result_id))) >= published


def check_areas(s: Session) -> None:
    areas = {a.unit_id: a.geometry for a in s.scalars(select(UnitArea))}
    assert set(areas) == {u.unit_id for u in city.UNITS}
    rings: dict[str, Ring] = {}
    for uid, geometry in areas.items():
        assert geometry["type"] == "Polygon"
        coordinates = geometry["coordinates"]
        assert isinstance(coordinates, list) and len(coordinates) == 1
        ring = [(float(x), float(y)) for x, y in coordinates[0]]
        assert len(ring) >= 4 and ring[0] == ring[-1], uid
        assert signed_area(ring) > 0, f"{uid}: exterior ring must be counter-clockwise"
        assert not self_intersects(ring), uid
        assert all(103 < x < 105 and 35 < y < 37 for x, y in ring), uid
        rings[uid] = ring
    for uid, ring in rings.items():  # each area's centroid is inside it and inside no other area
        c = centroid(ring)
        assert [other for other, r in rings.items() if inside(c, r)] == [uid]
    total = sum(signed_area(r) for r in rings.values())
    outline = [(float(x), float(y)) for x, y in city.outline()["coordinates"][0]]  # type: ignore[index]
    assert abs(total - signed_area(outline)) < 1e-6 * total  # the areas tile the city: no overlap, no gap


def signed_area(ring: Ring) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring)) / 2


def centroid(ring: Ring) -> tuple[float, float]:
    a = signed_area(ring)
    cx = sum((x1 + x2) * (x1 * y2 - x2 * y1) for (x1, y1), (x2, y2) in itertools.pairwise(ring))
    cy = sum((y1 + y2) * (x1 * y2 - x2 * y1) for (x1, y1), (x2, y2) in itertools.pairwise(ring))
    return cx / (6 * a), cy / (6 * a)


def inside(p: tuple[float, float], ring: Ring) -> bool:
    x, y = p
    hit = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def self_intersects(ring: Ring) -> bool:
    """Whether two edges that are not neighbours cross or touch."""
    edges = list(itertools.pairwise(ring))
    n = len(edges)
    for i in range(n):
        for j in range(i + 2, n):
            if i == 0 and j == n - 1:
                continue  # the first and last edges meet at the closing point
            if _cross(*edges[i], *edges[j]):
                return True
    return False


def _cross(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float], d: tuple[float, float]) -> bool:
    def orient(p: tuple[float, float], q: tuple[float, float], r: tuple[float, float]) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return orient(a, b, c) * orient(a, b, d) <= 0 and orient(c, d, a) * orient(c, d, b) <= 0


def test_full_size_build_on_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default 50,000 cases, as `kaoping demo` builds them (the time is printed with -s)."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    path = tmp_path / "demo.db"
    stages: list[str] = []
    started = time.perf_counter()
    demo = build_demo(f"sqlite:///{path}", progress=lambda stage, _done, _total: stages.append(stage))
    elapsed = time.perf_counter() - started
    print(f"build_demo, 50,000 cases: {elapsed:.1f} s, {path.stat().st_size / 1e6:.1f} MB")
    assert demo.cases == 50_000
    factory = open_store(f"sqlite:///{path}")
    with factory() as s:
        assert count(s, CaseRow) == 50_000
        assert count(s, CaseTransition) > 4 * 50_000
    assert stages[0].startswith("迁移数据库") and stages[-1].startswith("计算并发布结果")
    # 60 MB of facts, audit and photos, plus ≈ 7 MB of facts snapshots kept by the 9 published versions
    # 76 MB: the cases indexed by unit and time for their cells and explanations (issue 13) take ~6 MB
    assert path.stat().st_size < 76e6


def test_a_big_city_is_drawn_in_pieces(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A city bigger than CASES_AT_ONCE is drawn and written in pieces (10 M cases at once needed more than the
    machine's 23 GB): every case id distinct and every piece's cases present, the kept cells equal to a recount
    of every case, and ``publish=False`` publishes nothing (the 10 M benchmark's city)."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(build, "CASES_AT_ONCE", 120)
    demo = build_demo(db_url, cases=300, publish=False)
    assert (demo.cases, demo.published) == (300, [])
    factory = open_store(db_url)
    try:
        with factory() as s:
            ids = list(s.scalars(select(CaseRow.case_id)))
            assert len(ids) == len(set(ids)) == 300
            # three pieces: 120 + 120 + 60 from three seeds, numbered on from one another
            assert sorted(int(i) % 10**8 for i in ids) == list(range(1, 301))
            assert case_cells.differing_cells(s).is_empty() and case_cells.stale_pairs(s) == 0
            assert count(s, PublishedResult) == 0
            steps = set(s.scalars(select(CaseTransition.case_id)))
            assert {ids[0], ids[150], ids[-1]} <= steps
    finally:
        engine = factory.kw.get("bind")
        if engine is not None:
            engine.dispose()


def test_a_big_city_is_committed_piece_by_piece(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A city of several pieces commits each piece (one transaction of 10 M cases grew SQLite's log past
    12 GB): a build that stops in its third piece keeps the two pieces before it, nothing of the third, and
    building again refuses rather than mixing cities."""
    monkeypatch.setattr(build, "CASES_AT_ONCE", 120)
    written = build._write_piece

    def third_fails(s: Session, cases: int, first: int, year: int, seed: int, report: build.Progress) -> None:
        written(s, cases, first, year, seed, report)
        if first == 240:
            raise RuntimeError("stopped in the third piece")

    monkeypatch.setattr(build, "_write_piece", third_fails)
    with pytest.raises(RuntimeError, match="third piece"):
        build_demo(db_url, cases=300, publish=False)
    factory = open_store(db_url)
    try:
        with factory() as s:
            assert s.scalar(select(func.count()).select_from(CaseRow)) == 240
            assert s.scalar(select(func.count()).select_from(Unit)) == len(city.UNITS)
    finally:
        engine = factory.kw.get("bind")
        if engine is not None:
            engine.dispose()
    with pytest.raises(DemoError):
        build_demo(db_url, cases=300, publish=False)
