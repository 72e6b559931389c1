"""`kaoping serve`: the web app and the REST API (with its OpenAPI docs) on the store, run by uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from kaoping.commands.common import require_free_port


def register(app: typer.Typer) -> None:
    """Add this area's commands to ``app``."""

    @app.command()
    def serve(
        db: Annotated[str | None, typer.Option(help="store URL (else KAOPING_DATABASE_URL, ./kaoping.db)")] = None,
        host: Annotated[str, typer.Option(help="address to listen on (127.0.0.1: this machine only)")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="port to listen on", min=1, max=65535)] = 8000,
        scheme: Annotated[
            list[str] | None,
            typer.Option(help="a scheme the office runs (repeatable; else KAOPING_SCHEMES, else city-1000)"),
        ] = None,
        workers: Annotated[
            int, typer.Option(min=1, max=64, help="worker processes (PostgreSQL store: one per core is a start)")
        ] = 1,
    ) -> None:
        """Serve the web app and the API: sign-in, facts, results, appeals, evidence and audit, by role.

        Schemes: --scheme, else KAOPING_SCHEMES (default city-1000).  Appeal window: KAOPING_APPEAL_DAYS
        (default 7).

        Set KAOPING_SECRET, or every sign-in ends when the server restarts.
        """
        import uvicorn

        require_free_port(host, port)
        shown = f"[{host}]" if ":" in host else host
        if workers > 1:
            _share_settings(db, scheme)
            typer.echo(f"kaoping web: http://{shown}:{port}/  ({workers} worker processes)")
            typer.echo(f"kaoping API: http://{shown}:{port}/api  (docs: http://{shown}:{port}/api/docs)")
            uvicorn.run("kaoping.server:app_from_env", factory=True, workers=workers, host=host, port=port)
            return
        from kaoping.server import create_app

        api = create_app(db, schemes=scheme or None)
        typer.echo(f"kaoping web: http://{shown}:{port}/")
        typer.echo(f"kaoping API: http://{shown}:{port}/api  (docs: http://{shown}:{port}/api/docs)")
        uvicorn.run(api, host=host, port=port, log_level="info")


def _share_settings(db: str | None, schemes: list[str] | None) -> None:
    """Put what the command line chose into the environment every worker process reads, and give them one
    secret: each worker drawing its own would make a sign-in valid in one process only."""
    import os
    import secrets

    from kaoping.store.db import close_store, database_url, open_store

    os.environ["KAOPING_DATABASE_URL"] = database_url(db)
    factory = open_store(db)  # migrated here, once, not by the workers racing each other
    close_store(factory)
    if schemes:
        os.environ["KAOPING_SCHEMES"] = ",".join(schemes)
    if not os.environ.get("KAOPING_SECRET"):
        typer.echo("KAOPING_SECRET 未设置：各工作进程共用本次启动生成的密钥，服务重启后需重新登录", err=True)
        os.environ["KAOPING_SECRET"] = secrets.token_urlsafe(32)
