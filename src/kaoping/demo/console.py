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

from kaoping.demo.build import DEMO_PASSWORD, PUBLISHED_QUARTERS, DemoCity, build_demo, existing_demo
from kaoping.demo.city import UNITS
from kaoping.roles import Role

PAGES = (
    ("/public", "公示: published rankings (no login needed)"),
    ("/dashboard", "考评办 dashboard: map, trends, open work"),
    (f"/units/{UNITS[0].unit_id}", f"a unit's page ({UNITS[0].name}): scores, deductions, cases, appeals"),
    ("/entry", "data entry for departments, inspectors and the third party"),
    ("/schemes", "the scheme (demo-city) as the office reads it"),
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
            console.print(f"using the demo database {path} (built before; --fresh rebuilds it)")
            return found
    steps.print(f"正在生成演示数据库 {path}（building the demo database）…", highlight=False)
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
    console.print(f"built the demo database {path}: {built.units} units, {built.cases:,} cases")
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
            self.task = self.bar.add_task(stage, total=total or None)
        assert self.task is not None
        self.bar.update(self.task, completed=done, total=total or None)
        self.done, self.total = done, total

    def finish(self) -> None:
        """Say the running step is done: ``✓ 写入数字城管案卷 writing cases  50,000  12.3 s``."""
        if self.task is None:
            return
        self.bar.remove_task(self.task)
        count = f"{self.done:,}" if self.total else ""
        took = time.monotonic() - self.started
        self.bar.console.print(f"  ✓ {set_cell_size(self.stage, 36)} {count:>9}  {took:5.1f} s", highlight=False)
        self.task = None


def print_summary(console: Console, demo: DemoCity, path: Path) -> None:
    quarters = [p for p in demo.published if "Q" in p]
    groups = len({u.group for u in UNITS})
    console.print(
        f"[bold]kaoping demo[/] — 金川市 (fictional), scheme [bold]{demo.scheme}[/], {demo.year}; database {path}\n"
        f"{demo.units} units in {groups} groups, {demo.cases:,} 数字城管 cases; published: {', '.join(quarters)} "
        f"(and their months); {demo.year}-Q{PUBLISHED_QUARTERS + 1} is left for you to publish as admin.",
        highlight=False,
    )


def print_pages(console: Console, base: str) -> None:
    console.print(f"\n[bold]Open {base}/[/]", highlight=False)
    for page, what in PAGES:
        console.print(f"  {base}{page:<12} {what}", highlight=False)
    console.print(f"  {base}/api/docs    the REST API (OpenAPI)", highlight=False)


def logins_table(demo: DemoCity) -> Table:
    """One row per role; the other units' accounts are summed up in the last row."""
    table = Table(title=f"Demo logins — password {DEMO_PASSWORD} for every account (demo only)", title_justify="left")
    for col in ("role", "角色", "username", "name", "unit"):
        table.add_column(col)
    table.add_row(Role.PUBLIC, Role.PUBLIC.label, "(no login)", "anyone", "/public")
    units = [login for login in demo.logins if login.role == Role.UNIT]
    for login in demo.logins:
        if login.role == Role.UNIT and login is not units[0]:
            continue
        table.add_row(login.role, login.role.label, login.username, login.display_name, login.unit_id or "")
    if len(units) > 1:
        others = ", ".join(f"{u.username} ({u.unit_id})" for u in units[1:])
        table.add_row(Role.UNIT, Role.UNIT.label, "…", "every other unit", others)
    return table
