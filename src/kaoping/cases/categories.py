"""The 管理部件和事件 categories (GB/T 30428.2 / CJ/T 214) as a data file the office edits.

Which 小类 exist, and under which 大类, changes from city to city (扩展部件 like 高杆灯, local events like
共享单车乱停放), so the catalogue is ``cases/data/categories.yaml`` rather than code.  Loading checks what
would otherwise surface much later as a silently mis-filed case: duplicate codes or names, a 小类 whose
code does not start with its 大类, an extension that adds to a 大类 nobody defined.  Every problem names
the file and where in it, like scheme errors do.

This module also holds the small YAML reader the other case config files (and Open311's service catalogue)
share: PyYAML silently keeps the last of two equal keys, which in a mapping of ``code: name`` or
``rate: weight`` hides exactly the mistake we want to report.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kaoping.errors import FileProblems

Kind = Literal["component", "event"]
KIND_LABELS: dict[Kind, str] = {"component": "部件", "event": "事件"}


class ConfigError(FileProblems):
    """A case config file (categories, handbook, indicator scheme) that cannot be used, with every problem."""


class UnknownCategory(LookupError):
    """A category text that names no 小类 (or more than one) in the catalogue."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping with the same key twice instead of keeping the last one."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            line = key_node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(
                None, None, f"key '{key}' appears twice (lines {seen[key]} and {line})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def read_yaml(path: Path | None, builtin: str, package: str = "kaoping.cases") -> tuple[Any, str]:
    """The parsed document and its label: ``path``, or the bundled ``<package>/data/<builtin>`` when None."""
    if path is None:
        source = resources.files(package) / "data" / builtin
        label, text = f"builtin:{builtin}", source.read_text(encoding="utf-8")
    else:
        label = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(label, [f"cannot be read: {exc.strerror or exc}"]) from exc
    try:
        return yaml.load(text, Loader=_StrictLoader), label  # a SafeLoader subclass: no arbitrary objects
    except yaml.YAMLError as exc:
        raise ConfigError(label, [f"not valid YAML: {exc}"]) from exc


def pydantic_problems(exc: ValidationError) -> list[str]:
    """One line per Pydantic error, with its location as a path (``rules[3].limit``)."""
    out = []
    for e in exc.errors():
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"]).lstrip(".")
        out.append(f"{where or '(top)'}: {e['msg']}")
    return out


class _Major(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^\d{2}$")
    name: str | None = None
    subs: dict[str, str] = Field(default_factory=dict)


class _Extension(BaseModel):
    model_config = ConfigDict(extra="forbid")
    components: list[_Major] = Field(default_factory=list)
    events: list[_Major] = Field(default_factory=list)


class _CategoryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    standard: str = ""
    components: list[_Major]
    events: list[_Major]
    extension: _Extension = Field(default_factory=_Extension)


@dataclass(frozen=True)
class Category:
    """One 小类 with its 大类; ``extension`` marks the city's own additions."""

    kind: Kind
    code: str
    name: str
    major_name: str
    extension: bool = False

    @property
    def major_code(self) -> str:
        """The 大类 code: the first two digits of the 小类 code (loading refuses a code that does not start so)."""
        return self.code[:2]


@dataclass(frozen=True)
class Catalogue:
    """All categories of one file, looked up by (kind, code or name)."""

    standard: str
    source: str
    categories: tuple[Category, ...]

    def find(self, text: str, kind: Kind | None = None) -> Category:
        """The 小类 whose code or name is ``text`` (of ``kind`` if given); UnknownCategory if none or several."""
        hits = [c for c in self.categories if (kind is None or c.kind == kind) and text in (c.code, c.name)]
        if len(hits) == 1:
            return hits[0]
        what = KIND_LABELS[kind] if kind else ""
        if not hits:
            raise UnknownCategory(f"no {what}小类 '{text}' in {self.source}")
        both = ", ".join(f"{KIND_LABELS[c.kind]} {c.code} {c.name}" for c in hits)
        raise UnknownCategory(f"'{text}' is ambiguous in {self.source} ({both}); say which kind")

    def of_kind(self, kind: Kind) -> list[Category]:
        return [c for c in self.categories if c.kind == kind]

    def majors(self, kind: Kind) -> list[tuple[str, str]]:
        """(code, name) of each 大类 of ``kind`` in file order."""
        seen: dict[str, str] = {}
        for c in self.of_kind(kind):
            seen.setdefault(c.major_code, c.major_name)
        return list(seen.items())

    def frame(self) -> pl.DataFrame:
        """kind, code, name, major_code, major_name, extension — for joins with a cases frame."""
        cols = ("kind", "code", "name", "major_code", "major_name", "extension")
        return pl.DataFrame(
            [(c.kind, c.code, c.name, c.major_code, c.major_name, c.extension) for c in self.categories],
            schema=dict(zip(cols, (pl.String,) * 5 + (pl.Boolean,), strict=True)),
            orient="row",
        )


def load_categories(path: Path | str | None = None) -> Catalogue:
    """The catalogue in ``path`` (default: the bundled ``cases/data/categories.yaml``); ConfigError if unusable."""
    data, label = read_yaml(Path(path) if path is not None else None, "categories.yaml")
    if not isinstance(data, dict):
        raise ConfigError(label, ["expected a mapping at the top (standard:, components:, events:, extension:)"])
    try:
        parsed = _CategoryFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(label, pydantic_problems(exc)) from exc
    problems: list[str] = []
    found: list[Category] = []
    for kind, key, standard, extension in (
        ("component", "components", parsed.components, parsed.extension.components),
        ("event", "events", parsed.events, parsed.extension.events),
    ):
        found += _kind_categories(kind, key, standard, extension, problems)  # type: ignore[arg-type]
    if problems:
        raise ConfigError(label, problems)
    return Catalogue(parsed.standard, label, tuple(found))


def _kind_categories(
    kind: Kind, key: str, standard: list[_Major], extension: list[_Major], problems: list[str]
) -> list[Category]:
    """The 小类 of one kind, standard first; problems appended with their place in the file."""
    label = KIND_LABELS[kind]
    majors: dict[str, str] = {}
    out: list[Category] = []
    codes: dict[str, str] = {}
    names: dict[str, str] = {}
    sections = [(f"{key}[{i}]", m, False) for i, m in enumerate(standard)]
    sections += [(f"extension.{key}[{i}]", m, True) for i, m in enumerate(extension)]
    for where, major, is_extension in sections:
        if not is_extension or major.code not in majors:
            if major.name is None:
                known = ", ".join(f"{c} {n}" for c, n in majors.items())
                problems.append(f"{where}: unknown {label}大类 '{major.code}' and no name given (known: {known})")
                continue
            if major.code in majors:
                problems.append(f"{where}: {label}大类 '{major.code}' is defined twice")
                continue
            majors[major.code] = major.name
        elif major.name is not None and major.name != majors[major.code]:
            problems.append(
                f"{where}: {label}大类 '{major.code}' is {majors[major.code]}, not {major.name}; "
                "leave out the name to add 小类 to it"
            )
            continue
        for code, name in major.subs.items():
            at = f"{where}.subs.{code}"
            if len(code) != 4 or not code.isdigit() or not code.startswith(major.code):
                problems.append(
                    f"{at}: {label}小类 code '{code}' must be 4 digits starting with its 大类 code '{major.code}'"
                )
                continue
            if code in codes:
                problems.append(f"{at}: {label}小类 code {code} is used twice ({codes[code]} and {name})")
                continue
            if name in names:
                problems.append(f"{at}: {label}小类 name {name} is used twice (codes {names[name]} and {code})")
                continue
            codes[code], names[name] = name, code
            out.append(Category(kind, code, name, majors[major.code], is_extension))
    return out
