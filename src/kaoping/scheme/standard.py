"""Standards catalogues (扣分标准 / 考评标准): what each kind of problem costs, as a versioned file beside a scheme.

A plan says "deduct by the standard"; the standard itself is a long table an office revises every year:
per item (考评内容) the kinds of problem (问题类型) with a code, a name, the standard points — per occurrence,
per square metre or per place —, an optional cap per finding, and the checklists (明检表/暗检表, 日常考评/月督查)
it is used on.  Kept as data rather than in the scheme so that a new year's standard is a new file with a
new ``version``, and a deduction row that names a problem kind gets its points from one place: a row whose
points disagree with the standard must say why (调整理由), or it is an input error.

Pure: parsing, validating and computing points; no store, io or web.  The rows are checked against it in
:mod:`kaoping.engine.consistency`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError

from kaoping.errors import FileProblems
from kaoping.scheme.base import Strict
from kaoping.scheme.bounds import MAX_BYTES, TooLarge, load_yaml


class StandardError(FileProblems):
    """A standards file that cannot be used: names file, path inside it, and what was expected."""

    what = "standard"


class Per(StrEnum):
    """What the standard points are counted per (计分单位)."""

    OCCURRENCE = "occurrence"  # 每处/每例/每次: one finding, quantity 1
    SQUARE_METRE = "m2"  # 每平方米: the row's quantity is the area
    PLACE = "place"  # 每处 where one row counts several places: the row's quantity is the count


PER_NAMES: dict[Per, tuple[str, str]] = {
    Per.OCCURRENCE: ("每次", "per occurrence"),
    Per.SQUARE_METRE: ("每平方米", "per m²"),
    Per.PLACE: ("每处", "per place"),
}


class ProblemKind(Strict):
    """One kind of problem (问题类型): its code (unique in the standard), name and standard points."""

    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    points: Decimal = Field(gt=0, le=1000)
    per: Per = Per.OCCURRENCE
    cap: Decimal | None = Field(default=None, gt=0, le=1000)
    """The most one finding (one row) costs, whatever its quantity (单次最高扣分)."""
    checklists: list[str] = Field(default_factory=list)
    """The checklists this kind is on; empty: those of its item."""
    note: str | None = None


class StandardItem(Strict):
    """One item (考评内容) of the standard with its kinds of problem."""

    name: str = Field(min_length=1, max_length=200)
    checklists: list[str] = Field(default_factory=list)
    """The checklists the item is on; empty: every checklist of the standard."""
    cap: Decimal | None = Field(default=None, gt=0, le=1000)
    """The most the item costs in a period (单项扣完为止); must agree with the scheme's item_cap if it has one."""
    problems: list[ProblemKind] = Field(min_length=1, max_length=2000)


class Standard(Strict):
    """A whole standards catalogue (扣分标准)."""

    standard: str = Field(min_length=1, max_length=100)
    title: str
    version: int = Field(default=1, ge=1)
    source_document: str | None = None
    notes: list[str] = Field(default_factory=list)
    """Where the catalogue is read from the plan rather than given by it (an office checks these first)."""
    checklists: list[str] = Field(min_length=1)
    """The checklists (检查表) — each the name of a deduction part of the scheme (明检, 暗检; 日常考评 ...)."""
    items: list[StandardItem] = Field(min_length=1, max_length=500)

    def kinds(self) -> dict[str, Entry]:
        """Code → the kind with its item and its checklists resolved."""
        out: dict[str, Entry] = {}
        for item in self.items:
            sheets = item.checklists or self.checklists
            for kind in item.problems:
                out[kind.code] = Entry(kind, item.name, tuple(kind.checklists or sheets))
        return out


@dataclass(frozen=True)
class Entry:
    """A problem kind as a row is checked against it: the kind, its item and the checklists it is on."""

    kind: ProblemKind
    item: str
    checklists: tuple[str, ...]

    def points(self, quantity: Decimal | None) -> Decimal:
        """The standard points of one finding: points × quantity (1 for a per-occurrence kind), capped."""
        qty = Decimal(1) if self.kind.per is Per.OCCURRENCE or quantity is None else quantity
        total = self.kind.points * qty
        return min(total, self.kind.cap) if self.kind.cap is not None else total

    def explain(self, quantity: Decimal | None) -> tuple[str, str]:
        """How :meth:`points` was computed, in Chinese and English (for messages and pages)."""
        k = self.kind
        per_zh, per_en = PER_NAMES[k.per]
        zh = f"{k.code} {k.name}：{per_zh} {_n(k.points)} 分"
        en = f"{k.code} {k.name}: {_n(k.points)} {per_en}"
        if k.per is not Per.OCCURRENCE:
            q = _n(quantity if quantity is not None else Decimal(1))
            zh += f" × {q}"
            en += f" × {q}"
        if k.cap is not None:
            zh += f"，单次最高 {_n(k.cap)} 分"
            en += f", at most {_n(k.cap)} a finding"
        return zh, en


def _n(x: Decimal) -> str:
    return format(x.normalize(), "f")


def check_standard(s: Standard) -> list[str]:
    """Whole-file checks: codes unique, names unique per item, checklists known, caps not below the points."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    if len(set(s.checklists)) != len(s.checklists):
        problems.append("checklists: a checklist is listed twice")
    for i, item in enumerate(s.items):
        where = f"items[{i}] ({item.name})"
        for sheet in item.checklists:
            if sheet not in s.checklists:
                problems.append(f"{where}.checklists: '{sheet}' is not one of {s.checklists}")
        names: set[str] = set()
        for j, kind in enumerate(item.problems):
            at = f"{where}.problems[{j}] ({kind.code})"
            if kind.code in seen:
                problems.append(f"{at}.code: '{kind.code}' is already used by {seen[kind.code]}")
            seen.setdefault(kind.code, at)
            if kind.name in names:
                problems.append(f"{at}.name: '{kind.name}' appears twice in this item")
            names.add(kind.name)
            for sheet in kind.checklists:
                if sheet not in (item.checklists or s.checklists):
                    problems.append(f"{at}.checklists: '{sheet}' is not a checklist of its item")
            if kind.cap is not None and kind.cap < kind.points:
                problems.append(f"{at}.cap: {_n(kind.cap)} is below its points {_n(kind.points)}")
    if len({i.name for i in s.items}) != len(s.items):
        problems.append("items: an item is listed twice")
    return problems


def parse_standard(text: str, file: str) -> Standard:
    """Parse and validate a standards file; ``file`` is only used in messages."""
    try:
        data = load_yaml(text)
    except TooLarge as exc:
        raise StandardError(file, [str(exc)]) from None
    except yaml.YAMLError as exc:
        raise StandardError(file, [f"not valid YAML: {exc}"]) from exc
    if not isinstance(data, dict):
        raise StandardError(file, ["expected a mapping at the top (standard:, title:, checklists:, items: ...)"])
    try:
        parsed = Standard.model_validate(data)
    except ValidationError as exc:
        raise StandardError(file, [_describe(e) for e in exc.errors()]) from None
    problems = check_standard(parsed)
    if problems:
        raise StandardError(file, problems)
    return parsed


def _describe(err: Any) -> str:
    path = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in err["loc"]).lstrip(".")
    got = f" (got {err['input']!r:.80})" if not isinstance(err.get("input"), dict | list) else ""
    return f"{path or '(top)'}: {err['msg']}{got}"


STANDARDS_FOLDER = "standards"
"""Built-in standards live in ``scheme/builtin/standards/`` (not among the schemes, which ``kaoping schemes`` lists)."""


def builtin_standard_names() -> list[str]:
    folder = resources.files("kaoping.scheme") / "builtin" / STANDARDS_FOLDER
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def standard_text(name_or_path: str, beside: str | None = None) -> tuple[str, str]:
    """The text of a standard and its label: a built-in name, or a path (relative to the scheme file ``beside``)."""
    if not name_or_path.endswith((".yaml", ".yml")):
        path = resources.files("kaoping.scheme") / "builtin" / STANDARDS_FOLDER / f"{name_or_path}.yaml"
        if path.is_file():
            return path.read_text(encoding="utf-8"), f"builtin:{name_or_path}"
    file = Path(name_or_path)
    if not file.is_absolute() and beside is not None and Path(beside).is_file():
        file = Path(beside).parent / file
    if not file.is_file():
        known = ", ".join(builtin_standard_names())
        raise StandardError(name_or_path, [f"no such standards file or built-in standard; built-in: {known}"])
    if file.stat().st_size > MAX_BYTES:
        raise StandardError(str(file), [f"the file is larger than {MAX_BYTES} bytes — 标准文件过大"])
    try:
        return file.read_text(encoding="utf-8"), str(file)
    except UnicodeDecodeError as exc:
        raise StandardError(str(file), [f"not UTF-8 text (byte {exc.start}) — 文件须为 UTF-8 编码"]) from None


def load_standard(name_or_path: str, beside: str | None = None) -> Standard:
    """Load a built-in standard by name, or a standards file by path."""
    return parse_standard(*standard_text(name_or_path, beside))


def check_against_scheme(
    s: Standard, deduction_parts: dict[str, str], item_caps: dict[str, Decimal | None], version: int | None
) -> list[str]:
    """What a scheme says that the standard must agree with.

    ``deduction_parts``: every name (and alias) of the scheme's deduction parts → the part's name;
    ``item_caps``: part name → its item_cap.  A checklist must be a deduction part; an item's cap must equal
    the part's item_cap (two caps for one item would be two rules in two places); ``version`` pins the standard.
    """
    problems: list[str] = []
    where = f"standard '{s.standard}'"
    if version is not None and version != s.version:
        problems.append(f"standard_version: {version}, but {where} is version {s.version}")
    for sheet in s.checklists:
        if sheet not in deduction_parts:
            problems.append(f"standard: checklist '{sheet}' of {where} is not a deduction part of the scheme")
    for item in s.items:
        for sheet in item.checklists or s.checklists:
            cap = item_caps.get(deduction_parts.get(sheet, ""))
            if item.cap is not None and cap is not None and item.cap != cap:
                problems.append(
                    f"standard: item '{item.name}' of {where} is capped at {_n(item.cap)}, "
                    f"the scheme's part {sheet} at item_cap {_n(cap)}"
                )
    return problems
