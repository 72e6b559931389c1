"""`kaoping verify --audit`: walk the audit trail's hash chain and name the first entry that does not hold.

The check an office (or an auditor with a copy of the database) runs to know the trail was not edited behind
the application's back; the chain head it prints is the one bulletins carry.  Exit 0 when intact, 1 when broken.
"""

from __future__ import annotations

from typing import Annotated

import typer

from kaoping.commands.common import err, fail, out_console


def register(app: typer.Typer) -> None:
    """Add this area's commands to ``app``."""

    @app.command()
    def verify(
        audit: Annotated[bool, typer.Option("--audit", help="walk the audit trail's hash chain (审计链)")] = False,
        db: Annotated[str | None, typer.Option(help="store URL (else KAOPING_DATABASE_URL, ./kaoping.db)")] = None,
    ) -> None:
        """核验：审计日志哈希链是否完整（--audit）。Checks that the stored audit trail was not altered."""
        if not audit:
            fail("请指定要核验的内容：--audit（审计日志哈希链）")
        from kaoping.store.chain import check_trail
        from kaoping.store.db import open_store

        factory = open_store(db)
        try:
            with factory() as session:
                report = check_trail(session)
        finally:
            bind = factory.kw.get("bind")
            if bind is not None:
                bind.dispose()
        if report.intact:
            out_console().print(f"审计链完整：共 {report.entries} 条，链头 {report.head[:12]}", highlight=False)
            return
        err.print(
            f"[bold red]审计链断开[/]：第 {report.entries + 1} 条（id {report.broken_id}）{report.problem}；"
            f"此前 {report.entries} 条完整，链头 {report.head[:12]}",
            highlight=False,
        )
        raise typer.Exit(1)
