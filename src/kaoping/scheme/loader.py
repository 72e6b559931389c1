"""Loading scheme files: YAML → Pydantic model → whole-document checks, with errors an office can act on.

Every failure is a ``SchemeError`` naming the file, the path inside it (``parts[1] (社会评价).max``) and
what was expected.  Built-in schemes are looked up by name in the package's ``builtin/`` folder.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from kaoping.scheme.checks import check_scheme
from kaoping.scheme.model import Scheme


class SchemeError(ValueError):
    """A scheme file that cannot be used: names file, path inside it, and what was expected."""

    def __init__(self, file: str, problems: list[str]) -> None:
        self.file = file
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid scheme {file}:\n{lines}")


def builtin_names() -> list[str]:
    """Names of the schemes shipped with kaoping (file stems in scheme/builtin/)."""
    folder = resources.files("kaoping.scheme") / "builtin"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def _builtin_text(name: str) -> str | None:
    path = resources.files("kaoping.scheme") / "builtin" / f"{name}.yaml"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def load_scheme(name_or_path: str | Path) -> Scheme:
    """Load a built-in scheme by name, or a scheme file by path."""
    text = _builtin_text(str(name_or_path)) if not str(name_or_path).endswith((".yaml", ".yml")) else None
    if text is not None:
        return parse_scheme(text, f"builtin:{name_or_path}")
    path = Path(name_or_path)
    if not path.is_file():
        known = ", ".join(builtin_names())
        raise SchemeError(str(name_or_path), [f"no such scheme file or built-in scheme; built-in: {known}"])
    return parse_scheme(path.read_text(encoding="utf-8"), str(path))


def parse_scheme(text: str, file: str) -> Scheme:
    """Parse and validate scheme YAML; ``file`` is only used in messages."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SchemeError(file, [f"not valid YAML: {exc}"]) from exc
    if not isinstance(data, dict):
        raise SchemeError(file, ["expected a mapping at the top (scheme:, title:, periods:, groups:, parts: ...)"])
    try:
        scheme = Scheme.model_validate(data)
    except ValidationError as exc:
        raise SchemeError(file, [_describe(err, data) for err in exc.errors()]) from None
    problems = check_scheme(scheme)
    if problems:
        raise SchemeError(file, problems)
    return scheme


def _describe(err: Any, data: Any) -> str:
    """Turn one Pydantic error into 'path: message (got ...)' with part names shown beside indexes."""
    path = ""
    node = data
    for key in err["loc"]:
        if isinstance(key, int):
            path += f"[{key}]"
            node = node[key] if isinstance(node, list) and key < len(node) else None
            if isinstance(node, dict) and "name" in node:
                path += f" ({node['name']})"
        else:
            path += f".{key}" if path else str(key)
            node = node.get(key) if isinstance(node, dict) else None
    got = f" (got {err['input']!r})" if not isinstance(err.get("input"), dict | list) else ""
    return f"{path or '(top)'}: {err['msg']}{got}"
