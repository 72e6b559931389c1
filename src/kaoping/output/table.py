"""Rich tables of a period's ranking for people at a terminal, and the explanation of one unit."""

from __future__ import annotations

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.tree import Tree

from kaoping.engine.numbers import fmt, rounded
from kaoping.engine.result import GroupResult, PeriodResult, UnitResult
from kaoping.scheme.model import Scheme

UNBOUNDED = 10_000
"""A width no table reaches: to measure how wide a table would be if it had the room."""
MIN_COLUMN = 4
"""Two Chinese characters: the narrowest a fitted column gets (名次, 加分), its header folded to it."""
COLUMN_GAP = 2
"""What a column costs besides its values in a fitted table (a space each side, collapsed into one gap)."""


def ranking_tables(scheme: Scheme, result: PeriodResult) -> list[Table]:
    return [group_table(scheme, result, g, _parts(g)) for g in result.groups]


def _parts(group: GroupResult) -> list[str]:
    return list(group.ranking[0].top_parts) if group.ranking else []


def group_table(scheme: Scheme, result: PeriodResult, g: GroupResult, parts: list[str]) -> Table:
    """One group's ranking with the columns of ``parts`` (each unit's score in them)."""
    d = scheme.display
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
    return t


def print_ranking(console: Console, scheme: Scheme, result: PeriodResult) -> None:
    """Each group's table, fitted to a terminal too narrow for it (80 columns); where even that is too wide,
    the last parts' columns go first (the total, bonus and amount are what a ranking is read for)."""
    hidden: list[str] = []
    for g in result.groups:
        parts = _parts(g)
        table = group_table(scheme, result, g, parts)
        if Measurement.get(console, console.options.update_width(UNBOUNDED), table).maximum > console.width:
            shown = len(parts)
            while not _fit(table := group_table(scheme, result, g, parts[:shown]), console.width) and shown:
                shown -= 1
            hidden += [p for p in parts[shown:] if p not in hidden]
        console.print(table)
    if hidden:
        console.print(f"终端太窄，未显示：{'、'.join(hidden)}（加宽终端，或用 --format json / xlsx 查看）", style="dim")


def _fit(table: Table, width: int) -> bool:
    """Every column as wide as its widest value, headers folded to it, the flags (last) in what is left.

    Left to itself, Rich shrinks the widest columns first and cuts what does not fit with "…": "+1,00…"
    reads as another amount.  A value is never cut here; the frame goes instead (two characters a column).
    False when the values leave the flags too little room: the table is still too wide.
    """
    table.box = box.SIMPLE_HEAD
    table.show_edge = table.pad_edge = False
    table.collapse_padding = True
    *values, flags = table.columns
    for column in values:
        column.width = max([MIN_COLUMN, *(cell_len(str(cell)) for cell in column.cells)])
        column.overflow = "fold"
    used = sum(c.width or 0 for c in values) + COLUMN_GAP * len(values)
    flags.width = max(MIN_COLUMN * 2, width - used)
    flags.overflow = "fold"
    return used + flags.width <= width


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
