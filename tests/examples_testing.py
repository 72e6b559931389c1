"""Where the tests find the repository's files: its root and the example data folders (examples/<name>,
one per built-in scheme — 示例数据 — plus the demo city's)."""

from __future__ import annotations

from pathlib import Path

from kaoping.facts import Facts
from kaoping.periods import Period, PeriodKind, parse_period, period_of

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FOLDERS = sorted(p for p in EXAMPLES.iterdir() if p.is_dir())


def covered_periods(facts: Facts, kinds: list[PeriodKind]) -> list[Period]:
    """Every period of the given kinds that the data has a row in (scores/ranks periods, other files' dates)."""
    months: set[Period] = set()
    for frame in (facts.scores, facts.ranks):
        for text in frame.get_column("period").unique().to_list():
            p = parse_period(text)
            months.update(p.subperiods(PeriodKind.MONTH))
    for frame, col in ((facts.deductions, "date"), (facts.honors, "date"), (facts.notices, "notified_on")):
        for d in frame.get_column(col).drop_nulls().unique().to_list():
            months.add(period_of(d, PeriodKind.MONTH))
    for d in facts.cases.get_column("reported_at").drop_nulls().dt.date().unique().to_list():
        months.add(period_of(d, PeriodKind.MONTH))
    return sorted({period_of(m.start(), k) for m in months for k in kinds})
