"""`kaoping verify`: the checks an office (or an auditor holding a copy of the database) runs to know that
what was published and recorded was not altered behind the application's back.

``--audit`` walks the audit trail's hash chain and names the first entry that does not hold, then compares
every fact row with the last write the trail recorded for it; ``--period P`` recomputes the published
version of P from the facts and the scheme text it was published with and compares the result byte for byte
(:mod:`kaoping.app.verify`); ``--cells`` recounts every case and compares the kept case cells
(:mod:`kaoping.store.case_cells`).  Exit 0 when everything holds, 1 when something does not, 2 for a usage error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from kaoping.commands.common import err, fail, out_console
from kaoping.commands.lang import t

if TYPE_CHECKING:  # SQLAlchemy loads with the store, not with every command
    import polars as pl
    from sqlalchemy.orm import Session

SHOWN = 20


@contextmanager
def _session(db: str | None) -> Iterator[Session]:
    from kaoping.store.db import close_store, open_store

    factory = open_store(db)
    try:
        with factory() as session:
            yield session
    finally:
        close_store(factory)


def _check_audit(session: Session) -> bool:
    from kaoping.store.chain import check_trail
    from kaoping.store.trail_facts import check_facts_against_trail

    out = out_console()
    report = check_trail(session)
    if report.intact:
        out.print(t("审计链完整：共 {n} 条，链头 {head}", n=report.entries, head=report.head[:12]), highlight=False)
    else:
        broken = t(
            "[bold red]审计链断开[/]：第 {n} 条（id {id}）{problem}；此前 {good} 条完整，链头 {head}",
            n=report.entries + 1,
            id=report.broken_id,
            problem=report.problem,
            good=report.entries,
            head=report.head[:12],
        )
        err.print(broken, highlight=False)
    facts = check_facts_against_trail(session)
    batch = t("，另有 {n} 行随批量导入记录", n=facts.by_batch) if facts.by_batch else ""
    if facts.intact:
        out.print(t("数据与审计记录一致：核对 {n} 行", n=facts.checked) + batch, highlight=False)
    else:
        wrong = t(
            "[bold red]数据与审计记录不一致[/]：{n} 行（共核对 {checked} 行）",
            n=len(facts.mismatches),
            checked=facts.checked,
        )
        err.print(wrong, highlight=False)
        for m in facts.mismatches[:SHOWN]:
            err.print("  " + t("{kind} 行 {id}：", kind=m.kind, id=m.row_id) + m.problem, highlight=False, markup=False)
    return report.intact and facts.intact


def _check_cells(session: Session) -> bool:
    """The kept summary cells — case cells (案卷汇总格) and deduction cells (扣分汇总格) — against a recount of
    every case and every deduction row; both are reported, whatever the first one found."""
    from kaoping.store import case_cells, deduction_cells

    cases = case_cells.differing_cells(session)
    cases_hold = _report_cells(
        cases,
        t("案卷汇总格与逐件重算一致"),
        t("[bold red]案卷汇总格与逐件重算不一致[/]：{n} 格", n=cases.height),
        ("measure",),
    )
    deductions = deduction_cells.differing_cells(session)
    deductions_hold = _report_cells(
        deductions,
        t("扣分汇总格与逐条重算一致"),
        t("[bold red]扣分汇总格与逐条重算不一致[/]：{n} 格", n=deductions.height),
        ("part", "item"),
    )
    return cases_hold and deductions_hold


def _report_cells(wrong: pl.DataFrame, agree: str, differ: str, columns: tuple[str, ...]) -> bool:
    """Kept summary cells against their recount, said one way for both kinds of cell: ``wrong`` has a row per
    differing cell (unit_id, month as year*12 + month-1, the kind's ``columns``, kept, counted); the first
    ``SHOWN`` of them are listed under ``differ``."""
    if wrong.is_empty():
        out_console().print(agree, highlight=False)
        return True
    err.print(differ, highlight=False)
    for r in wrong.head(SHOWN).iter_rows(named=True):
        year, month = divmod(r["month"], 12)
        where = " ".join([str(r["unit_id"]), f"{year}-{month + 1:02d}", *(str(r[c]) for c in columns)])
        said = t("保存 {kept}，重算 {counted}", kept=r["kept"], counted=r["counted"])
        err.print(f"  {where}：{said}", highlight=False, markup=False)
    return False


def _scheme_of(session: Session, period: str, scheme: str | None) -> str:
    from kaoping.periods import PeriodError, parse_period
    from kaoping.store.publishing import published_periods

    try:
        text = str(parse_period(period))
    except PeriodError as exc:
        fail(t("考评期写法有误：") + str(exc))
    if scheme:
        return scheme
    found = sorted({s for s, p in published_periods(session) if p == text})
    if not found:
        fail(t("{period} 尚未发布，没有可核验的版本", period=text))
    if len(found) != 1:
        fail(
            t(
                "{period} 有 {n} 个方案已发布结果（{schemes}），请用 --scheme 指定",
                period=text,
                n=len(found),
                schemes="、".join(found),
            )
        )
    return found[0]


def _check_period(session: Session, period: str, scheme: str | None) -> bool:
    from kaoping.app.verify import verify_period
    from kaoping.errors import NotFound

    try:
        check = verify_period(session, _scheme_of(session, period, scheme), period)
    except NotFound as exc:
        fail(str(exc))
    name = t("{scheme} {period} 第 {version} 版", scheme=check.scheme, period=check.period, version=check.version)
    for problem in check.problems:
        err.print(f"[bold red]{name}[/]：{t(problem)}", highlight=False)
    for changed, why in check.unexplained[:SHOWN]:
        row = t("{kind} 行 {id}（{change}）：", kind=changed.kind, id=changed.row_id, change=changed.change.label)
        err.print(f"  {row}{why}", highlight=False, markup=False)
    if check.unexplained:
        outside = t("发布后有 {n} 行数据未经系统改动", n=len(check.unexplained))
        err.print(f"[bold red]{name}[/]：{outside}", highlight=False)
    if check.ok:
        drift = t("；发布后经系统改动 {n} 行（需要时发起更正）", n=len(check.explained)) if check.explained else ""
        out_console().print(name + t("：复算结果与已发布结果逐字节一致") + drift, highlight=False)
    return check.ok


def register(app: typer.Typer) -> None:
    """Add this area's commands to ``app``."""

    @app.command()
    def verify(
        audit: Annotated[bool, typer.Option("--audit", help="逐条核验审计日志的哈希链（审计链）")] = False,
        period: Annotated[str | None, typer.Option("--period", help="重新计算此已公布考评期并比对（复算核验）")] = None,
        scheme: Annotated[str | None, typer.Option("--scheme", help="与 --period 同用：方案名")] = None,
        db: Annotated[
            str | None, typer.Option(help="数据库地址（否则取 KAOPING_DATABASE_URL，再默认 ./kaoping.db）")
        ] = None,
        cells: Annotated[bool, typer.Option("--cells", help="逐件重算案卷与扣分并比对保存的案卷、扣分汇总格")] = False,
    ) -> None:
        """核验：审计日志哈希链与数据（--audit）、已发布结果复算（--period）、案卷与扣分汇总格（--cells），确认没有被篡改。"""
        if not audit and period is None and not cells:
            what = t("--audit（审计日志哈希链与数据）、--period 考评期（复算已发布结果）或 --cells（案卷汇总格）")
            fail(t("请指定要核验的内容：{what}", what=what))
        with _session(db) as session:
            ok = True
            if audit:
                ok = _check_audit(session) and ok
            if period is not None:
                ok = _check_period(session, period, scheme) and ok
            if cells:
                ok = _check_cells(session) and ok
        if not ok:
            raise typer.Exit(1)
