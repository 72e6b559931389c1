"""The CLI's language: Chinese first, English with ``--lang en`` or ``KAOPING_LANG=en``.

As on the pages (web/i18n.py), the Chinese text is written in the source and is the key; English lives in
one catalogue, ``commands/locale/en.yaml``, so a missing translation falls back to Chinese, never to a code.
``t()`` translates the CLI's own messages; :func:`localize` translates the help of a built click command tree
(help texts are read from decorators once, so they are translated where they are shown, not where written).
The engine's explanation lines have their own two wordings (engine/phrases.py): commands pass :func:`current`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import typer.rich_utils as rich_help
import yaml
from typer._click.core import Command, Context
from typer._click.formatting import HelpFormatter
from typer.core import TyperGroup

from kaoping.engine.phrases import Lang

CATALOGUE = Path(__file__).resolve().parent / "locale" / "en.yaml"
LANG_ENV = "KAOPING_LANG"
PLACEHOLDER = re.compile(r"\{(\w+)\}")

_current = [Lang.ZH]
"""The language of this run, chosen by the root command's ``--lang`` (a list: set without ``global``)."""

FRAME_ZH = {
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "ABORTED_TEXT": "已中止。",
    "DEFAULT_STRING": "[默认：{}]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "DEPRECATED_STRING": "（已弃用）",
    "RICH_HELP": "用 [blue]'{command_path} {help_option}'[/] 查看帮助。",
}
"""The help screen's own words (Typer's panel titles and notes) in Chinese."""
FRAME_EN = {name: getattr(rich_help, name) for name in FRAME_ZH}
HELP_OPTION_ZH = "显示本帮助并退出。"
USAGE_ZH = "用法："


@cache
def catalog() -> dict[str, str]:
    """Chinese text → English, read once per process."""
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{CATALOGUE}: expected a mapping of Chinese text to English")
    return {str(key): str(value) for key, value in data.items()}


def pick(asked: str | None) -> Lang:
    """``en`` (any case) reads English; anything else, and nothing, reads Chinese."""
    return Lang.EN if (asked or "").strip().lower() == Lang.EN else Lang.ZH


def from_argv(argv: Sequence[str]) -> Lang:
    """The language a command line asks for before it is parsed (``--lang en``, ``--lang=en``, else the env)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return pick(argv[i + 1])
        if arg.startswith("--lang="):
            return pick(arg.partition("=")[2])
    return pick(os.environ.get(LANG_ENV))


def current() -> Lang:
    return _current[0]


def set_lang(lang: Lang) -> None:
    _current[0] = lang


def t(chinese: str, /, **values: object) -> str:
    """``chinese`` in the run's language, ``{name}`` filled from ``values`` after translating."""
    out = catalog().get(chinese, chinese) if current() == Lang.EN else chinese
    if values:
        out = PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), out)
    return out


class _ZhFormatter(HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, USAGE_ZH if prefix is None else prefix)


class _ZhContext(Context):
    formatter_class = _ZhFormatter


class LocalizedGroup(TyperGroup):
    """The root command: before parsing a command line, puts the whole tree in the language it asks for.

    Done here rather than in a callback because ``--help`` is answered while parsing, before any callback.
    """

    def make_context(
        self, info_name: str | None, args: list[str], parent: Context | None = None, **extra: Any
    ) -> Context:
        if parent is None:
            localize(self, from_argv(args))
        return super().make_context(info_name, args, parent, **extra)


def localize(command: Command, lang: Lang) -> None:
    """Put ``command`` and every command under it in ``lang``: their help, their options' help, the frame."""
    set_lang(lang)
    for name, zh in FRAME_ZH.items():
        setattr(rich_help, name, zh if lang == Lang.ZH else FRAME_EN[name])
    _localize_one(command, lang)


def _subcommands(command: Command) -> list[Command]:
    return list(command.commands.values()) if isinstance(command, TyperGroup) else []


def _localize_one(command: Command, lang: Lang) -> None:
    table = catalog() if lang == Lang.EN else {}
    if lang == Lang.ZH:
        command.context_class = _ZhContext
    originals: dict[str, Any] = command.__dict__.setdefault("_kaoping_zh", {})
    for attr in ("help", "short_help"):
        text = originals.setdefault(attr, getattr(command, attr))
        setattr(command, attr, table.get(text, text) if text else text)
    help_option = command.get_help_option(Context(command))
    if help_option is not None:
        english = originals.setdefault("help_option", help_option.help)
        help_option.help = HELP_OPTION_ZH if lang == Lang.ZH else english
    for param in command.params:
        text = getattr(param, "help", None)
        if text:
            zh = originals.setdefault(f"param:{param.name}", text)
            param.help = table.get(zh, zh)  # type: ignore[attr-defined]
    for sub in _subcommands(command):
        _localize_one(sub, lang)


def help_texts(command: Command) -> list[str]:
    """Every help text under ``command`` as written (Chinese): what the catalogue must translate."""
    texts = [text for text in (command.help, command.short_help) if text]
    texts += [p.help for p in command.params if getattr(p, "help", None)]  # type: ignore[attr-defined]
    for sub in _subcommands(command):
        texts += help_texts(sub)
    return texts
