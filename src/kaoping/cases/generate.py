"""Realistic synthetic cases (数字城管案卷) for demos and benchmarks, built column-wise in Polars.

A demo needs a city that behaves like one: most problems are 暴露垃圾, 非法小广告 and 游商, a 井盖 must be
fixed within hours while 私搭乱建 gets 20 working days, about 92% of cases close and about three in four on
time, with some rework and postponements.  The generator draws each case's category, grid, report time and
staff, sends it to the unit the 处置手册 names (the street for 属地 categories), gives it the handbook's
working-time deadline, and draws its disposal time as a multiple of that limit.

Randomness is a counter-based generator (SplitMix64 over the row number, in UInt64 Polars arithmetic),
so the same seed gives the same cases on every machine and Polars version, and a million cases take a few
seconds with no Python loop per case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl

from kaoping.cases.calendar import WorkCalendar
from kaoping.cases.categories import Kind
from kaoping.cases.handbook import Handbook, WorkingClock, assign, load_handbook
from kaoping.cases.metrics import with_order_columns

_M64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
DISTRICT_NAMES = ("东城区", "西城区", "南湖区", "北山区", "中心区", "高新区", "临江区", "新港区", "青溪区", "白云区")
STREET_WORDS = (
    "和平",
    "人民",
    "解放",
    "建设",
    "新华",
    "朝阳",
    "胜利",
    "光明",
    "东风",
    "红旗",
    "幸福",
    "长江",
    "黄河",
    "文化",
    "青年",
    "友谊",
    "民主",
    "团结",
    "振兴",
    "滨江",
    "花园",
    "翠湖",
    "金桥",
    "望京",
)
HOT: dict[str, float] = {
    # relative frequency of the common 小类; every other 小类 has weight 1 (a typical city's case mix)
    "暴露垃圾": 30,
    "非法小广告": 25,
    "无照经营游商": 18,
    "店外经营": 16,
    "乱堆物堆料": 14,
    "道路不洁": 12,
    "积存垃圾渣土": 10,
    "机动车乱停放": 10,
    "非机动车乱停放": 9,
    "占道经营": 8,
    "沿街晾挂": 6,
    "垃圾满溢": 6,
    "共享单车乱停放": 5,
    "私搭乱建": 4,
    "污水井盖": 6,
    "雨水箅子": 6,
    "垃圾箱": 6,
    "雨水井盖": 5,
    "路灯": 5,
    "上水井盖": 4,
    "行道树": 4,
    "交通护栏": 3,
    "广告牌匾": 3,
    "通信井盖": 3,
    "电力井盖": 3,
}
CASE_COLUMNS = (
    "case_id", "unit_id", "kind", "category", "reported_at", "dispatched_at", "deadline", "disposed_at", "closed_at",
    "rework_count", "verify_failed", "postponed", "channel", "satisfaction", "repeat_of",
    "registered_at", "source", "dispatch_correct",
    "grid", "community", "street", "district", "reporter", "registrar", "dispatcher", "shift_lead",
)  # fmt: skip


@dataclass(frozen=True)
class City:
    """The generated city: responsible units, the grid tree with each grid's 监督员, and the centre's staff."""

    units: pl.DataFrame  # unit_id, name, group
    grids: pl.DataFrame  # grid, community, street, district, supervisor
    registrars: pl.Series
    dispatchers: pl.Series
    shift_leads: pl.Series


def build_city(units: int, handbook: Handbook) -> City:
    """``units`` responsible units: the handbook's 专业部门 plus as many streets as the rest, in districts of 6."""
    departments = list(handbook.units.items())
    streets = units - len(departments)
    if streets < 1:
        raise ValueError(
            f"--units must be at least {len(departments) + 1}: the handbook names "
            f"{len(departments)} departments and the city needs at least one street"
        )
    street_rows, grid_rows = [], []
    for s in range(streets):
        d = s // 6
        district = f"d{d + 1:02d}"
        street = f"s{s + 1:03d}"
        word = STREET_WORDS[s % len(STREET_WORDS)] + ("" if s < len(STREET_WORDS) else str(s // len(STREET_WORDS)))
        street_rows.append((street, f"{word}街道", "街道"))
        for c in range(4 + s % 3):
            community = f"{street}c{c + 1}"
            for g in range(4):
                supervisor = f"{street}-jd{(c * 4 + g) // 2 + 1:02d}"
                grid_rows.append((f"{community}g{g + 1}", community, street, district, supervisor))
    district_rows = sorted({(r[3], _district_name(int(r[3][1:]) - 1), "区") for r in grid_rows})
    uses_district = any(r.role == "district" for r in handbook.rules.values())
    unit_rows = [(uid, name, "专业部门") for uid, name in departments] + street_rows
    unit_rows += district_rows if uses_district else []
    schema = ["unit_id", "name", "group"]
    grids = pl.DataFrame(grid_rows, schema=["grid", "community", "street", "district", "supervisor"], orient="row")
    return City(
        units=pl.DataFrame(unit_rows, schema=schema, orient="row"),
        grids=grids,
        registrars=pl.Series([f"sl{i + 1:02d}" for i in range(max(4, streets // 3))]),
        dispatchers=pl.Series([f"pq{i + 1:02d}" for i in range(max(3, streets // 4))]),
        shift_leads=pl.Series([f"zb{i + 1:02d}" for i in range(4)]),
    )


def _district_name(i: int) -> str:
    return DISTRICT_NAMES[i] if i < len(DISTRICT_NAMES) else f"第{i + 1}区"


def uniforms(n: int, seed: int, names: list[str]) -> pl.DataFrame:
    """Columns of ``n`` uniform (0, 1) floats, two per SplitMix64 stream; same seed, same numbers."""
    streams = (len(names) + 1) // 2
    i = pl.int_range(1, n + 1, dtype=pl.UInt64)
    keys = [f"z{k}" for k in range(streams)]
    start = [
        (
            i * pl.lit(_GOLDEN, pl.UInt64)
            + pl.lit((seed * 0xD1B54A32D192ED03 + (k + 1) * 0x2545F4914F6CDD1D) & _M64, pl.UInt64)
        ).alias(key)
        for k, key in enumerate(keys)
    ]
    z = pl.col(keys)
    frame = pl.select(start)
    frame = frame.select((z ^ (z // (1 << 30))) * pl.lit(0xBF58476D1CE4E5B9, pl.UInt64))
    frame = frame.select((z ^ (z // (1 << 27))) * pl.lit(0x94D049BB133111EB, pl.UInt64))
    frame = frame.select(z ^ (z // (1 << 31)))
    half = float(1 << 32)
    cols = []
    for j, name in enumerate(names):
        word = pl.col(keys[j // 2])
        bits = word // (1 << 32) if j % 2 == 0 else word & ((1 << 32) - 1)
        cols.append(((bits.cast(pl.Float64) + 0.5) / half).alias(name))
    return frame.select(cols)


def _pick(u: pl.Series, weights: list[float]) -> pl.Series:
    """The index drawn by each ``u`` from ``weights`` (inverse of the cumulative distribution)."""
    total, run, cum = sum(weights), 0.0, []
    for w in weights:
        run += w
        cum.append(run / total)
    return pl.Series(cum, dtype=pl.Float64).search_sorted(u, side="left").cast(pl.Int64).clip(0, len(weights) - 1)


def _draw(values: pl.Series, u: pl.Series) -> pl.Series:
    """A uniform draw from ``values`` for each ``u``."""
    return values.gather((u * values.len()).floor().cast(pl.Int64).clip(0, values.len() - 1))


@dataclass(frozen=True)
class CaseDraw:
    """What a synthetic set of cases is drawn with besides the city and the handbook: ``cases`` of them,
    reported during ``year``, from ``seed`` (same seed, same cases), timed on ``calendar`` (None: China's
    working days of ``year`` to ``year + 2``, long enough for the year's late cases to close)."""

    cases: int
    year: int
    seed: int = 1
    calendar: WorkCalendar | None = None
    first: int = 0
    """The number of cases drawn before this draw: case ids start after it, so a city too big to draw at once
    (10 M cases take far more memory than the machine has) is drawn in pieces whose ids never collide."""


def generate_cases(draw: CaseDraw, city: City, handbook: Handbook) -> pl.DataFrame:
    """``draw.cases`` cases reported during ``draw.year`` with the columns of CASE_COLUMNS (interchange +
    level extras)."""
    n, year, seed = draw.cases, draw.year, draw.seed
    cal = draw.calendar or WorkCalendar.china(range(year, year + 3))
    clock = WorkingClock.build(cal, date(year, 1, 1) - timedelta(days=1), date(year + 2, 12, 31))
    names = ["kind", "cat", "grid", "day", "tod", "src", "valid", "reg", "disp", "ok", "staff", "who", "speed",
             "rework", "post", "close", "verify", "open"]  # fmt: skip
    u = uniforms(n, seed, names)
    cats = {k: handbook.catalogue.of_kind(k) for k in ("event", "component")}

    def category(kind: Kind) -> pl.Series:
        chosen = _pick(u["cat"], [HOT.get(c.name, 1.0) for c in cats[kind]])
        return pl.Series([c.name for c in cats[kind]]).gather(chosen)

    grids = city.grids
    grid_ix = (u["grid"].pow(1.5) * grids.height).floor().cast(pl.Int64).clip(0, grids.height - 1)
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    day = (u["day"] * days).floor().cast(pl.Int64)
    supervisor = u["src"] < 0.86
    # supervisors patrol 08:00-18:00; the public reports 07:00-22:00
    minute = u.select(pl.when(supervisor).then(480 + pl.col("tod") * 600).otherwise(420 + pl.col("tod") * 900))
    minute_s = minute.to_series().floor().cast(pl.Int64)
    registered = u["valid"] < 0.96
    shift = (day * 2 + (minute_s >= 1200).cast(pl.Int64)) % city.shift_leads.len()
    frame = grids.select(pl.all().gather(grid_ix)).with_columns(
        i=pl.int_range(draw.first, draw.first + n),
        kind=pl.when(u["kind"] < 0.72).then(pl.lit("event")).otherwise(pl.lit("component")),
        event_cat=category("event"),
        component_cat=category("component"),
        source=pl.when(supervisor).then(pl.lit("supervisor")).otherwise(pl.lit("public")),
        reported_at=pl.lit(datetime(year, 1, 1)) + pl.duration(days=pl.lit(day), minutes=pl.lit(minute_s)),
        registrar=_draw(city.registrars, u["staff"]),
        shift_lead=city.shift_leads.gather(shift),
        dispatcher=pl.when(registered).then(_draw(city.dispatchers, u["who"])),
        dispatch_correct=pl.when(registered).then(u["ok"] < 0.965),
        # 立案 a few minutes to an hour or so after the report; 派遣 minutes after 立案
        reg_delay=120 - u["reg"].log() * 1200,
        disp_delay=120 - u["disp"].log() * 600,
        registered=registered,
    )
    frame = frame.with_columns(
        category=pl.when(pl.col("kind") == "event").then("event_cat").otherwise("component_cat"),
        reporter=pl.when(pl.col("source") == "supervisor").then("supervisor"),
        registered_at=pl.when("registered").then(
            pl.col("reported_at") + pl.duration(seconds=pl.col("reg_delay").cast(pl.Int64))
        ),
    ).with_columns(
        dispatched_at=pl.col("registered_at") + pl.duration(seconds=pl.col("disp_delay").cast(pl.Int64)),
    )
    return _dispose(frame, u, year, handbook, clock, _quality(city, seed))


def _quality(city: City, seed: int) -> pl.DataFrame:
    """Each unit's pace: a factor in [0.7, 1.3] on its disposal times and rework (units are not all alike)."""
    q = uniforms(city.units.height, seed ^ 0x5DEECE66D, ["q"])["q"]
    return city.units.select("unit_id", pace=0.7 + 0.6 * q)


def _dispose(
    frame: pl.DataFrame, u: pl.DataFrame, year: int, handbook: Handbook, clock: WorkingClock, quality: pl.DataFrame
) -> pl.DataFrame:
    """Unit and deadline from the handbook; disposal, rework, postponement and closure drawn against the limit."""
    given = assign(frame, handbook, clock)
    frame = frame.with_columns(unit_id=given["unit_id"], deadline=given["deadline"])
    pace = frame.select("unit_id").join(quality, on="unit_id", how="left", maintain_order="left")["pace"].fill_null(1.0)
    dispatched = frame["dispatched_at"]
    limit_h = clock.hours_between(dispatched, frame["deadline"]).fill_null(1.0)
    rework_u = u["rework"] / pace
    rework_n = (rework_u < 0.065).cast(pl.Int64) + (rework_u < 0.01).cast(pl.Int64)
    # disposal in working time: an exponential multiple of the limit scaled by the unit's pace (tuned so
    # ~75% close on time overall), plus 30% of the limit for each rework round
    work_h = limit_h * (-(u["speed"].log()) * 0.54 * pace + rework_n * 0.3) + 0.05
    disposed = clock.add_hours(dispatched, work_h)
    verify_h = 0.1 - u["verify"].log() * 0.4
    closed = clock.add_hours(disposed, verify_h)
    is_closed = (u["close"] < 0.93) & dispatched.is_not_null()
    postponed = (u["post"] < 0.03) & dispatched.is_not_null()
    stretched = clock.add_hours(dispatched, limit_h * 2)
    out = frame.with_columns(
        rework_count=pl.when(dispatched.is_not_null()).then(rework_n).otherwise(0),
        postponed=postponed.cast(pl.Int64),
        deadline=pl.when(postponed).then(stretched).otherwise(pl.col("deadline")),
        disposed_at=pl.when(is_closed | (u["open"] < 0.5)).then(disposed.dt.truncate("1s")),
        closed_at=pl.when(is_closed).then(closed.dt.truncate("1s")),  # systems record whole seconds
        case_id=(pl.col("i") + 1 + year * 10**8).cast(pl.String),
    ).with_columns(verify_failed="rework_count")
    return with_order_columns(out).select(CASE_COLUMNS)  # no 12345 orders drawn: their columns stay empty


def write_dataset(
    out: Path, draw: CaseDraw, *, units: int, handbook: Handbook | None = None
) -> tuple[City, pl.DataFrame]:
    """Write ``cases.csv`` (interchange columns first, then the level extras) and ``units.csv`` of a city of
    ``units`` units to ``out``."""
    book = handbook or load_handbook()
    city = build_city(units, book)
    frame = generate_cases(draw, city, book)
    out.mkdir(parents=True, exist_ok=True)
    frame.write_csv(out / "cases.csv", datetime_format="%Y-%m-%d %H:%M:%S")
    city.units.write_csv(out / "units.csv")
    return city, frame


def summary(frame: pl.DataFrame) -> dict[str, float]:
    """Shares a reader of the demo cares about: registered, closed and on time among dispatched, rework."""
    dispatched = frame.filter(pl.col("dispatched_at").is_not_null())
    n = max(dispatched.height, 1)
    on_time = dispatched.filter(pl.col("closed_at") <= pl.col("deadline")).height
    return {
        "cases": float(frame.height),
        "registered": float(frame["registered_at"].is_not_null().sum()) / max(frame.height, 1),
        "closed": float(dispatched["closed_at"].is_not_null().sum()) / n,
        "closed_on_time": on_time / n,
        "rework": float((dispatched["rework_count"] > 0).sum()) / n,
        "postponed": float((dispatched["postponed"] > 0).sum()) / n,
    }
