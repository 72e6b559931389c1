"""`kaoping owed --period P`: who still owes which scores (应报分数) — the office's reminder list.

One line per score still out (missing past its due day first, then those not yet due), grouped by the
organisation owing it, with the unit, part, item, period and due day; ``--all`` lists the scores already in
as well.  The numbers are those of the pages and of the publication check (:mod:`kaoping.app.owed`).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kaoping.commands.common import PeriodOption, SchemeOption, fail, out_console
from kaoping.commands.lang import current, t


def register(app: typer.Typer) -> None:
    """Add the `owed` command to ``app``."""

    @app.command()
    def owed(
        period: PeriodOption,
        scheme: SchemeOption = "demo-city",
        db: Annotated[
            str | None,
            typer.Option("--db", help="数据库地址（默认 $KAOPING_DATABASE_URL，再默认 sqlite:///kaoping.db）"),
        ] = None,
        all_: Annotated[bool, typer.Option("--all", help="也列出已报的分数")] = False,
    ) -> None:
        """列出一个考评期还有哪些应报分数未报：按报送单位，含被考评单位、考评内容、期间和截止日期。"""
        from kaoping.app.owed import owed_report
        from kaoping.periods import PeriodError
        from kaoping.scheme import SchemeError, load_scheme
        from kaoping.store.db import close_store, open_store

        try:
            found = load_scheme(scheme)
            factory = open_store(db)
            try:
                with factory() as session:
                    report = owed_report(session, found, period)
            finally:
                close_store(factory)
        except SchemeError as exc:
            fail(exc.describe(current()))
        except PeriodError as exc:
            fail(f"--period：{exc}")
        _print(report, all_)


def _print(report: object, everything: bool) -> None:
    from kaoping.app.owed import OwedReport
    from kaoping.engine.owed import OwedStatus

    assert isinstance(report, OwedReport)
    out = out_console()
    if not report.chased:
        out.print(t("考评方案 {scheme} 没有设定报送时限（due）的项目：无应报分数", scheme=report.scheme.scheme))
        return
    shown = report.states if everything else report.owed
    order = {OwedStatus.MISSING: 0, OwedStatus.PENDING: 1, OwedStatus.LATE: 2, OwedStatus.FILLED: 3}
    shown = sorted(shown, key=lambda s: (s.cell.scorer, order[s.status], s.cell.due, s.cell.unit_id))
    table = Table(title=t("{period} 应报分数", period=report.period))
    for head in (t("报送单位"), t("被考评单位"), t("考评项目"), t("考评内容"), t("期间"), t("截止日期"), t("状态")):
        table.add_column(head)
    for s in shown:
        c = s.cell
        table.add_row(c.scorer or "—", c.unit, c.part, c.item or "—", c.period, str(c.due), t(s.status.label))
    out.print(table)
    counts = (report.count(OwedStatus.MISSING), report.count(OwedStatus.PENDING), len(report.states))
    out.print(t("逾期未报 {missing} 项，未到期未报 {pending} 项，共应报 {total} 项", missing=counts[0],
                pending=counts[1], total=counts[2]), highlight=False)  # fmt: skip
