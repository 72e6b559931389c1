"""What `kaoping demo` does at the terminal: build (or reuse) the demo database with a progress bar, and
tell the user where to go and how to sign in.

Kept out of ``kaoping.cli`` so that the command line starts fast: this module (and the builder it pulls
in — Pillow, the case generator, the store) is imported only when ``kaoping demo`` runs.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from rich.cells import set_cell_size
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from kaoping.commands.lang import current, t
from kaoping.demo.build import DEMO_PASSWORD, PUBLISHED_QUARTERS, DemoCity, build_demo, existing_demo
from kaoping.demo.city import UNITS
from kaoping.engine.phrases import Lang
from kaoping.roles import Role


def pages() -> tuple[tuple[str, str], ...]:
    """(address, what it is) of the pages a newcomer opens first, in the run's language."""
    return (
        ("/public", t("考评结果公示（无需登录）")),
        ("/dashboard", t("考评办综合看板：地图、趋势、待办")),
        (f"/units/{UNITS[0].unit_id}", t("单位页（{name}）：得分、扣分、案卷、申诉", name=UNITS[0].name)),
        ("/entry", t("数据录入：考评部门、督查员和第三方机构")),
        ("/schemes", t("考评方案（demo-city），按考评办的读法")),
    )


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def remove_database(path: Path) -> None:
    """Delete the SQLite file and its WAL companions (``--fresh``)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def demo_secret(path: Path) -> str:
    """The session secret kept next to the database, so sign-ins survive a restart of the demo."""
    file = Path(f"{path}.secret")
    if file.is_file():
        text = file.read_text(encoding="utf-8").strip()
        if text:
            return text
    key = secrets.token_urlsafe(32)
    file.write_text(key + "\n", encoding="utf-8")
    file.chmod(0o600)
    return key


def build_or_reuse(path: Path, *, fresh: bool, cases: int, console: Console, steps: Console) -> DemoCity:
    """The complete demo at ``path``: reused when it is there, else built (from scratch with ``fresh``),
    each step of the build said on ``steps`` as it ends (with its count), the running one as a bar."""
    if fresh:
        remove_database(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    url = sqlite_url(path)
    if path.exists():
        found = existing_demo(url)
        if found is not None:
            console.print(t("使用已有的演示数据库 {path}（此前已生成；--fresh 重新生成）", path=path))
            return found
    steps.print(t("正在生成演示数据库 {path}…", path=path), highlight=False)
    columns = (
        TextColumn("{task.description:<32}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=steps, transient=True) as bar:
        log = StepLog(bar)
        built = build_demo(url, cases=cases, progress=log)
        log.finish()
    console.print(
        t(
            "已生成演示数据库 {path}：{units} 个考评对象，{cases} 件案卷",
            path=path,
            units=built.units,
            cases=f"{built.cases:,}",
        )
    )
    return built


class StepLog:
    """The demo build's ``progress`` callback: a bar for the running step, and a line for each step as it
    ends, with its count and time — the lines stay on the screen (and in a log when not on a terminal,
    where a bar is not drawn), so a newcomer sees what the minute of building went into."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.stage = ""
        self.task: TaskID | None = None
        self.done = self.total = 0
        self.started = time.monotonic()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.finish()
            self.stage, self.started = stage, time.monotonic()
            self.task = self.bar.add_task(stage_name(stage), total=total or None)
        assert self.task is not None
        self.bar.update(self.task, completed=done, total=total or None)
        self.done, self.total = done, total

    def finish(self) -> None:
        """Say the running step is done: ``✓ 写入数字城管案卷  50,000  12.3 s``."""
        if self.task is None:
            return
        self.bar.remove_task(self.task)
        count = f"{self.done:,}" if self.total else ""
        took = time.monotonic() - self.started
        name = set_cell_size(stage_name(self.stage), 36)
        self.bar.console.print(f"  ✓ {name} {count:>9}  {took:5.1f} s", highlight=False)
        self.task = None


def stage_name(stage: str) -> str:
    """The builder names each step in both languages (``写入数字城管案卷 writing cases``): the run's half."""
    zh, _, en = stage.partition(" ")
    return en if current() == Lang.EN and en else zh


def print_summary(console: Console, demo: DemoCity, path: Path) -> None:
    quarters = [p for p in demo.published if "Q" in p]
    groups = len({u.group for u in UNITS})
    left = f"{demo.year}-Q{PUBLISHED_QUARTERS + 1}"
    head = t(
        "[bold]kaoping demo[/] — 金川市（虚构城市），考评方案 [bold]{scheme}[/]，{year} 年；数据库 {path}",
        scheme=demo.scheme,
        year=demo.year,
        path=path,
    )
    body = t(
        "{units} 个考评对象，分 {groups} 组，{cases} 件数字城管案卷；"
        "已发布：{quarters}（及其各月）；{left} 留给您以 admin 身份发布。",
        units=demo.units,
        groups=groups,
        cases=f"{demo.cases:,}",
        quarters="、".join(quarters),
        left=left,
    )
    console.print(head + "\n" + body, highlight=False)


def print_pages(console: Console, base: str) -> None:
    console.print("\n[bold]" + t("打开 {url}/", url=base) + "[/]", highlight=False)
    for page, what in pages():
        console.print(f"  {base}{page:<12} {what}", highlight=False)
    console.print(f"  {base}/api/docs    " + t("REST API（OpenAPI 文档）"), highlight=False)


def logins_table(demo: DemoCity) -> Table:
    """One row per role; the other units' accounts are summed up in the last row."""
    title = t("演示账号 — 所有账号的密码均为 {password}（仅限演示）", password=DEMO_PASSWORD)
    table = Table(title=title, title_justify="left")
    for col in (t("角色代码"), t("角色"), t("用户名"), t("名称"), t("单位")):
        table.add_column(col)
    table.add_row(Role.PUBLIC, t(Role.PUBLIC.label), t("（无需登录）"), t("任何人"), "/public")
    units = [login for login in demo.logins if login.role == Role.UNIT]
    for login in demo.logins:
        if login.role == Role.UNIT and login is not units[0]:
            continue
        table.add_row(login.role, t(login.role.label), login.username, login.display_name, login.unit_id or "")
    if len(units) > 1:
        others = ", ".join(f"{u.username} ({u.unit_id})" for u in units[1:])
        table.add_row(Role.UNIT, t(Role.UNIT.label), "…", t("其余各单位"), others)
    return table
