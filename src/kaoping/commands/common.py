"""What every `kaoping` command shares: the error console, the result console, and the one mapping of bad
input (bad scheme, data, period or formula; 输入错误) to exit status 2 with its message.

Kept here rather than in ``kaoping.cli`` so the command modules never import the module that registers
them: ``cli`` imports ``commands``, never the other way round (an import-linter contract keeps it so).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console

from kaoping.engine.evaluate import UnsupportedPeriod
from kaoping.errors import InputErrors
from kaoping.periods import PeriodError
from kaoping.scheme import SchemeError
from kaoping.scheme.formula import FormulaError

err = Console(stderr=True)
"""Messages, notes and progress: stderr, so a command's stdout stays its result alone."""


def out_console() -> Console:
    """A console for results: terminal width on a terminal, wide enough for Chinese tables when piped."""
    return Console() if sys.stdout.isatty() else Console(width=160)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``error: message`` on stderr and leave with ``code`` (2: bad input, the pinned contract)."""
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def bad_input_exits(scheme: str, *, what: str = "bad input") -> Iterator[None]:
    """Every kind of bad input (scheme, data, period, formula) becomes exit status 2 with its message:
    the one place the CLI commands map errors to the pinned contract's exit 2."""
    try:
        yield
    except SchemeError as exc:
        fail(str(exc))
    except InputErrors as exc:
        fail(f"{what} ({exc.total} problem(s)):\n{exc}")
    except (PeriodError, UnsupportedPeriod) as exc:
        fail(f"--period: {exc}")
    except FileNotFoundError as exc:
        fail(f"--data: {exc}")
    except FormulaError as exc:
        fail(f"scheme {scheme}: {exc}")
