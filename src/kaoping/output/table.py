"""Rich tables of a period's ranking for people at a terminal, and the explanation of one unit.

Texts are written in Chinese and passed through ``t`` (the CLI's translator, commands/lang.py), so this module
keeps no catalogue of its own; flags show their Chinese names (engine/phrases.py), codes stay in the JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.tree import Tree

from kaoping.engine.numbers import fmt, rounded
from kaoping.engine.phrases import Lang, flag_label
from kaoping.engine.result import GroupResult, PeriodResult, UnitResult
from kaoping.scheme.model import FlagRule, Scheme

Gettext = Callable[..., str]
"""``t(chinese, **values)``: a text in the reader's language (commands.lang.t)."""


def same(text: str, **values: object) -> str:
    """The Chinese text itself, filled: the translator when none is given."""
    return text.format(**values) if values else text


UNBOUNDED = 10_000
"""A width no table reaches: to measure how wide a table would be if it had the room."""
MIN_COLUMN = 4
"""Two Chinese characters: the narrowest a fitted column gets (名次, 加分), its header folded to it."""
COLUMN_GAP = 2
"""What a column costs besides its values in a fitted table (a space each side, collapsed into one gap)."""


def ranking_tables(scheme: Scheme, result: PeriodResult, t: Gettext = same) -> list[Table]:
    return [group_table(scheme, result, g, _parts(g), t) for g in result.groups]


def _parts(group: GroupResult) -> list[str]:
    return list(group.ranking[0].top_parts) if group.ranking else []


def flag_names(flags: Iterable[str], rules: Iterable[FlagRule]) -> str:
    """Flags by their names (the scheme's label, else the built-in one): the office's words, as part names are,
    so shown alike in either language; the codes stay in the JSON."""
    return " ".join(flag_label(code, rules) for code in flags)


def group_table(scheme: Scheme, result: PeriodResult, g: GroupResult, parts: list[str], t: Gettext = same) -> Table:
    """One group's ranking with the columns of ``parts`` (each unit's score in them); a report-only scheme's
    group as its report (:func:`report_table`)."""
    if scheme.report_only:
        return report_table(scheme, result, g, parts, t)
    d = scheme.display
    table = Table(title=f"{scheme.title} · {result.period} · {g.group}", title_justify="left")
    table.add_column(t("名次"), justify="right")
    table.add_column(t("单位"))
    for p in parts:
        table.add_column(p, justify="right")
    table.add_column(t("加分"), justify="right")
    table.add_column(t("总分"), justify="right", style="bold")
    table.add_column(t("奖惩(元)"), justify="right")
    table.add_column(t("标记"))
    for u in g.ranking:
        reward = f"{u.reward:+,}" if u.reward else ""
        style = "green" if u.reward > 0 else "red" if u.reward < 0 else None
        table.add_row(
            str(u.rank),
            u.name,
            *[str(rounded(u.parts[p], d.decimals, d.rounding)) for p in parts],
            str(rounded(u.bonus, d.decimals, d.rounding)),
            str(u.shown_total),
            reward,
            flag_names(u.flags, scheme.flags),
            style=style,
        )
    for u in g.unrated:
        unrated = t("未考评")
        table.add_row(
            "—", u.name, *["" for _ in parts], "", unrated, "", flag_names(u.flags, scheme.flags), style="dim"
        )
    return table


def report_table(scheme: Scheme, result: PeriodResult, g: GroupResult, parts: list[str], t: Gettext = same) -> Table:
    """A report-only scheme's group (通报): each unit's parts in units.csv order — no 名次, 加分, 总分 or 奖惩
    column, as the scheme ranks nobody; the flags stay last (what :func:`_fit` gives the room left)."""
    d = scheme.display
    title = f"{scheme.title} · {result.period} · {g.group} · {t('通报（不排名）')}"
    table = Table(title=title, title_justify="left")
    table.add_column(t("单位"))
    for p in parts:
        table.add_column(p, justify="right")
    table.add_column(t("标记"))
    for u in g.ranking:
        shown = [str(rounded(u.parts[p], d.decimals, d.rounding)) for p in parts]
        table.add_row(u.name, *shown, flag_names(u.flags, scheme.flags))
    for u in g.unrated:
        table.add_row(
            f"{u.name}（{t('未考评')}）", *["" for _ in parts], flag_names(u.flags, scheme.flags), style="dim"
        )
    return table


def print_ranking(console: Console, scheme: Scheme, result: PeriodResult, t: Gettext = same) -> None:
    """Each group's table, fitted to a terminal too narrow for it (80 columns); where even that is too wide,
    the last parts' columns go first (the total, bonus and amount are what a ranking is read for)."""
    hidden: list[str] = []
    for g in result.groups:
        parts = _parts(g)
        table = group_table(scheme, result, g, parts, t)
        if Measurement.get(console, console.options.update_width(UNBOUNDED), table).maximum > console.width:
            shown = len(parts)
            while not _fit(table := group_table(scheme, result, g, parts[:shown], t), console.width) and shown:
                shown -= 1
            hidden += [p for p in parts[shown:] if p not in hidden]
        console.print(table)
    if hidden:
        console.print(
            t("终端太窄，未显示：{parts}（加宽终端，或用 --format json / xlsx 查看）", parts="、".join(hidden)),
            style="dim",
        )


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


def explain_tree(
    unit: UnitResult,
    period: str,
    t: Gettext = same,
    lang: str = Lang.ZH,
    rules: Iterable[FlagRule] = (),
    *,
    report_only: bool = False,
) -> Tree:
    """得分说明: each line of a unit's explanation grouped by part, with the rows it came from (a report-only
    scheme's unit has no total or rank to head it)."""
    heading = (
        t("通报（不排名）") if report_only else t("总分 {total} · 第 {rank} 名", total=unit.shown_total, rank=unit.rank)
    )
    tree = Tree(f"[bold]{unit.name}[/] ({unit.unit_id}) · {period} · {heading}")
    branches: dict[str, Tree] = {}
    for ln in unit.lines:
        branch = branches.get(ln.part)
        if branch is None:
            branch = branches[ln.part] = tree.add(f"[bold cyan]{ln.part}[/]")
        rows = ""
        if ln.rows:
            shown = ", ".join(str(r) for r in ln.rows[:12])
            more = f" … +{len(ln.rows) - 12}" if len(ln.rows) > 12 else ""
            rows = "  [dim]← " + t("{file} 第 {rows} 行", file=ln.file, rows=f"{shown}{more}") + "[/]"
        branch.add(f"{ln.text(lang)}  [magenta]{fmt(ln.points)}[/]{rows}")
    if unit.flags:
        tree.add(f"[bold red]{t('标记')}[/]: {flag_names(unit.flags, rules)}")
    if unit.reward:
        tree.add(f"[bold]{t('奖惩')}[/]: " + t("{amount} 元", amount=f"{unit.reward:+,}"))
    return tree
