"""`kaoping serve`: the web app and the REST API (with its OpenAPI docs) on the store, run by uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from kaoping.commands.common import require_free_port
from kaoping.commands.lang import t

WORKER_START_SECONDS = 60
"""How long a worker process may take to start and to answer uvicorn's health check."""


def register(app: typer.Typer) -> None:
    """Add this area's commands to ``app``."""

    @app.command()
    def serve(
        db: Annotated[
            str | None, typer.Option(help="数据库地址（否则取 KAOPING_DATABASE_URL，再默认 ./kaoping.db）")
        ] = None,
        host: Annotated[str, typer.Option(help="监听地址（127.0.0.1：仅本机）")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="监听端口", min=1, max=65535)] = 8000,
        scheme: Annotated[
            list[str] | None,
            typer.Option(help="考评办使用的方案（可重复；否则取 KAOPING_SCHEMES，再默认 city-1000）"),
        ] = None,
        workers: Annotated[
            int, typer.Option(min=1, max=64, help="工作进程数（PostgreSQL 数据库：可先按每核一个）")
        ] = 1,
    ) -> None:
        """启动网页和接口服务：登录、数据、结果、申诉、佐证材料和审计，按角色授权。

        考评方案：--scheme，否则取 KAOPING_SCHEMES（默认 city-1000）。申诉期：KAOPING_APPEAL_DAYS
        （默认 7 天）。

        请设置 KAOPING_SECRET，否则服务重启后所有登录失效。
        """
        import uvicorn

        require_free_port(host, port)
        shown = f"[{host}]" if ":" in host else host
        if workers > 1:
            _share_settings(db, scheme)
            typer.echo(t("kaoping 网页：{url}/  （{n} 个工作进程）", url=f"http://{shown}:{port}", n=workers))
            typer.echo(t(API_LINE, url=f"http://{shown}:{port}"))
            # a worker must answer uvicorn's health check within this many seconds or it is killed and started
            # again; its start (importing the app, loading the schemes) takes longer than uvicorn's 5 s on a
            # busy 2-core machine, which then kills its workers over and over
            uvicorn.run(
                "kaoping.server:app_from_env",
                factory=True,
                workers=workers,
                host=host,
                port=port,
                timeout_worker_healthcheck=WORKER_START_SECONDS,
            )
            return
        from kaoping.server import create_app

        api = create_app(db, schemes=scheme or None)
        typer.echo(t("kaoping 网页：{url}/", url=f"http://{shown}:{port}"))
        typer.echo(t(API_LINE, url=f"http://{shown}:{port}"))
        uvicorn.run(api, host=host, port=port, log_level="info")


API_LINE = "kaoping 接口：{url}/api  （接口文档：{url}/api/docs）"


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
