"""Bounds on a scheme file before and after it is parsed: size, YAML nesting and aliases, numbers.

A scheme file is written by hand or uploaded, so it is bounded before any work is done on it: a file
larger than any plan needs is refused unread, nesting is counted while the YAML is composed (the composer
and everything after it recurse, and a 5,000-deep list is a RecursionError, not a message), and aliases
are counted as what they expand to (a "billion laughs" file of a few hundred bytes is 10^9 nodes for
whoever walks it).  After validation every number in the scheme is finite and within :data:`MAX_NUMBER`:
the engine rounds with Decimal's 28 digits, dates advance by ``rectify_days``, and 1e30 points or
infinity would only fail later, in a traceback, far from the line that caused it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml
from pydantic import BaseModel

MAX_BYTES = 256 * 1024
"""Largest scheme file (the built-in ones are under 12 KB)."""
MAX_DEPTH = 40
"""Deepest nesting of mappings and lists (the built-in schemes nest about 10 deep)."""
MAX_NODES = 50_000
"""Most YAML nodes, counting each alias as the nodes it stands for."""
MAX_NUMBER = Decimal(10) ** 9
"""Largest magnitude of any number in a scheme: points, weights, caps, yuan, counts."""


class TooLarge(yaml.YAMLError):
    """A scheme file beyond one of the bounds above (said in the message)."""


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, counting depth and expanded nodes as it composes (and refusing recursive aliases)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        line = self.peek_event().start_mark.line + 1  # type: ignore[no-untyped-call]
        if self.check_event(yaml.AliasEvent):
            node = super().compose_node(parent, index)
            if id(node) not in self._sizes:
                raise TooLarge(f"an alias refers to the mapping or list that contains it (line {line})")
            return node
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise TooLarge(f"nested more than {MAX_DEPTH} levels deep (line {line}) — 嵌套层数过多")
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if node is not None:
            self._sizes[id(node)] = size = 1 + sum(self._sizes.get(id(child), 1) for child in _children(node))
            if size > MAX_NODES:
                raise TooLarge(f"more than {MAX_NODES} values once aliases are expanded (line {line}) — 别名展开过多")
        return node


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def load_yaml(text: str) -> Any:
    """The document of ``text``, within the bounds; TooLarge or another yaml.YAMLError if not.

    A number too long to convert (Python refuses integers of more than 4,300 digits) is a YAMLError too.
    """
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_BYTES:
        raise TooLarge(f"the file is {size} bytes; a scheme is at most {MAX_BYTES} — 方案文件过大")
    try:
        return yaml.load(text, Loader=_BoundedLoader)
    except (ValueError, OverflowError) as exc:
        raise TooLarge(f"a value cannot be read: {exc}") from None


def number_problems(value: Any, path: str = "") -> list[str]:
    """Every number in a validated scheme that is not finite or beyond :data:`MAX_NUMBER`, by its path."""
    out: list[str] = []
    if isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            key = field.alias or name
            out += number_problems(getattr(value, name), f"{path}.{key}" if path else key)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            shown = getattr(item, "name", None) or getattr(item, "code", None)
            out += number_problems(item, f"{path}[{i}]" + (f" ({shown})" if isinstance(shown, str) else ""))
    elif isinstance(value, dict):
        for k, item in value.items():
            out += number_problems(item, f"{path}.{getattr(k, 'value', k)}")
    elif isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        number = Decimal(value)
        if not number.is_finite() or abs(number) > MAX_NUMBER:
            out.append(f"{path}: {value} is beyond ±{MAX_NUMBER:,} — 数值超出范围")
    return out
