"""What the data-entry page offers an account: which kinds it may write, and the fields of each form.

The forms are described here as data (field name = the API body's field) and drawn by one template, so a
form can never ask for a field the JSON API does not take, and the API's errors — which name the field —
land next to the right input.  What an account may choose is narrowed by the same rules the API enforces
(``roles.part_allowed``): a department is offered only its own parts, so the form does not invite a
write that would be refused; the API checks again anyway.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kaoping.api.auth import Principal
from kaoping.api.context import ApiContext
from kaoping.api.roles import WRITE_KIND_PERMS, Perm, allowed, part_allowed
from kaoping.app.facts import canonical_names
from kaoping.app.policy import scores_as_organisation
from kaoping.facts.columns import COLUMN_NAMES
from kaoping.facts.kinds import ENTRY_ORDER, KINDS
from kaoping.scheme.model import DeductionsLeaf, ItemLeaf, ScoreBonus, ScoresLeaf, Source
from kaoping.store.tables import Unit
from kaoping.web.entry_kinds import KindOption, kind_options

FORM_KINDS: tuple[str, ...] = tuple(kind.value for kind in ENTRY_ORDER)
"""The kinds with a single-row form, in the order the page shows them."""

KIND_NAMES = {spec.name: spec.label for spec in KINDS}
"""Chinese names of the interchange files, for headings and upload summaries."""

RECENT_COLUMNS = {
    "scores": ("period", "unit_id", "part", "item", "score", "source", "note"),
    "deductions": ("date", "time", "unit_id", "part", "item", "points", "problem", "location"),
    "notices": ("problem_id", "unit_id", "notified_on", "rectified_on"),
    "honors": ("date", "unit_id", "kind", "level", "title"),
    "ranks": ("period", "unit_id", "task", "rank"),
    "cases": ("case_id", "unit_id", "kind", "category", "reported_at", "closed_at"),
}
"""The columns of the "recently entered" tables: enough to recognise a row, narrow enough for a phone."""

LABELS = {**COLUMN_NAMES, "part": "考评部分", "item": "考评细项", "score": "分数"}
"""Field labels: the Chinese column names the Excel template prompts with, a few made plainer for a form."""

CHOICES = {
    "honor_kind": (("award", "表彰"), ("criticism", "通报批评")),
    "level": (("national", "国家部委"), ("provincial", "省委省政府"), ("provincial_dept", "省级业务主管部门")),
    "case_kind": (("event", "事件"), ("component", "部件")),
    "satisfaction": (("satisfied", "满意"), ("basic", "基本满意"), ("unsatisfied", "不满意")),
}


@dataclass(frozen=True)
class Field:
    """One input of a form; ``name`` is the JSON field the API takes (and names in its errors)."""

    name: str
    label: str
    type: str = "text"
    """text, number, date, time, datetime-local, select, pick (a select narrowed by another field), kind (the
    standard's kinds of problem, filling the points), file (a
    photo from the camera: the form is then posted as multipart with it, see :mod:`kaoping.web.entry_photo`)."""
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()
    """(value, label) of a select."""
    suggestions: tuple[str, ...] = ()
    """A datalist: values offered while any text stays allowed."""
    depends_on: str = ""
    """For a ``pick`` field (考评细项): the field whose value narrows the choices (``part``)."""
    choices_for: tuple[tuple[str, str], ...] = ()
    """For a ``pick`` field: (value of :attr:`depends_on`, choice) pairs — the items of each part."""
    open_for: tuple[str, ...] = ()
    """For a ``pick`` field: the parts whose items are free text (``items: open``): a text input instead."""
    kinds: tuple[KindOption, ...] = ()
    """For a ``kind`` field (问题类型): the standard's kinds of problem, narrowed by part and item on the page."""
    placeholder: str = ""
    step: str = ""
    readonly: bool = False
    value: str = ""
    wide: bool = False


@dataclass(frozen=True)
class Form:
    """The single-row form of one fact kind, with the notes shown above it (why a choice is narrowed)."""

    kind: str
    fields: tuple[Field, ...]
    notes: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """The kind's label in the fact registry (:data:`KIND_NAMES`): a form is titled by its kind only."""
        return KIND_NAMES[self.kind]


def writable_kinds(role: str) -> list[str]:
    """The fact kinds ``role`` may write, in page order (the policy table decides, nothing else)."""
    return [k for k in FORM_KINDS if allowed(role, WRITE_KIND_PERMS[k])]


def upload_kinds(role: str) -> list[str]:
    """What an upload by ``role`` may contain: its fact kinds, and units for the office."""
    kinds = writable_kinds(role)
    return ["units", *kinds] if allowed(role, Perm.UNITS_WRITE) else kinds


def may_name_part(who: Principal, part: str, canonical: dict[str, str]) -> bool:
    """Whether any of the account's parts covers ``part`` or one of its items (``部门考评/交通秩序管理``)."""
    if part_allowed(who, part, "", canonical):
        return True
    want = canonical.get(part, part)
    return any(canonical.get(name, name) == want for name, _, _ in (e.partition("/") for e in who.parts))


def _leaves(ctx: ApiContext, source: Source) -> list[ItemLeaf]:
    found: dict[str, ItemLeaf] = {}
    for office in ctx.schemes.values():
        for p in office.scheme.leaves():
            if isinstance(p, ScoresLeaf | DeductionsLeaf) and p.source == source:
                found.setdefault(p.name, p)
    return list(found.values())


def _part_items(ctx: ApiContext, part: ItemLeaf) -> list[str]:
    """Items a row of ``part`` may name, as far as the schemes list them (``open`` parts list none)."""
    if isinstance(part.items, list):
        return list(part.items)
    if part.items != "group":
        return []
    out: list[str] = []
    for office in ctx.schemes.values():
        if part.name not in {p.name for p in office.scheme.all_parts()}:
            continue
        top = next((t for t in office.scheme.parts if part in t.walk()), None)
        for g in office.scheme.groups:
            if top is None or not top.groups or g.name in top.groups:
                out += g.items
    return list(dict.fromkeys(out))


def _allowed_items(who: Principal, part: ItemLeaf, items: list[str], canonical: dict[str, str]) -> list[str]:
    """The items of ``part`` the account may score: all, or the ones its ``part/item`` entries name."""
    if part_allowed(who, part.name, "", canonical):
        return items
    want = canonical.get(part.name, part.name)
    named = [only for name, _, only in (e.partition("/") for e in who.parts) if canonical.get(name, name) == want]
    return [i for i in named if i]


@dataclass(frozen=True)
class PartChoice:
    """What a form offers for 考评项目 and 考评细项: the parts the account may write, each part's items."""

    names: list[str]
    items: list[tuple[str, str]]
    """(part, item): the items the scheme lists for each part (and the account may score)."""
    open: list[str]
    """Parts whose items the scheme leaves open (any text)."""

    def item_field(self, **kw: Any) -> Field:
        """考评细项 as a pick-list narrowed by the chosen part (a text input for open parts)."""
        return _f(
            "item", type="pick", depends_on="part", choices_for=tuple(self.items), open_for=tuple(self.open), **kw
        )


def _part_choice(who: Principal, ctx: ApiContext, parts: Iterable[ItemLeaf]) -> PartChoice:
    """Part names the account may write and the items each of those parts offers."""
    canonical = canonical_names(ctx)
    choice = PartChoice([], [], [])
    for p in parts:
        if not may_name_part(who, p.name, canonical):
            continue
        choice.names.append(p.name)
        if p.items == "open" and part_allowed(who, p.name, "", canonical):
            choice.open.append(p.name)
        choice.items.extend((p.name, i) for i in _allowed_items(who, p, _part_items(ctx, p), canonical))
    return choice


def _score_parts(who: Principal, ctx: ApiContext) -> PartChoice:
    bonus: dict[str, ItemLeaf] = {}
    for office in ctx.schemes.values():
        for rule in office.scheme.bonus.rules:
            if isinstance(rule, ScoreBonus):
                bonus.setdefault(rule.name, ScoresLeaf(name=rule.name, aliases=rule.aliases))
    return _part_choice(who, ctx, [*_leaves(ctx, Source.SCORES), *bonus.values()])


def unit_options(session: Session) -> tuple[tuple[str, str], ...]:
    """Every unit of the store as (unit_id, "name（unit_id，group）"), by group then id."""
    units = session.scalars(select(Unit).order_by(Unit.group, Unit.unit_id))
    return tuple((u.unit_id, f"{u.name}（{u.unit_id}，{u.group}）") for u in units)


def _f(name: str, label: str = "", **kw: Any) -> Field:
    """A field labelled with the column's Chinese name (the one the Excel template prompts with)."""
    return Field(name=name, label=label or LABELS.get(name, name), **kw)


def _reason() -> Field:
    return _f("reason", label="修改原因", placeholder="更正已有记录时填写", wide=True)


STANDARD_NOTE = "选择问题类型后，扣分按扣分标准自动填写（按平方米或处计的须填写数量）；改动分值须在“调整理由”中说明。"


def _deduction_form(who: Principal, ctx: ApiContext, unit: Field) -> Form:
    """扣分记录: 考评细项 and, where the office's schemes deduct by a standard, 问题类型 as pick-lists of the
    scheme (:mod:`kaoping.web.entry_kinds`), with the quantity and the reason for other points beside them."""
    choice = _part_choice(who, ctx, _leaves(ctx, Source.DEDUCTIONS))
    notes: list[str] = [] if choice.names else ["本系统运行的考评方案没有扣分制项目，扣分记录将无法通过校验。"]
    kinds = kind_options(ctx, choice.names)
    standard: tuple[Field, ...] = ()
    reason: tuple[Field, ...] = ()
    if kinds:
        notes.append(STANDARD_NOTE)
        standard = (
            _f("problem_kind", label="问题类型", type="kind", kinds=kinds, wide=True),
            _f("quantity", label="数量（平方米/处）", type="number", step="any"),
        )
        reason = (_f("override_reason", label="调整理由", wide=True),)
    fields = (
        _f("date", type="date", required=True),
        _f("time", type="time", step="1"),
        unit,
        _f("part", type="select", required=True, options=tuple((n, n) for n in choice.names)),
        choice.item_field(placeholder="空白 = 整个项目"),
        *standard,
        _f("points", type="number", required=True, step="any"),
        *reason,
        _f("problem", wide=True),
        _f("location"),
        _f("source", value=who.display_name),
        _f("evidence"),
        _f("photo", label="现场照片（可选，拍照或选择图片）", type="file", wide=True),
        _reason(),
    )
    return Form("deductions", fields, tuple(notes))


def build_forms(who: Principal, ctx: ApiContext, session: Session) -> list[Form]:
    """The single-row forms of the kinds ``who`` may write."""
    # no unit is chosen for the user: the first option is empty, and the API names the field if it stays so
    unit = _f("unit_id", label="考评对象", type="select", required=True, options=unit_options(session))
    forms: list[Form] = []
    for kind in writable_kinds(who.role):
        if kind == "scores":
            choice = _score_parts(who, ctx)
            scorer = scores_as_organisation(who)
            source = _f("source", readonly=scorer, value=who.scorer_name if scorer else "", placeholder="评分单位")
            fields: tuple[Field, ...] = (
                _f("period", required=True, placeholder="2024-Q2 / 2024-05"),
                unit,
                _f("part", type="select", required=True, options=tuple((n, n) for n in choice.names)),
                choice.item_field(placeholder="空白 = 整个项目"),
                _f("score", type="number", required=True, step="any"),
                source,
                _f("note", wide=True),
                _reason(),
            )
            notes = ("部门和第三方机构只能为本账号的考评项目评分，评分单位即本账号。",) if scorer else ()
            forms.append(Form(kind, fields, notes))
        elif kind == "deductions":
            forms.append(_deduction_form(who, ctx, unit))
        elif kind == "notices":
            fields = (
                _f("problem_id", required=True),
                unit,
                _f("notified_on", type="date", required=True),
                _f("rectified_on", type="date"),
                _f("points", type="number", step="any"),
                _reason(),
            )
            forms.append(Form(kind, fields))
        elif kind == "honors":
            fields = (
                _f("date", type="date", required=True),
                unit,
                _f("kind", type="select", required=True, options=CHOICES["honor_kind"]),
                _f("level", type="select", required=True, options=CHOICES["level"]),
                _f("title", wide=True),
                _reason(),
            )
            forms.append(Form(kind, fields))
        elif kind == "ranks":
            fields = (
                _f("period", required=True, placeholder="2024-05"),
                unit,
                _f("task", required=True),
                _f("rank", type="number", required=True, step="1"),
                _reason(),
            )
            forms.append(Form(kind, fields))
        elif kind == "cases":
            times = ("dispatched_at", "deadline", "disposed_at", "closed_at")
            fields = (
                _f("case_id", required=True),
                unit,
                _f("kind", type="select", required=True, options=CHOICES["case_kind"]),
                _f("category", required=True),
                _f("reported_at", type="datetime-local", required=True, step="1"),
                *(_f(t, type="datetime-local", step="1") for t in times),
                *(_f(c, type="number", step="1", value="0") for c in ("rework_count", "verify_failed", "postponed")),
                # a 12345 work order (工单): channel 12345, its 回访 answer, the order a 重复投诉 repeats
                _f("channel", placeholder="12345"),
                _f("satisfaction", type="select", options=CHOICES["satisfaction"]),
                _f("repeat_of"),
                _reason(),
            )
            forms.append(Form(kind, fields))
    return forms
