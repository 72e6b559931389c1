"""`kaoping demo`'s database: 金川市 with a full year of data, published up to Q3, ready to serve.

A new user should meet a system that looks in use: rankings published and explained, deductions with
their photos, notices being rectified, cases with their timelines, appeals waiting for an answer, and an
account for every role to sign in with.  ``build_demo`` writes all of it into an empty store through the
store's own paths — ``write_facts`` with an audit trail under the account that would have entered each
row, ``create_user``, and the publishing workflow (compute → review → publish) — so everything the demo
shows is what the real workflow produces.  Only the bulk of the cases goes in by ``demo.bulk``.

The fourth quarter is left unpublished (its facts are all there) so the office can try publishing.
Everything is derived from ``seed``: the same seed gives the same city, down to the case ids.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaoping.app import publish as publishing
from kaoping.app.import_cells import bring_cells_up_to_date
from kaoping.demo import bulk, cases_data, city, facts_data, photos
from kaoping.demo.city import INSPECTORS, SCHEME, THIRD_PARTY, UNITS
from kaoping.demo.photos import Caption
from kaoping.facts import FILE_NAMES, Facts
from kaoping.io.images import check_image
from kaoping.roles import Role
from kaoping.statuses import AppealStatus, ResultStatus
from kaoping.store.audit import AuditWriter, now
from kaoping.store.db import close_store, open_store, transaction
from kaoping.store.facts import write_facts
from kaoping.store.tables import Appeal, CaseRow, DeductionRow, PublishedResult, Unit, UnitArea, User
from kaoping.store.users import create_user

SEPARATION_OF_DUTIES = False
"""职责分离 in the demo: off, since one office account plays every step (production default: on) — what
``kaoping demo`` serves with, and how the demo's own periods are published."""
DEMO_PASSWORD = "jinchuan-demo"
"""Every demo account's password — for the demo only: never use a demo database for real data."""
PUBLISHED_QUARTERS = 3
"""Q1–Q3 are published (with their months); Q4 is left for the office to publish."""
CASES_AT_ONCE = 1_000_000
"""The most cases drawn and written in one piece: drawing 10 M at once needs more than 23 GB (the generator
keeps a few dozen columns per case), a million about 2.3 GB.  A city of up to this many is drawn exactly as
before; a bigger one in pieces, each from its own seed, their ids following on."""
ADMIN = "admin"
DEPARTMENT = ("chengguan", "市城管局")
THIRD = ("disanfang", THIRD_PARTY)
CASE_STAFF: tuple[tuple[str, Role, str], ...] = (
    ("shouli", Role.ACCEPTOR, "数字城管受理员"),
    ("paiqian", Role.DISPATCHER, "数字城管派遣员"),
    ("jiandu", Role.SUPERVISOR, "数字城管监督员"),
)
"""The 数字城管 case flow's accounts (issue #17): 受理 and 立案, 派遣, 核查 — one each, to try every step."""
Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: the stage's label and how far it is (total 0: a step without a count)."""
UNITS_STEP = "写入被考评单位 units"
FACTS_STEP = "写入考评数据 facts (rows)"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: Role
    display_name: str
    unit_id: str | None


@dataclass(frozen=True)
class DemoCity:
    """What was built (or found): the store, the scheme and year, sizes, published periods and logins."""

    url: str
    scheme: str
    year: int
    units: int
    cases: int
    published: list[str]
    logins: list[DemoLogin]


class DemoError(RuntimeError):
    """The demo cannot be built here (the store at ``url`` already holds units); the command says so in the
    run's language."""

    def __init__(self, url: str) -> None:
        super().__init__(f"{url} 已有考评对象，演示需要一个空数据库")
        self.url = url


def demo_logins() -> list[DemoLogin]:
    """One account per role (a 督查员 per inspector, a 被考评单位 per unit), all with DEMO_PASSWORD."""
    logins = [
        DemoLogin(ADMIN, DEMO_PASSWORD, Role.ADMIN, f"{city.CITY}城市管理考评办", None),
        DemoLogin(DEPARTMENT[0], DEMO_PASSWORD, Role.DEPARTMENT, DEPARTMENT[1], None),
        *(DemoLogin(u, DEMO_PASSWORD, Role.INSPECTOR, name, None) for u, name in INSPECTORS),
        DemoLogin(THIRD[0], DEMO_PASSWORD, Role.THIRD_PARTY, THIRD[1], None),
        *(DemoLogin(u, DEMO_PASSWORD, role, name, None) for u, role, name in CASE_STAFF),
    ]
    logins += [DemoLogin(u.username, DEMO_PASSWORD, Role.UNIT, u.name, u.unit_id) for u in UNITS]
    return logins


def _parts(role: Role) -> list[str]:
    return {Role.DEPARTMENT: ["部门考评"], Role.INSPECTOR: ["日常巡查"], Role.THIRD_PARTY: ["第三方测评"]}.get(role, [])


def build_demo(
    url: str,
    *,
    cases: int = 50_000,
    year: int = 2024,
    seed: int = 7,
    progress: Progress | None = None,
    publish: bool = True,
) -> DemoCity:
    """Migrate the empty store at ``url`` and fill it with the demo city.

    A city of one piece (up to :data:`CASES_AT_ONCE` cases, every city but a benchmark's) is one transaction,
    all or nothing.  A bigger one is committed a piece at a time: ten million cases in one transaction grew
    SQLite's write-ahead log past 12 GB, and every later read of the build went through it.  If such a build
    stops, the store keeps the pieces written so far and building again refuses (DemoError): start over from
    an empty store.  ``publish=False`` leaves every period unpublished: publishing computes each period from
    every stored fact, which a 10 M-case city cannot hold in memory (a benchmark of the kept results at that
    size builds its city so).  Raises DemoError when the store already has units (the demo never mixes with
    other data).
    """
    report: Progress = progress or (lambda _stage, _done, _total: None)
    report("迁移数据库 migrating", 0, 0)
    factory = open_store(url)
    try:
        with transaction(factory) as s:
            if s.scalar(select(func.count()).select_from(Unit)):
                raise DemoError(url)
            report("生成考评数据 generating facts", 0, 0)
            facts, inspectors = facts_data.generate_facts(year, seed)
            _write_facts(s, facts, inspectors, report)
            s.add_all(UnitArea(unit_id=u.unit_id, geometry=city.area(u)) for u in UNITS)
            if cases:
                _write_piece(s, cases, 0, year, seed, report)
            if cases <= CASES_AT_ONCE:
                published = _finish(s, facts, inspectors, year, seed, publish, report)
        if cases > CASES_AT_ONCE:
            for first in range(CASES_AT_ONCE, cases, CASES_AT_ONCE):
                with transaction(factory) as s:
                    _write_piece(s, cases, first, year, seed, report)
            with transaction(factory) as s:
                published = _finish(s, facts, inspectors, year, seed, publish, report)
    finally:
        close_store(factory)
    return DemoCity(url, SCHEME, year, len(UNITS), cases, published, demo_logins())


def _write_piece(s: Session, cases: int, first: int, year: int, seed: int, report: Progress) -> None:
    """The (at most :data:`CASES_AT_ONCE`) cases from case ``first`` on, and their steps: the first piece from
    the demo's own seed (a city of one piece is the one it always was), the others numbered on."""
    report("生成数字城管案卷 generating cases", first, cases)
    frame = cases_data.generate(min(CASES_AT_ONCE, cases - first), year, seed + first, first)
    _write_cases(s, frame, cases_data.transitions(frame), report)


def _finish(
    s: Session, facts: Facts, inspectors: dict[str, str], year: int, seed: int, publish: bool, report: Progress
) -> list[str]:
    """After the cases: kept cells, accounts, photos, appeals and (with ``publish``) the published periods."""
    _count_cells(s, report)
    _accounts(s, report)
    _photos(s, facts, inspectors, seed, report)
    _appeals(s, year)
    return _publish(s, year, report) if publish else []


def _publish(s: Session, year: int, report: Progress) -> list[str]:
    """Compute, review and publish the months and quarters up to PUBLISHED_QUARTERS, in the office's order."""
    periods = [f"{year}-{m:02d}" for m in range(1, 3 * PUBLISHED_QUARTERS + 1)]
    periods += [f"{year}-Q{q}" for q in range(1, PUBLISHED_QUARTERS + 1)]
    periods.sort(key=_period_order)
    for i, period in enumerate(periods):
        report("计算并发布结果 publishing", i, len(periods))
        apart = SEPARATION_OF_DUTIES
        draft = publishing.compute_draft(s, scheme=SCHEME, period=period, actor=ADMIN, separate_duties=apart)
        publishing.review(s, draft.id, actor=ADMIN, separate_duties=apart)
        publishing.publish(s, draft.id, actor=ADMIN)
    report("计算并发布结果 publishing", len(periods), len(periods))
    return periods


def _period_order(period: str) -> tuple[int, int]:
    """Months of a quarter first, then the quarter (as an office publishes them)."""
    if "Q" in period:
        return int(period[-1]) * 3, 1
    return int(period[-2:]), 0


def existing_demo(url: str) -> DemoCity | None:
    """The demo already built at ``url`` if it is complete (its last quarter published), else None."""
    factory = open_store(url)
    try:
        with factory() as s:
            rows = s.execute(
                select(PublishedResult.period).where(
                    PublishedResult.scheme == SCHEME,
                    PublishedResult.status == ResultStatus.PUBLISHED,
                )
            )
            published = sorted((p for (p,) in rows), key=lambda p: (p[:4], _period_order(p)))
            quarters = [p for p in published if "Q" in p]
            if len(quarters) < PUBLISHED_QUARTERS:
                return None
            units = s.scalar(select(func.count()).select_from(Unit)) or 0
            count = s.scalar(select(func.count()).select_from(CaseRow)) or 0
    finally:
        close_store(factory)
    return DemoCity(url, SCHEME, int(quarters[-1][:4]), units, count, published, demo_logins())


def _writer(kind: str, row: dict[str, Any], inspectors: dict[str, str]) -> str:
    """The account that would have entered the row: its audit actor (what "rows I wrote" is read from)."""
    if kind == "scores":
        return {DEPARTMENT[1]: DEPARTMENT[0], THIRD[1]: THIRD[0]}.get(str(row["source"]), ADMIN)
    if kind == "deductions":
        return inspectors.get(str(row["evidence"]), ADMIN)
    return ADMIN


def _write_facts(s: Session, facts: Facts, inspectors: dict[str, str], report: Progress) -> None:
    """The units (a step of their own), then the other kinds' rows, counted in rows."""
    kinds = [k for k in FILE_NAMES if getattr(facts, k).height]
    rows = sum(getattr(facts, k).height for k in kinds if k != "units")
    done = 0
    for kind in kinds:
        frame: pl.DataFrame = getattr(facts, kind)
        if kind == "units":
            report(UNITS_STEP, 0, frame.height)
            _write_kind(s, kind, frame, inspectors)
            report(UNITS_STEP, frame.height, frame.height)
            continue
        report(FACTS_STEP, done, rows)
        _write_kind(s, kind, frame, inspectors)
        done += frame.height
    report(FACTS_STEP, done, rows)


def _write_kind(s: Session, kind: str, frame: pl.DataFrame, inspectors: dict[str, str]) -> None:
    """The rows of one kind, each audited as written by the account that would have entered it."""
    writers = [_writer(kind, r, inspectors) for r in frame.iter_rows(named=True)]
    tagged = frame.with_columns(_writer=pl.Series(writers, dtype=pl.String))
    for actor in sorted(set(writers)):
        part = tagged.filter(pl.col("_writer") == actor).drop("_writer")
        audit = AuditWriter(s, actor, reason="演示数据")
        write_facts(s, kind, part, audit=audit, label=f"demo:{kind}")
        audit.flush()


def _write_cases(s: Session, frame: pl.DataFrame, steps: pl.DataFrame, report: Progress) -> None:
    done = 0

    def cases_done(n: int) -> None:
        nonlocal done
        done += n
        report("写入数字城管案卷 writing cases", done, frame.height)

    cases_done(0)  # the step starts now, not when its first chunk is written
    bulk.insert_cases(s, frame, actor=ADMIN, advance=cases_done)
    done = 0

    def steps_done(n: int) -> None:
        nonlocal done
        done += n
        report("写入案卷流转 writing case steps", done, steps.height)

    steps_done(0)
    bulk.insert_transitions(s, steps, advance=steps_done)


def _count_cells(s: Session, report: Progress) -> None:
    """The deduction cells, made here rather than on the first page after the build (the cases were counted
    into their cells as they were written), a slice of (unit, month) pairs at a time, as after an import."""
    report("汇总数字城管案卷 counting the case cells", 0, 1)
    bring_cells_up_to_date(s, ["cases", "deductions"])
    report("汇总数字城管案卷 counting the case cells", 1, 1)


def _accounts(s: Session, report: Progress) -> None:
    """The demo accounts.  The office account goes through ``create_user`` (checks and argon2 hash); the
    others share its hash, as they share the demo password — argon2 is slow on purpose, and twenty hashes of
    the same password would take several seconds of the build for nothing."""
    logins = demo_logins()
    report("创建演示账号 creating accounts", 0, len(logins))
    first = logins[0]
    admin = create_user(
        s, username=first.username, password=first.password, role=first.role, display_name=first.display_name
    )
    s.add_all(
        User(
            username=login.username,
            password_hash=admin.password_hash,
            role=login.role,
            display_name=login.display_name,
            unit_id=login.unit_id,
            parts=_parts(login.role),
            active=True,
        )
        for login in logins[1:]
    )
    s.flush()
    report("创建演示账号 creating accounts", len(logins), len(logins))


def _photos(s: Session, facts: Facts, inspectors: dict[str, str], seed: int, report: Progress) -> None:
    """A photo for every deduction (by its inspector) and rectification photos of the second half year's
    rectified notices (by the unit's account)."""
    stmt = select(DeductionRow).where(DeductionRow.evidence != "").order_by(DeductionRow.id)
    rows = list(s.scalars(stmt))
    out: list[dict[str, Any]] = []
    for i, d in enumerate(rows):
        if i % 50 == 0:
            report("生成取证照片 drawing photos", i, len(rows))
        at = datetime.combine(d.date, d.time or time(10, 0))
        title = Caption(
            f"{d.problem}（{d.item} −{float(d.points):g}分）",
            f"{d.unit_id.upper()}  deduction {d.id}  -{float(d.points):g}",
        )
        data = photos.render(
            title=title, place=Caption(d.location, d.unit_id.upper()), at=at, item=d.item, seed=seed * 100_003 + d.id
        )
        creator = inspectors.get(d.evidence, ADMIN)
        out.append(_evidence(d.unit_id, f"deductions:{d.id}", d.evidence, data, at, creator))
    report("生成取证照片 drawing photos", len(rows), len(rows))
    rectified = facts.notices.filter(pl.col("rectified_on").is_not_null() & (pl.col("rectified_on").dt.month() >= 7))
    for row in rectified.unique("problem_id", keep="last", maintain_order=True).head(12).iter_rows(named=True):
        u = city.unit(row["unit_id"])
        at = datetime.combine(row["rectified_on"], time(15, 30))
        title = Caption(f"{row['problem_id']} 已整改", f"{row['problem_id']} rectified")
        data = photos.render(
            title=title, place=Caption(u.name, u.unit_id.upper()), at=at, item="整改", seed=seed + len(out)
        )
        name = f"zhenggai-{row['problem_id']}.png"
        out.append(_evidence(u.unit_id, f"notices:{row['problem_id']}", name, data, at, u.username))
    bulk.insert_evidence(s, out)


def _evidence(unit_id: str, target: str, filename: str, data: bytes, at: datetime, by: str) -> dict[str, Any]:
    """An evidence row as an upload stores it: the picture checked, its cleaned copy beside it."""
    shared = check_image(data).shared
    return {"unit_id": unit_id, "target": target, "filename": filename, "content_type": "image/png", "data": data,
            "shared": shared, "created_at": at, "created_by": by}  # fmt: skip


def _appeals(s: Session, year: int) -> None:
    """An open appeal against a deduction (waiting for the office) and one already answered."""
    rng = random.Random(year)
    worst = min(UNITS, key=lambda u: u.quality)
    q3 = select(DeductionRow).where(DeductionRow.unit_id == worst.unit_id, DeductionRow.date >= datetime(year, 7, 1))
    disputed = list(s.scalars(q3.order_by(DeductionRow.id)))
    stamp = now()
    appeals = []
    if disputed:
        d = rng.choice(disputed)
        appeals.append(
            Appeal(
                unit_id=worst.unit_id,
                period=f"{year}-Q3",
                target=f"deductions:{d.id}",
                text=f"{d.date:%m月%d日}{d.location}“{d.problem}”一项，系商户临时卸货，督查当时已现场整改，申请撤销该项扣分。",
                status=AppealStatus.OPEN,
                created_at=stamp,
                created_by=worst.username,
                answer="",
            )
        )
    other = next(u for u in UNITS if u.unit_id == "bt")
    appeals.append(
        Appeal(
            unit_id=other.unit_id,
            period=f"{year}-Q2",
            target="部门考评",
            text="二季度部门考评“市政设施”一项评分明显偏低，请说明扣分依据。",
            status="rejected",
            created_at=stamp,
            created_by=other.username,
            answer="经核查，市住建局评分依据为5月道路井盖巡查记录，评分无误，维持原结果。",
        )
    )
    s.add_all(appeals)
    s.flush()
    for a in appeals:
        audit = AuditWriter(s, a.created_by, reason="appeal filed")
        audit.event(
            "insert", "appeals", f"appeals:{a.id}", unit_id=a.unit_id, period=a.period, detail={"target": a.target}
        )
        audit.flush()
