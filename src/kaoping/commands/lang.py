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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import typer.rich_utils as rich_help
import yaml
from typer._click.core import Command, Context
from typer._click.exceptions import NoArgsIsHelpError, UsageError
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
USAGE_ERRORS_ZH = (
    (r"^Missing option (.+?)\.", r"缺少选项 \1。"),
    (r"^Missing argument (.+?)\.", r"缺少参数 \1。"),
    (r"^Missing parameter: (.+)", r"缺少参数 \1"),
    (r"^No such option: (\S+)", r"没有此选项：\1"),
    (r"\(Possible options: (.*)\)", r"（可用的选项：\1）"),
    (r"Did you mean (.*?)\?", r"是否想用 \1？"),
    (r"^No such command (.+?)\.", r"没有此命令 \1。"),
    (r"^Invalid value for (.+?): ", r"\1 的值无效："),
    (r"^Invalid value: ", r"值无效："),
    (r"^Got unexpected extra arguments? \((.*)\)", r"多余的参数（\1）"),
    (r"^Option (.+?) requires an argument\.", r"选项 \1 需要一个值。"),
    (r"(\S+) is not a valid (integer|float|boolean)\.", r"\1 不是有效的数值。"),
    (r"(\S+) is not one of (.*)\.", r"\1 不是 \2 之一。"),
    (r"(\S+) is not in the range (.*)\.", r"\1 不在范围 \2 内。"),
    (r"Value error, ", ""),
    (r"Input should be a valid integer.*", "应为整数"),
    (r"Input should be a valid number.*", "应为数字"),
    (r"Input should be a valid boolean.*", "应为 true 或 false"),
    (r"Input should be greater than or equal to (\S+)", r"应大于或等于 \1"),
    (r"Input should be less than or equal to (\S+)", r"应小于或等于 \1"),
    (r"Input should be greater than (\S+)", r"应大于 \1"),
    (r"Input should be less than (\S+)", r"应小于 \1"),
)
"""The command line's own complaints (options the parser refuses) in Chinese: the parser words them in English."""
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
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return pick(argv[i + 1])
        if arg.startswith("--lang="):
            return pick(arg.partition("=")[2])
    return pick(os.environ.get(LANG_ENV))


def without_lang(argv: Sequence[str]) -> list[str]:
    """``argv`` without its ``--lang X`` / ``--lang=X`` (everything after ``--`` is left as it is)."""
    out: list[str] = []
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            return [*out, arg, *rest]
        if arg == "--lang" and rest:
            rest.pop(0)
        elif not arg.startswith("--lang="):
            out.append(arg)
    return out


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
            args = without_lang(args)  # read here, so it may stand anywhere: `kaoping score --lang en` too
        with usage_errors_in_chinese():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Context) -> Any:
        try:
            with usage_errors_in_chinese():  # a command's own options are parsed here
                return super().invoke(ctx)
        finally:
            set_lang(Lang.ZH)  # the language is this run's: a later run in the same process starts from Chinese


@contextmanager
def usage_errors_in_chinese() -> Iterator[None]:
    """A usage error (missing or unknown option, bad value) said in Chinese when the run reads Chinese."""
    try:
        yield
    except NoArgsIsHelpError:
        raise
    except UsageError as exc:
        if current() == Lang.EN:
            raise
        text = exc.format_message()
        for pattern, chinese in USAGE_ERRORS_ZH:
            text = re.sub(pattern, chinese, text)
        raise UsageError(text, ctx=exc.ctx) from None


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
