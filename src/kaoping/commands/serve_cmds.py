"""`kaoping serve`: the web app and the REST API (with its OpenAPI docs) on the store, run by uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add this area's commands to ``app``."""

    @app.command()
    def serve(
        db: Annotated[str | None, typer.Option(help="store URL (else KAOPING_DATABASE_URL, ./kaoping.db)")] = None,
        host: Annotated[str, typer.Option(help="address to listen on (127.0.0.1: this machine only)")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
        scheme: Annotated[
            list[str] | None,
            typer.Option(help="a scheme the office runs (repeatable; else KAOPING_SCHEMES, else city-1000)"),
        ] = None,
    ) -> None:
        """Serve the web app and the API: sign-in, facts, results, appeals, evidence and audit, by role.

        Schemes: --scheme, else KAOPING_SCHEMES (default city-1000).  Appeal window: KAOPING_APPEAL_DAYS
        (default 7).

        Set KAOPING_SECRET, or every sign-in ends when the server restarts.
        """
        import uvicorn

        from kaoping.server import create_app

        api = create_app(db, schemes=scheme or None)
        shown = f"[{host}]" if ":" in host else host
        typer.echo(f"kaoping web: http://{shown}:{port}/")
        typer.echo(f"kaoping API: http://{shown}:{port}/api  (docs: http://{shown}:{port}/api/docs)")
        uvicorn.run(api, host=host, port=port, log_level="info")
