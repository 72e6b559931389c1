"""The issue-13 table and goals, laid out from one run's figures (:mod:`kaoping.bench_scale`): each row of the
issue's table and each numeric goal of its points 1–5, kaoping's figure beside the baseline measured in the
same run, the ratio, the goal, and whether it is met — or by how much it is not (目标 / 达到).

A row that needs a bigger city than the run's (the 10 M rows in a 1 M run) says "not measured at this
scale" rather than a figure from a smaller city (goal 1's two rows excepted: judged at the run's N, which
their data column states); a row no probe of this benchmark measures says so too.  The
1 M rows are measured at the run's N, which the title states.  Whether a goal is met is computed here from
the very figure shown beside it (:meth:`Goal.verdict`), never written by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaoping.bench_scale import Figures

MILLION = 1_000_000
NOT_AT_SCALE = "本规模未测 not measured at this scale"
NO_PROBE = "本基准未测 not measured by this bench"
NEEDS_PG = "需 PostgreSQL：--db postgresql://… (needs a PostgreSQL --db)"
MET = "达到 met"


@dataclass(frozen=True)
class Goal:
    """A numeric goal: the figure at most (or at least) ``target``."""

    text: str
    target: float
    at_most: bool = True

    def met(self, value: float) -> bool:
        return value <= self.target if self.at_most else value >= self.target

    def verdict(self, value: float) -> str:
        """达到 met, or not met and by how much: times the goal (at most), the share short (at least)."""
        if self.met(value):
            return MET
        if self.at_most:
            times = value / self.target
            return f"未达到：目标的 {times:.1f} 倍 (not met: {times:.1f}× the goal)"
        short = 1 - value / self.target
        return f"未达到：差 {short:.0%} (not met: {short:.0%} short)"


@dataclass(frozen=True)
class Line:
    """One row of the printed table."""

    operation: str
    data: str
    """The data the issue states the row for."""
    figure: str = ""
    baseline: str = ""
    ratio: float | None = None
    goal: Goal | None = None
    value: float | None = None
    """What the goal is judged on (seconds, a ratio, events/s…, in the goal's own unit)."""
    missing: str = ""
    """Why the row has no figure (not at this scale, no probe, no PostgreSQL); empty when measured."""

    @property
    def met(self) -> bool | None:
        if self.goal is None or self.value is None or self.missing:
            return None
        return self.goal.met(self.value)

    @property
    def verdict(self) -> str:
        if self.missing:
            return self.missing
        if self.goal is None or self.value is None:
            return "—"
        return self.goal.verdict(self.value)


def _t(seconds: float) -> str:
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _x(ratio: float) -> str:
    return f"{ratio:,.2f}×"


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


def _missing(f: Figures, keys: tuple[str, ...], needs: int, cases: int, why: str = NO_PROBE) -> str:
    """Why a row cannot be shown: a bigger city than this run's, or a figure not measured."""
    if needs > cases:
        return NOT_AT_SCALE
    return "" if all(k in f for k in keys) else why


def _pages(f: Figures, cases: int) -> list[Line]:
    keys = ("dash_first", "dash_warm", "dash_after", "sql", "explain", "ranking", "case")
    ok = _missing(f, keys, 0, cases)
    big = _missing(f, keys, 10 * MILLION, cases)
    g = f.get
    base = f"SQL 单位×月 touched unit×month {_t(g('sql', 0))}"
    pages = [_t(g(k, 0)) for k in ("dash_first", "dash_warm", "dash_after")]
    worst = max(g("dash_first", 0), g("dash_warm", 0))
    ranking, after = g("ranking", 0), g("ranking_deduction", 0)
    # the kept cells' ranking beside the pages' full path after the same write, when the run measured both
    full = f"; 全量 full path {_t(g('ranking_full', 0))}" if "ranking_full" in f else ""
    return [
        Line("看板 首次 / 再次 / 录入后 dashboard first / warm / after one write", "1 M cases", " / ".join(pages), base,
             _ratio(g("dash_after", 0), g("sql", 0)), missing=ok),
        Line("看板 首次 / 再次 dashboard first / warm（目标 2 goal 2）", "10 M cases", " / ".join(pages[:2]), base,
             _ratio(worst, g("sql", 0)), Goal("< 300 ms", 0.3), worst, big),
        Line("单位得分说明，计算一期 explain one unit, compute a period", "1 M",
             f"{_t(g('explain', 0))}, {_t(g('dash_after', 0))}", base, _ratio(g("explain", 0), g("sql", 0)),
             missing=ok),
        Line("单位页（得分说明）unit page, its score explained（目标 2 goal 2）", "10 M cases", _t(g("explain", 0)),
             base, _ratio(g("explain", 0), g("sql", 0)), Goal("< 300 ms", 0.3), g("explain", 0), big),
        Line("录入一条，然后该月排名 one write, then the month's ranking (SQLite)", "10 M, PostgreSQL",
             f"{_t(g('case', 0))} + {_t(ranking)}", base, _ratio(ranking, g("sql", 0)), missing=big),
        Line("目标 2：一条新案卷后该月排名 goal 2: the month's ranking after one new case", "1 M cases/year",
             _t(ranking), base + full, _ratio(ranking, g("sql", 0)), Goal("≤ 50 ms", 0.05), ranking, ok),
        Line("目标 2：一条新扣分后该月排名 goal 2: the month's ranking after one new deduction", "1 M cases/year",
             _t(after), base, _ratio(after, g("sql", 0)), Goal("≤ 50 ms", 0.05), after,
             _missing(f, ("ranking_deduction", "sql"), 0, cases)),
    ]  # fmt: skip


def _files(f: Figures, cases: int) -> list[Line]:
    ok = _missing(f, ("score", "csv", "duckdb"), 0, cases)
    score, csv, duck = f.get("score", 0), f.get("csv", 0), f.get("duckdb", 0)
    figure = f"{_t(score)}, {f.get('score_mb', 0):,.0f} MB"
    bases = f"DuckDB {_t(duck)}; Python csv {_t(csv)}"
    speedup = _ratio(csv, score)
    return [
        Line("score --data 全年 the year", "1 M / 10 M", figure, bases, _ratio(score, duck), missing=ok),
        Line("目标 3：score --data 比 Python 逐行循环快 goal 3: faster than the Python row loop", "1 M", figure,
             f"Python csv {_t(csv)}", speedup, Goal("≥ 20×", 20, at_most=False), speedup, ok),
        Line("目标 3：score --data 与 DuckDB 之比 goal 3: within 2× of DuckDB", "1 M", figure, f"DuckDB {_t(duck)}",
             _ratio(score, duck), Goal("≤ 2×", 2), _ratio(score, duck), ok),
    ]  # fmt: skip


def _store(f: Figures, cases: int) -> list[Line]:
    """``score --db`` for a month and the 17 periods (:mod:`kaoping.bench_store`), on the bench's SQLite store
    of ``cases`` cases.  Goal 1 is the issue's for 10 M cases; a smaller run judges its own figures against
    it and the data column says at which N (a met goal at 1 M is not one at 10 M)."""
    g = f.get
    db_ok = _missing(f, ("score_db", "score_db_sql"), 0, cases)
    ok = _missing(f, ("periods17", "periods17_mb", "periods_duckdb"), 0, cases)
    periods, duck, gb = g("periods17", 0), g("periods_duckdb", 0), g("periods17_mb", 0) / 1024
    times = _ratio(periods, duck)
    here = f"{cases:,}（SQLite）"
    goal_n = f"{cases:,}（目标按 10 M goal for 10 M）"
    figure = f"{_t(periods)}, {gb:.2f} GB"
    duck_text = f"DuckDB 单位×月 unit×month {_t(duck)}"
    return [
        Line("score --db 一个月 month", here, f"{_t(g('score_db', 0))}, {g('score_db_mb', 0):,.0f} MB",
             f"库内 GROUP BY {_t(g('score_db_sql', 0))}",
             _ratio(g("score_db", 0), g("score_db_sql", 0)), missing=db_ok),
        Line("全部 17 个考评期 all 17 periods", here, figure, duck_text, times,
             missing=ok),
        Line("目标 1：17 期在 DuckDB 的 2 倍内 goal 1: 17 periods within 2× of DuckDB", goal_n, figure, duck_text,
             times, Goal("≤ 2×", 2), times, ok),
        Line("目标 1：17 期峰值内存 goal 1: 17 periods' peak memory", goal_n, f"{gb:.2f} GB", goal=Goal("< 2 GB", 2),
             value=gb, missing=ok),
    ]  # fmt: skip


def writes_lines(f: Figures, cases: int = 0) -> list[Line]:
    """The API write load's row and the two figures of goal 4 (:mod:`kaoping.bench_writes`)."""
    ok = _missing(f, ("writes_eps", "writes_p99_ms"), 0, cases, NEEDS_PG)
    eps, p50, p99 = f.get("writes_eps", 0), f.get("writes_p50_ms", 0), f.get("writes_p99_ms", 0)
    figure = f"{eps:,.0f} /s, p50 {p50:.0f} ms, p99 {p99:.0f} ms, CPU {f.get('writes_cpu_ms', 0):.1f} ms/event"
    return [
        Line("接口写入 API writes (50 % 新案卷 new cases, 30 % 状态 transitions, 20 % 扣分 deductions)", "PostgreSQL",
             figure, missing=ok),
        Line("目标 4：每秒事件 goal 4: events/s", "PostgreSQL", f"{eps:,.0f} /s", ratio=eps / 1000,
             goal=Goal("≥ 1,000 /s", 1000, at_most=False), value=eps, missing=ok),
        Line("目标 4：p99 延迟 goal 4: p99 latency", "PostgreSQL", f"{p99:.0f} ms", ratio=p99 / 100,
             goal=Goal("< 100 ms", 100), value=p99, missing=ok),
    ]  # fmt: skip


def _imports(f: Figures, cases: int) -> list[Line]:
    out = []
    for backend in sorted(k.removeprefix("import_") for k in f if k.startswith("import_") and "_mb_" not in k):
        took, bulk = f[f"import_{backend}"], f.get(f"bulk_{backend}", 0)
        figure = f"{_t(took)}, {f.get(f'import_mb_{backend}', 0):,.0f} MB"
        line = Line(
            f"kaoping import（{backend}）", f"{cases:,} 行 rows", figure, f"bulk load {_t(bulk)}", _ratio(took, bulk)
        )
        out.append(line)
    if not out:
        out.append(Line("kaoping import", "175 k / 1.25 M rows", missing=NO_PROBE))
    memory = max((v for k, v in f.items() if k.startswith("import_mb_")), default=0.0) / 1024
    big = _missing(f, (), 10 * MILLION, cases) or ("" if out[0].figure else NO_PROBE)
    out.append(Line("目标 5：导入 1000 万行内存 goal 5: 10 M rows imported, memory", "10 M rows", f"{memory:.2f} GB",
                    goal=Goal("< 2 GB", 2), value=memory, missing=big))  # fmt: skip
    xlsx, openpyxl = f.get("xlsx", 0), f.get("openpyxl", 0)
    at = _missing(f, ("xlsx", "openpyxl"), 100_000, cases)
    out += [
        Line("读取 10 万行 .xlsx（calamine）read a 100k-row .xlsx", "100 k", _t(xlsx), f"openpyxl {_t(openpyxl)}",
             _ratio(xlsx, openpyxl), missing=at),
        Line("目标 5：10 万行 .xlsx goal 5: a 100k-row .xlsx", "100 k", _t(xlsx), f"openpyxl {_t(openpyxl)}",
             _ratio(xlsx, openpyxl), Goal("≤ 10 s", 10), xlsx, at),
    ]  # fmt: skip
    return out


def _engine(f: Figures, cases: int) -> Line:
    ok = _missing(f, ("engine", "polars"), 0, cases)
    engine, polars = f.get("engine", 0), f.get("polars", 0)
    return Line("kaoping bench 引擎 engine vs a Polars group-by", f"1 M 行 rows（本次 {cases:,}）", _t(engine),
                f"Polars {_t(polars)}", _ratio(engine, polars), missing=ok)  # fmt: skip


def table_lines(f: Figures, cases: int) -> list[Line]:
    """Every row of the issue's table and every numeric goal of its points 1–5, in the issue's order."""
    store = _store(f, cases)
    writes = writes_lines(f, cases)
    return [*_pages(f, cases), *_files(f, cases), *store, *writes, *_imports(f, cases), _engine(f, cases)]


def cells(line: Line) -> tuple[str, ...]:
    """The printed cells of ``line``: operation, data, kaoping, baseline, ratio, goal, met."""
    shown = not line.missing
    ratio = _x(line.ratio) if shown and line.ratio is not None else ""
    goal = line.goal.text if line.goal else "—"
    figure, baseline = (line.figure, line.baseline) if shown else ("", "")
    return (line.operation, line.data, figure, baseline, ratio, goal, line.verdict)


COLUMNS = ("操作 operation", "数据 data", "kaoping", "基准 baseline", "倍数 ratio", "目标 / goal", "达到 / met?")
