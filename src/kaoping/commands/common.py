"""What every `kaoping` command shares: the error console, the result console, and the one mapping of bad
input (bad scheme, data, period or formula; 输入错误) to exit status 2 with its message.

Kept here rather than in ``kaoping.cli`` so the command modules never import the module that registers
them: ``cli`` imports ``commands``, never the other way round (an import-linter contract keeps it so).
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from kaoping.commands.lang import current, t
from kaoping.engine.evaluate import UnsupportedPeriod
from kaoping.errors import InputErrors
from kaoping.periods import PeriodError
from kaoping.scheme import SchemeError
from kaoping.scheme.formula import FormulaError

PeriodOption = Annotated[str, typer.Option(help="考评期：2024-03（月）、2024-Q2（季度）、2024-H1（半年）或 2024（年）")]
"""``--period`` of a command that takes a month, quarter, half-year or year (written once for every command)."""
SchemeOption = Annotated[str, typer.Option(help="内置方案名或方案文件")]
"""``--scheme``: a built-in scheme's name or a scheme file; each command gives its own default."""
DataOption = Annotated[Path | None, typer.Option(help="CSV 文件所在目录，或一个 .xlsx 工作簿")]
"""``--data``: the facts as files; the commands that also read a store take either this or ``--db``."""
StoreOption = Annotated[str | None, typer.Option(help="从此地址的数据库读取数据")]
"""``--db``: the facts from a store instead of files."""

err = Console(stderr=True)
"""Messages, notes and progress: stderr, so a command's stdout stays its result alone."""


def out_console() -> Console:
    """A console for results: terminal width on a terminal, wide enough for Chinese tables when piped."""
    return Console() if sys.stdout.isatty() else Console(width=160)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``错误：message`` on stderr and leave with ``code`` (2: bad input, the pinned contract).

    The message is escaped: a workbook's sheet is named ``book.xlsx[scores]``, which is not markup."""
    err.print(f"[bold red]{t('错误：')}[/]{escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def require_free_port(host: str, port: int) -> None:
    """Leave with exit 2 and a message naming ``--port`` when ``host:port`` cannot be listened on.

    Checked before a URL is printed (and before a long build): otherwise the user is told to open a page
    that another program answers, and uvicorn's own complaint comes last, in English, after the logins.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        fail(t("无法在地址 {host} 上监听（{reason}）：请检查 --host", host=host, reason=exc.strerror))
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: TIME_WAIT is no bar
        try:
            probe.bind(address)
        except OSError as exc:
            other = port + 1 if port < 65535 else 8000
            fail(
                t(
                    "端口 {port} 已被占用或无法使用（{host}:{port}，{reason}）："
                    "请用 --port 换一个端口，例如 --port {other}",
                    port=port,
                    host=host,
                    reason=exc.strerror,
                    other=other,
                )
            )


@contextmanager
def bad_input_exits(scheme: str, *, what: str = "") -> Iterator[None]:
    """Every kind of bad input (scheme, data, period, formula) becomes exit status 2 with its message:
    the one place the CLI commands map errors to the pinned contract's exit 2."""
    try:
        yield
    except SchemeError as exc:
        fail(exc.describe(current()))
    except InputErrors as exc:
        fail(t("{what}（{n} 处问题）：", what=what or t("输入有误"), n=exc.total) + f"\n{exc}")
    except PeriodError as exc:
        fail(f"--period：{exc}")
    except UnsupportedPeriod as exc:
        fail(f"--period：{exc.text(current())}")
    except FileNotFoundError as exc:
        fail(f"--data：{exc}")
    except FormulaError as exc:
        fail(t("方案 {scheme}：", scheme=scheme) + str(exc))
