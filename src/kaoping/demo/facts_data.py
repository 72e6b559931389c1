"""A year of 金川市's evaluation facts in the interchange schema: scores, deductions, notices and honors.

Each unit's numbers follow its ``quality`` (city.py) with a little drift per quarter and noise per row, so
the rankings are plausible — a well-run district stays near the top but is not always first — and every
feature of ``demo-city`` shows up: several departments per item, monthly surveys, capped deduction items,
a few night inspections outside the inspection hours, notifications rectified in time, late or never,
awards that reach the yearly cap and criticisms that cost a reward.  ``random.Random(seed)`` drives it
all, so the same seed gives the same city.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

import polars as pl

from kaoping.demo.city import DEPARTMENTS, INSPECTORS, THIRD_PARTY, UNITS, DemoUnit
from kaoping.facts import Facts, facts_from_frames
from kaoping.scheme import load_scheme

PROBLEMS: dict[str, tuple[str, ...]] = {
    # 日常巡查 items and the problems an inspector writes down for them
    "市容秩序": ("店外经营占道", "无照经营游商", "非法小广告", "乱堆物堆料", "沿街晾挂", "共享单车乱停放"),
    "环境卫生": ("暴露垃圾未清运", "垃圾桶满溢", "道路不洁", "积存垃圾渣土", "公厕保洁不到位"),
    "园林绿化": ("绿地缺株断垄", "树木枯死未补植", "绿地内堆放杂物", "绿篱未修剪"),
    "市政设施": ("井盖破损缺失", "路灯不亮", "人行道板松动", "交通护栏损坏", "雨水箅子堵塞"),
    "违法建设": ("私搭乱建", "违规搭建彩钢棚", "擅自占用绿地搭建"),
}
POINTS = (0.5, 1.0, 1.0, 1.5, 2.0, 2.0, 3.0, 5.0)
"""Points one problem costs, drawn with repetition (small problems are the common ones)."""
FEATURES = ("智慧城管平台建设", "垃圾分类示范小区", "背街小巷整治", "城市家具更新", "口袋公园建设")
"""特色工作 the office scores with the 特色工作加分 rule."""
HONORS: tuple[tuple[str, str, str, str, str], ...] = (
    # (month-day, unit, kind, level, title): awards reach 青山县's yearly cap; criticisms cost a reward
    ("01-18", "dh", "award", "provincial", "省级美丽街区"),
    ("02-26", "qs", "award", "national", "全国城乡环境卫生整洁示范县"),
    ("03-15", "gx", "award", "provincial_dept", "省住建厅通报表扬(数字城管)"),
    ("04-09", "qs", "award", "provincial", "省级园林县城"),
    ("05-20", "bt", "criticism", "provincial_dept", "省住建厅通报批评(建筑垃圾乱倒)"),
    ("06-12", "qs", "award", "provincial_dept", "省城管局通报表扬"),
    ("07-08", "bh", "award", "provincial", "省级文明街道"),
    ("08-21", "hk", "award", "provincial_dept", "省城管局通报表扬(河道保洁)"),
    ("09-03", "gx", "criticism", "provincial", "省委督查室通报批评(违建整治不力)"),
    ("10-16", "dh", "award", "national", "国家园林城区"),
    ("11-05", "sm", "award", "provincial", "省级卫生县城"),
)


def _clip(x: float, lo: float = 0.55, hi: float = 1.0) -> float:
    return min(hi, max(lo, x))


def _scores(rng: random.Random, year: int, drift: dict[tuple[str, int], float]) -> list[dict[str, object]]:
    scheme = load_scheme("demo-city")
    rows: list[dict[str, object]] = []
    for u in UNITS:
        group = scheme.group(u.group)
        assert group is not None
        for q in range(1, 5):
            base = u.quality + drift[u.unit_id, q]
            for item in group.items:
                for dept in DEPARTMENTS[item]:
                    score = 100 * _clip(base + rng.uniform(-0.05, 0.04))
                    rows.append(_score(f"{year}-Q{q}", u, "部门考评", item, score, dept))
            for m in range(3 * q - 2, 3 * q + 1):
                score = 100 * _clip(base + 0.02 + rng.uniform(-0.03, 0.03))
                rows.append(_score(f"{year}-{m:02d}", u, "第三方测评", "", score, THIRD_PARTY))
    for i, feature in enumerate(FEATURES):
        u = UNITS[(i * 5 + 2) % len(UNITS)]
        rows.append(_score(f"{year}-{2 * i + 2:02d}", u, "特色工作加分", feature, 1 + i % 3, "考评办"))
    return rows


def _score(period: str, u: DemoUnit, part: str, item: str, score: float, source: str) -> dict[str, object]:
    return {"period": period, "unit_id": u.unit_id, "part": part, "item": item, "score": round(score, 1),
            "source": source, "note": ""}  # fmt: skip


def _workday(rng: random.Random, year: int, month: int) -> date:
    first = date(year, month, 1)
    days = ((first.replace(month=month % 12 + 1) if month < 12 else date(year + 1, 1, 1)) - first).days
    while True:
        d = first + timedelta(days=rng.randrange(days))
        if d.weekday() < 5:
            return d


def _deductions(rng: random.Random, year: int, drift: dict[tuple[str, int], float]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for u in UNITS:
        for month in range(1, 13):
            badness = 1 - (u.quality + drift[u.unit_id, (month - 1) // 3 + 1])
            count = max(0, round(badness * 40 * rng.uniform(0.5, 1.5)))
            for _ in range(count):
                item = rng.choices(list(PROBLEMS), weights=(5, 5, 2, 3, 1))[0]
                day = _workday(rng, year, month)
                night = rng.random() < 0.02  # 夜间巡查: outside the inspection hours, listed as excluded
                at = time(rng.randint(20, 21), rng.randrange(0, 60, 5)) if night else _daytime(rng)
                username, name = rng.choice(INSPECTORS)
                road = rng.choice(u.roads)
                rows.append(
                    {
                        "date": day,
                        "unit_id": u.unit_id,
                        "part": "日常巡查",
                        "item": item,
                        "points": rng.choice(POINTS) if item != "违法建设" else rng.choice((3.0, 5.0, 8.0)),
                        "source": name,
                        "problem": rng.choice(PROBLEMS[item]),
                        "location": f"{u.name}{road}{rng.randint(1, 299)}号",
                        "evidence": "",
                        "time": at,
                        "_inspector": username,
                    }
                )
    rows.sort(key=lambda r: (str(r["date"]), str(r["time"]), str(r["unit_id"])))
    for i, r in enumerate(rows, start=1):
        r["evidence"] = f"xuncha-{r['date']:%Y%m%d}-{r['unit_id']}-{i:04d}.png"
    return rows


def _daytime(rng: random.Random) -> time:
    minutes = rng.randint(8 * 60, 18 * 60)
    return time(minutes // 60, minutes % 60)


def _notices(rng: random.Random, year: int) -> list[dict[str, object]]:
    """Problems notified (整改通报) and their rectification: most in time, some late, a few never.

    A problem not rectified by the next month's notification is notified again, so some units collect
    runs of three or more notifications (the escalated 2 points).
    """
    rows: list[dict[str, object]] = []
    seq = 0
    year_end = date(year, 12, 31)
    for month in range(1, 13):
        for u in UNITS:
            if rng.random() > (1 - u.quality) * 3:
                continue
            seq += 1
            problem = f"TB-{year}-{seq:03d}"
            notified = _workday(rng, year, month)
            fate = rng.random()
            for _ in range(6):
                if fate < 0.55:
                    rectified: date | None = notified + timedelta(days=rng.randint(1, 5))
                elif fate < 0.85:
                    rectified = notified + timedelta(days=rng.randint(8, 20))
                else:
                    rectified = None
                if rectified is not None and rectified > year_end:
                    rectified = None
                follow = notified + timedelta(days=rng.randint(26, 33))
                if rectified is not None and rectified <= follow:
                    rows.append(_notice(problem, u, notified, rectified))
                    break
                rows.append(_notice(problem, u, notified, None if follow <= year_end else rectified))
                if follow > year_end:
                    break
                notified, fate = follow, fate * 0.8  # a notification in a row makes rectifying likelier
    return rows


def _notice(problem: str, u: DemoUnit, notified: date, rectified: date | None) -> dict[str, object]:
    return {"problem_id": problem, "unit_id": u.unit_id, "notified_on": notified, "rectified_on": rectified}


def _honors(year: int) -> list[dict[str, object]]:
    return [
        {"date": date.fromisoformat(f"{year}-{md}"), "unit_id": uid, "kind": kind, "level": level, "title": title}
        for md, uid, kind, level, title in HONORS
    ]


def units_frame() -> pl.DataFrame:
    return pl.DataFrame(
        [(u.unit_id, u.name, u.group, u.reward_eligible) for u in UNITS],
        schema={"unit_id": pl.String, "name": pl.String, "group": pl.String, "reward_eligible": pl.Boolean},
        orient="row",
    )


def generate_facts(year: int, seed: int) -> tuple[Facts, dict[str, str]]:
    """Units, scores, deductions, notices and honors of ``year``; and each deduction's inspector username
    by its evidence file name (who took the photo)."""
    rng = random.Random(seed)
    drift = {(u.unit_id, q): rng.uniform(-0.03, 0.03) for u in UNITS for q in range(1, 5)}
    deductions = _deductions(rng, year, drift)
    inspectors = {str(r["evidence"]): str(r.pop("_inspector")) for r in deductions}
    frames = {
        "units": units_frame(),
        "scores": pl.DataFrame(_scores(rng, year, drift)),
        "deductions": pl.DataFrame(deductions),
        "notices": pl.DataFrame(_notices(rng, year), schema_overrides={"rectified_on": pl.Date}),
        "honors": pl.DataFrame(_honors(year)),
    }
    return facts_from_frames(**frames), inspectors
