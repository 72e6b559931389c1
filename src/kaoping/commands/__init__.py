"""CLI command groups beyond `score`: each module registers its commands on the Typer app.

Kept apart from cli.py so each area (store, publishing, server) owns its commands without one file
growing past what a reader can hold.
"""

from __future__ import annotations

import typer


def register_all(app: typer.Typer) -> None:
    from kaoping.commands import (
        bench_cmds,
        case_flow_cmds,
        cases_cmds,
        check_cmds,
        data_cmds,
        owed_cmds,
        plan_cmds,
        publish_cmds,
        rectify_cmds,
        report_cmds,
        rollup_cmds,
        serve_cmds,
        standard_cmds,
        verify_cmds,
        whatif_cmds,
    )

    cases_cmds.register(app)
    check_cmds.register(app)
    report_cmds.register(app)
    data_cmds.register(app)
    publish_cmds.register(app)
    owed_cmds.register(app)
    serve_cmds.register(app)
    verify_cmds.register(app)
    bench_cmds.register(app)
    rollup_cmds.register(app)
    whatif_cmds.register(app)
    rectify_cmds.register(app)
    case_flow_cmds.register(app)
    plan_cmds.register(app)
    standard_cmds.register(app)
