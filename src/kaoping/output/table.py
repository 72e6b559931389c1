"""Rich tables of a period's ranking for people at a terminal, and the explanation of one unit."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from kaoping.engine.numbers import fmt, rounded
from kaoping.engine.result import PeriodResult, UnitResult
from kaoping.scheme.model import Scheme


def ranking_tables(scheme: Scheme, result: PeriodResult) -> list[Table]:
    d = scheme.display
    tables: list[Table] = []
    for g in result.groups:
        parts = g.ranking[0].top_parts if g.ranking else []
        t = Table(title=f"{scheme.title} · {result.period} · {g.group}", title_justify="left")
        t.add_column("名次", justify="right")
        t.add_column("单位")
        for p in parts:
            t.add_column(p, justify="right")
        t.add_column("加分", justify="right")
        t.add_column("总分", justify="right", style="bold")
        t.add_column("奖惩(元)", justify="right")
        t.add_column("标记")
        for u in g.ranking:
            reward = f"{u.reward:+,}" if u.reward else ""
            style = "green" if u.reward > 0 else "red" if u.reward < 0 else None
            t.add_row(
                str(u.rank),
                u.name,
                *[str(rounded(u.parts[p], d.decimals, d.rounding)) for p in parts],
                str(rounded(u.bonus, d.decimals, d.rounding)),
                str(u.shown_total),
                reward,
                " ".join(u.flags),
                style=style,
            )
        for u in g.unrated:
            t.add_row("—", u.name, *["" for _ in parts], "", "未考评", "", " ".join(u.flags), style="dim")
        tables.append(t)
    return tables


def print_ranking(console: Console, scheme: Scheme, result: PeriodResult) -> None:
    for t in ranking_tables(scheme, result):
        console.print(t)


def explain_tree(unit: UnitResult, period: str) -> Tree:
    """得分说明: each line of a unit's explanation grouped by part, with the rows it came from."""
    tree = Tree(f"[bold]{unit.name}[/] ({unit.unit_id}) · {period} · 总分 {unit.shown_total} · 第 {unit.rank} 名")
    branches: dict[str, Tree] = {}
    for ln in unit.lines:
        branch = branches.get(ln.part)
        if branch is None:
            branch = branches[ln.part] = tree.add(f"[bold cyan]{ln.part}[/]")
        rows = ""
        if ln.rows:
            shown = ", ".join(str(r) for r in ln.rows[:12])
            more = f" … +{len(ln.rows) - 12}" if len(ln.rows) > 12 else ""
            rows = f"  [dim]← {ln.file} row {shown}{more}[/]"
        branch.add(f"{ln.rule}  [magenta]{fmt(ln.points)}[/]{rows}")
    if unit.flags:
        tree.add(f"[bold red]标记[/]: {' '.join(unit.flags)}")
    if unit.reward:
        tree.add(f"[bold]奖惩[/]: {unit.reward:+,} 元")
    return tree
