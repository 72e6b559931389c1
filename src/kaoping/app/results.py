"""Results the office's pages show, computed from the store and kept while the facts do not change.

A published period is shown as published: its frozen version (:mod:`kaoping.app.frozen`), whatever the
live rows say since.  Other periods show *current* numbers (like ``kaoping score --db``), and a dashboard
asks for a year of periods at once.  The facts are read per year (its :func:`~kaoping.facts.snapshot.year_window`,
filtered in the database, shared by all periods of that year), and scoring a quarter of a city with 50,000
cases takes a moment, so facts are cached under the data version of their window and a result under that of
its period's scope (:func:`~kaoping.facts.snapshot.scope_bounds`): the highest audit-trail id among entries
placed in the span's months, quarters and years (every fact write leaves one, with the row's month or
period; unit changes count everywhere) and the version of the span's case cells
(:mod:`kaoping.store.case_cells`).  A write changes the versions of the spans it falls in only — a December
entry leaves May's result and other years' facts kept — so a cached result is never stale; the caches are
per process and bounded.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kaoping.app import frozen
from kaoping.app.kept_results import kept_year, why_not_cells
from kaoping.app.scoring import score_facts
from kaoping.caching import Bounded
from kaoping.engine.aggregate import cited_deductions as cited_deductions_of
from kaoping.engine.evaluate import Evaluated, UnsupportedPeriod
from kaoping.engine.phrases import Msg
from kaoping.engine.result import Line, PeriodResult
from kaoping.facts import Facts
from kaoping.facts.snapshot import scope_bounds, year_window
from kaoping.periods import Period, PeriodKind, parse_period, period_keys, year_period
from kaoping.scheme import Scheme
from kaoping.store import deduction_cells
from kaoping.store.case_cells import cells_version, cited_case_rows, refresh_and_commit
from kaoping.store.facts import load_facts
from kaoping.store.facts_refresh import refresh_facts
from kaoping.store.tables import AuditEntry, CaseRow, CaseTransition

MAX_ENTRIES = 64


@dataclass(frozen=True)
class Scored:
    """A period's result with the facts it was computed from (pages look rows up by id in them): of a
    published version, its snapshot's, read only when a page asks for :attr:`facts`."""

    scheme: Scheme
    result: PeriodResult
    given: Facts | frozen.SnapshotFacts = field(repr=False)
    version: int | None = None
    """The published version shown (its frozen facts and scheme), or None for live numbers."""

    @property
    def facts(self) -> Facts:
        """The facts of the result (a published version's snapshot read now, if not yet)."""
        return self.given if isinstance(self.given, Facts) else self.given()


_results: Bounded[tuple[str, str, str, tuple[int, ...]], Scored] = Bounded(MAX_ENTRIES)
_subs: Bounded[tuple[str, str, str, tuple[int, ...]], PeriodResult] = Bounded(4 * MAX_ENTRIES)
"""Sub-period results (without rewards and flags) by the data version of their own scope: a year after one
December entry combines eleven kept months and one evaluated again."""
_facts: Bounded[tuple[str, str, int, tuple[int, ...]], Facts] = Bounded(8)


def span_keys(lo: date, hi: date) -> list[str]:
    """Every month, quarter and year key that overlaps the span [lo, hi): what an audit entry's period may
    say when it records a fact that falls in the span."""
    keys: list[str] = []
    for y in range(lo.year, (hi - timedelta(days=1)).year + 1):
        for key in period_keys(year_period(y)):
            p = parse_period(key)
            if p.start() < hi and p.end_exclusive() > lo:
                keys.append(key)
    return keys


def data_version(session: Session, span: tuple[date, date]) -> tuple[int, ...]:
    """Changes whenever a fact placed in ``span`` (or a unit) does, or a month of the span's case or
    deduction cells is counted again — rows written in bulk or by plain SQL without an audit entry per row
    included (the tables' triggers mark them); the cells are brought up to date first."""
    refresh_and_commit(session)
    deduction_cells.refresh_and_commit(session)
    placed = (AuditEntry.period.in_(span_keys(*span))) | (AuditEntry.table_name == "units")
    audit = select(func.coalesce(func.max(AuditEntry.id), 0)).where(placed)
    months = _span_months(span)
    return int(session.scalar(audit) or 0), cells_version(session, span), deduction_cells.cells_version(session, months)


def _span_months(span: tuple[date, date]) -> tuple[int, int]:
    """The month indexes [first, last] that the span [lo, hi) touches."""
    lo, hi = span
    last = hi - timedelta(days=1)
    return lo.year * 12 + lo.month - 1, last.year * 12 + last.month - 1


def store_version(session: Session) -> tuple[int, ...]:
    """Changes whenever anything in the store does: the highest audit, case and transition ids."""
    return tuple(
        int(session.scalar(select(func.coalesce(func.max(col), 0))) or 0)
        for col in (AuditEntry.id, CaseRow.id, CaseTransition.id)
    )


def _store_key(session: Session) -> str:
    return str(session.get_bind().engine.url)


def scored(session: Session, scheme: Scheme, period: str | Period) -> Scored:
    """The result of ``period`` under ``scheme`` from the store's current facts (cached by data version).

    Ranked from the kept cells (:mod:`kaoping.app.kept_results`: months from kept units, only those a write
    touched computed again; quarters and years combined from kept sub-period results) unless the scheme's
    rules need the rows (:func:`~kaoping.app.kept_results.why_not_cells`).  Raises UnsupportedPeriod,
    PeriodError or InputErrors like ``kaoping score``.
    """
    text = str(period if isinstance(period, Period) else parse_period(period))
    kept = frozen.published_frozen(session, scheme.scheme, text)
    if kept is not None:
        return Scored(kept.scheme, kept.result, kept.snapshot, kept.version)
    return live_scored(session, scheme, text)


def live_scored(session: Session, scheme: Scheme, period: str | Period) -> Scored:
    """Like :func:`scored`, but the store's current numbers even for a published period (what ``kaoping
    score --db`` prints: the calculator over the store, beside the published version the pages show)."""
    text = str(period if isinstance(period, Period) else parse_period(period))
    chosen = parse_period(text)
    # a result changes only with the facts its period can see: a December entry leaves May's result kept
    key = (_store_key(session), scheme.scheme, text, data_version(session, scope_bounds(chosen)))
    hit = _results.get(key)
    if hit is not None:
        return hit
    if chosen.kind not in scheme.periods:
        raise UnsupportedPeriod(scheme.scheme, scheme.periods, chosen)
    store, inner = key[0], _inner_periods(scheme, chosen)
    versions = {p: data_version(session, scope_bounds(parse_period(p))) for p in inner}
    known: Evaluated = {}
    for p, version in versions.items():
        sub_result = _subs.get((store, scheme.scheme, p, version))
        if sub_result is not None:
            known[(p, False)] = sub_result
    computed: Evaluated = {}
    if why_not_cells(scheme) is None:
        year = kept_year(session, scheme, chosen.year)
        facts = year.facts
        units = year.units(scheme)
        result = score_facts(scheme, facts, text, known=known, computed=computed, direct=units, checked=True)
    else:
        facts = live_facts(session, scheme, chosen.year)
        result = score_facts(scheme, facts, text, known=known, computed=computed)
    for (p, full), sub_result in computed.items():  # keep the sub-periods for the next evaluation
        if not full and p in versions:
            _subs.put((store, scheme.scheme, p, versions[p]), sub_result)
    return _results.put(key, Scored(scheme, result, facts))


def _inner_periods(scheme: Scheme, period: Period) -> list[str]:
    """The shorter periods inside ``period`` that the scheme evaluates (a year's quarters and months): what a
    derived period combines, kept between evaluations."""
    return [str(p) for kind in evaluated_kinds(scheme) if kind.size < period.kind.size for p in period.subperiods(kind)]


def live_facts(session: Session, scheme: Scheme, year: int) -> Facts:
    """The store's current facts for ``scheme`` that the periods of ``year`` can see, kept under the data
    version of that window; after single-row writes the kept frames are brought up to date by key
    (:func:`~kaoping.store.facts_refresh.refresh_facts`) rather than read again.  Cases come as the store's
    kept cells (:mod:`kaoping.store.case_cells`): a year of a city's cases is never read to rank it."""
    window = year_window(year)
    version = data_version(session, window)
    store = _store_key(session)
    key = (store, scheme.scheme, year, version)
    hit = _facts.get(key)
    if hit is not None:
        return hit
    older = _facts.latest(lambda k: k[:3] == (store, scheme.scheme, year) and k[3][1:] == version[1:])
    facts = refresh_facts(session, older[1], older[0][3][0], window) if older else None
    if facts is None:
        facts = load_facts(session, scheme, within=window, cells=True)
    _facts.drop(lambda k: k[:3] != (store, scheme.scheme, year))  # an older version is never read again
    return _facts.put(key, facts)


_period_rows: Bounded[tuple[str, str, str, tuple[int, ...]], Facts] = Bounded(8)


def period_rows(session: Session, scheme: Scheme, period: Period) -> Facts:
    """Every row placed in ``period`` — case rows included, which the kept year of facts holds only as
    cells: what a comparison with a published version's snapshot reads (a quarter's cases, not a window of
    three years), kept under the period's data version."""
    span = (period.start(), period.end_exclusive())
    key = (_store_key(session), scheme.scheme, str(period), data_version(session, span))
    return _period_rows.get_or_make(key, lambda: load_facts(session, scheme, within=span))


def evaluated_kinds(scheme: Scheme) -> list[PeriodKind]:
    """The period kinds the scheme evaluates, shortest first (month, quarter, half-year, year)."""
    return [k for k in PeriodKind if k in scheme.periods]


def try_scored(session: Session, scheme: Scheme, period: Period) -> Scored | None:
    """Like ``scored`` but None for a period kind the scheme does not evaluate."""
    try:
        return scored(session, scheme, period)
    except UnsupportedPeriod:
        return None


_CASE_LINES = (Msg.CASE_COUNTS, Msg.FAILED_VERIFICATIONS)


def unit_lines(session: Session, kept: Scored, unit_id: str) -> list[Line]:
    """The unit's explanation lines, their case and deduction rows filled in: a result computed from kept
    cells cites no row (cells have none), so the rows of this one unit are read now — a few hundred of
    them, by the index on unit and time, of the periods its lines count in — and grouped the way the engine
    groups them."""
    unit = kept.result.unit(unit_id)
    if unit is None or kept.version is not None:  # a published version was scored from its snapshot's rows
        return [] if unit is None else unit.lines
    label = kept.facts.label("deductions")
    cases = kept.facts.case_cells is not None and any(ln.key in _CASE_LINES and not ln.rows for ln in unit.lines)
    deductions = kept.facts.deduction_cells is not None and any(_uncited(ln, label) for ln in unit.lines)
    if not cases and not deductions:
        return unit.lines
    # only the periods the lines count in: a quarter's cases, not the three years of the kept facts' window
    periods = [parse_period(ln.periods[-1] if ln.periods else kept.result.period) for ln in unit.lines]
    window = (min(p.start() for p in periods), max(p.end_exclusive() for p in periods))
    filler = _Cited(
        kept.scheme,
        unit_id,
        session if cases else None,
        deduction_cells.rows_of(session, {unit_id}, *_span_months(window)) if deductions else None,
        label,
    )
    return [filler.line(ln, parse_period(ln.periods[-1] if ln.periods else kept.result.period)) for ln in unit.lines]


def _uncited(ln: Line, label: str) -> bool:
    return ln.key == Msg.DEDUCTION_ITEM and ln.file == label and not ln.rows


@dataclass
class _Cited:
    """One unit's deduction rows (None: not read) and where its case lines' rows are read, and the lines'
    rows found per period."""

    scheme: Scheme
    unit_id: str
    cases: Session | None
    """Where the case lines' rows are read (None: none to read)."""
    deductions: pl.DataFrame | None
    label: str
    groups: dict[str, dict[tuple[str, str, str], tuple[int, ...]]] = field(default_factory=dict)

    def line(self, ln: Line, period: Period) -> Line:
        """``ln`` with the rows it counts in ``period`` (its innermost period), when it cites none."""
        if self.cases is not None and ln.key in _CASE_LINES and not ln.rows:
            span = (period.start(), period.end_exclusive())
            failed = ln.key == Msg.FAILED_VERIFICATIONS
            return replace(ln, rows=cited_case_rows(self.cases, self.unit_id, span, failed=failed))
        if self.deductions is not None and _uncited(ln, self.label):
            text = str(period)
            if text not in self.groups:
                self.groups[text] = cited_deductions_of(self.scheme, self.deductions, period)
            return replace(ln, rows=self.groups[text].get((ln.part, self.unit_id, str(ln.params["item"])), ()))
        return ln


_page_rows: Bounded[tuple[str, str, str, tuple[int, ...]], Facts] = Bounded(8)


def counted_rows(session: Session, kept: Scored, period: Period) -> Facts:
    """``kept``'s facts with the deduction rows of ``period`` as rows — what the dashboard draws (points
    on the map, each unit's deductions) when the result was computed from kept cells, which hold none:
    the scheme's units' rows of the period, read by date and kept under the period's data version."""
    facts = kept.facts
    if facts.deduction_cells is None:
        return facts
    span = (period.start(), period.end_exclusive())
    key = (_store_key(session), kept.scheme.scheme, str(period), data_version(session, span))
    units = set(facts.units.get_column("unit_id").to_list())

    def read() -> Facts:
        return replace(facts, deductions=deduction_cells.rows_of(session, units, *_span_months(span)))

    return _page_rows.get_or_make(key, read)


def row_facts(session: Session, kept: Scored) -> Facts:
    """``kept``'s facts with every row (deductions as rows, not cells): what scoring another scheme on the
    same facts needs (a what-if draft may check rows the kept cells cannot)."""
    if kept.facts.deduction_cells is None:
        return kept.facts
    return live_facts(session, kept.scheme, parse_period(kept.result.period).year)
