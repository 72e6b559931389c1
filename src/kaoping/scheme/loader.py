"""Loading scheme files: YAML → Pydantic model → whole-document checks, with errors an office can act on.

Every failure is a ``SchemeError`` naming the file, the path inside it (``parts[1] (社会评价).max``) and
what was expected.  Built-in schemes are looked up by name in the package's ``builtin/`` folder.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from kaoping.errors import FileProblems
from kaoping.scheme.bounds import MAX_BYTES, TooLarge, load_yaml, number_problems
from kaoping.scheme.checks import check_scheme
from kaoping.scheme.conditions import CONDITION_TAGS
from kaoping.scheme.model import Scheme
from kaoping.scheme.parts import PART_TAGS, CasesLeaf, DeductionsLeaf, Node, ScoresLeaf
from kaoping.scheme.said import in_lang
from kaoping.scheme.standard import StandardError, check_against_scheme, load_standard
from kaoping.scheme.traps import tab_problem, trap_of_shape


class SchemeError(FileProblems):
    """A scheme file that cannot be used: names file, path inside it, and what was expected."""

    what = "scheme"

    def describe(self, lang: str = "zh") -> str:
        """The file and one problem a line, in ``lang`` (a problem without an English twin as written)."""
        head = f"invalid scheme {self.file}:" if lang == "en" else f"方案 {self.file} 有误："
        return "\n".join([head, *(f"  - {in_lang(p, lang)}" for p in self.problems)])


def builtin_names() -> list[str]:
    """Names of the schemes shipped with kaoping (file stems in scheme/builtin/)."""
    folder = resources.files("kaoping.scheme") / "builtin"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def builtin_text(name: str) -> str | None:
    """The YAML of a built-in scheme, as shipped (comments included: they carry the readings)."""
    path = resources.files("kaoping.scheme") / "builtin" / f"{name}.yaml"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def scheme_text(name_or_path: str | Path) -> tuple[str, str]:
    """The exact text of a built-in scheme (by name) or a scheme file (by path), and its label for messages.

    The one place a scheme's text is read: ``score``, ``publish`` and the scheme page all resolve
    ``--scheme`` the same way (a name ending in .yaml/.yml is always a path).
    """
    name = str(name_or_path)
    text = builtin_text(name) if not name.endswith((".yaml", ".yml")) else None
    if text is not None:
        return text, f"builtin:{name}"
    path = Path(name_or_path)
    if not path.is_file():
        known = ", ".join(builtin_names())
        raise SchemeError(name, [f"no such scheme file or built-in scheme; built-in: {known}"])
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:  # refused unread
            raise SchemeError(str(path), [f"the file is {size} bytes; a scheme is at most {MAX_BYTES} — 方案文件过大"])
        return path.read_text(encoding="utf-8"), str(path)
    except UnicodeDecodeError as exc:
        raise SchemeError(str(path), [f"not UTF-8 text (byte {exc.start}) — 文件须为 UTF-8 编码"]) from None
    except OSError as exc:
        raise SchemeError(str(path), [f"cannot be read: {exc.strerror or exc}"]) from None


def load_scheme(name_or_path: str | Path) -> Scheme:
    """Load a built-in scheme by name, or a scheme file by path."""
    return parse_scheme(*scheme_text(name_or_path))


def parse_scheme(text: str, file: str, *, published: bool = False) -> Scheme:
    """Parse and validate scheme YAML; ``file`` is only used in messages.

    ``published``: the exact text a published version was computed with (read back from the store).  The
    traps that refuse what once loaded — weights under a parent that adds, a reward's sign, the order of
    ``bottom`` (scheme/traps.py) — are not applied to it: a frozen version opens and verifies as it was
    computed, and a new draft (which loads the text anew) is where the office is told to fix it.
    """
    try:
        data = load_yaml(text)
    except TooLarge as exc:
        raise SchemeError(file, [str(exc)]) from None
    except yaml.YAMLError as exc:
        raise SchemeError(file, [tab_problem(exc) or f"not valid YAML: {exc}"]) from exc
    if not isinstance(data, dict):
        raise SchemeError(file, ["expected a mapping at the top (scheme:, title:, periods:, groups:, parts: ...)"])
    try:
        scheme = Scheme.model_validate(data)
    except ValidationError as exc:
        raise SchemeError(file, [_describe(err, data) for err in exc.errors()]) from None
    problems = number_problems(scheme) or check_scheme(scheme, published=published)
    if problems:
        raise SchemeError(file, problems)
    if scheme.standard is not None:
        _attach_standard(scheme, file)
    return scheme


def _attach_standard(scheme: Scheme, file: str) -> None:
    """Load the scheme's standards catalogue (a path is read beside the scheme file) and check they agree."""
    assert scheme.standard is not None
    try:
        standard = load_standard(scheme.standard, beside=file)
    except StandardError as exc:
        raise SchemeError(file, [f"standard: {exc.file}: {p}" for p in exc.problems]) from None
    parts = {n: p.name for p in scheme.leaves_of(DeductionsLeaf) for n in p.names()}
    caps = {p.name: p.item_cap for p in scheme.leaves_of(DeductionsLeaf)}
    problems = check_against_scheme(standard, parts, caps, scheme.standard_version)
    if problems:
        raise SchemeError(file, problems)
    scheme._standard = standard


def _describe(err: Any, data: Any) -> str:
    """Turn one Pydantic error into 'path: message (got ...)' with part names shown beside indexes.

    The kind of part or condition Pydantic validated appears in its locations but is not a key of the
    file, so it is left out; a key that belongs to another kind of part is said so.
    """
    path = ""
    node = data
    for key in err["loc"]:
        if isinstance(key, int):
            path += f"[{key}]"
            node = node[key] if isinstance(node, list) and key < len(node) else None
            if isinstance(node, dict) and ("name" in node or "code" in node):
                path += f" ({node.get('name', node.get('code'))})"
        elif key in _HIDDEN and not (isinstance(node, dict) and key in node):
            continue
        else:
            path += f".{key}" if path else str(key)
            node = node.get(key) if isinstance(node, dict) else None
    trap = trap_of_shape(err, path, _short(err.get("input")))
    if trap is not None:
        return trap
    misplaced = _misplaced(err) if err["type"] == "extra_forbidden" else None
    if misplaced is not None:
        return f"{path}: {misplaced}"
    got = f" (got {_short(err['input'])})" if not isinstance(err.get("input"), dict | list) else ""
    return f"{path or '(top)'}: {err['msg']}{got}"


def _short(value: Any) -> str:
    """A value as the message shows it: its repr, cut to 80 characters (a 200 KB name is not repeated)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


_HIDDEN = PART_TAGS | CONDITION_TAGS | {"condition"}
_PART_KINDS: dict[str, type[BaseModel]] = {
    "ScoresLeaf": ScoresLeaf,
    "DeductionsLeaf": DeductionsLeaf,
    "CasesLeaf": CasesLeaf,
    "Node": Node,
}
_KIND_NAMES = {"ScoresLeaf": "scores", "DeductionsLeaf": "deductions", "CasesLeaf": "cases"}


def _misplaced(err: Any) -> str | None:
    """What to say of a key that another kind of part takes (``item_cap`` on a scores part)."""
    loc = err["loc"]
    if len(loc) < 2 or loc[-2] not in _PART_KINDS:
        return None
    kind, key = loc[-2], loc[-1]
    if kind == "Node" and key == "source":
        return "a part with sub-parts takes its value from them, not from a file"
    if kind != "Node" and key in ("combine", "formula"):
        return "combine/formula only apply to a part with sub-parts (or a cases part)"
    owners = [_KIND_NAMES[k] for k, model in _PART_KINDS.items() if k != "Node" and key in model.model_fields]
    if not owners:
        return None
    return f"'{key}' applies to {' and '.join(owners)} parts only; this is a {_KIND_NAMES.get(kind, 'node')} part"
