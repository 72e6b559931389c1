"""Whole-document checks of a scheme: the rules no single field can see.

Weights that do not add up to 100, a part named twice, a tie-break by an unknown part, reward tiers for
a group that does not exist or beyond its size, formulas naming unknown things — each is reported with
its path in the file, all at once, so an office fixes a scheme in one pass.
"""

from __future__ import annotations

from decimal import Decimal

from kaoping.cases.metrics import METRIC_NAMES, no_case_metrics
from kaoping.periods import PeriodKind
from kaoping.scheme.formula import FormulaError, check_formula
from kaoping.scheme.grades import check_bands
from kaoping.scheme.model import (
    CasesLeaf,
    Combine,
    DeductionsLeaf,
    FailedVerifications,
    FirstInGroup,
    FlaggedEarlier,
    GradeIs,
    ItemsRule,
    LastInGroup,
    Node,
    Part,
    Scheme,
    ScoreBonus,
    ScoresLeaf,
    TotalBelow,
)
from kaoping.scheme.traps import check_traps, formula_name_problem

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)
"""Sample values a formula is tried with at load (a part without a maximum is tried at 100)."""


def check_scheme(s: Scheme, *, published: bool = False) -> list[str]:
    """Every whole-document problem; ``published``: without the traps that refuse what once loaded."""
    problems: list[str] = []
    problems += _check_periods(s)
    problems += check_traps(s, published=published)
    if s.combine == "weighted":
        for g in s.groups:
            where = f"(top level, group {g.name})" if any(p.groups for p in s.parts) else "(top level)"
            problems += _check_weights(s.root(g.name), where)
    group_names = {g.name for g in s.groups}
    for i, part in enumerate(s.parts):
        unknown = [g for g in part.groups if g not in group_names]
        if unknown:
            problems.append(f"parts[{i}] ({part.name}).groups: unknown group(s) {unknown}")
    for part in s.all_parts():
        if part.groups and part not in s.parts:
            problems.append(f"part {part.name}: 'groups' applies to top-level parts only")
    for i, part in enumerate(s.parts):
        problems += _check_part(s, part, f"parts[{i}] ({part.name})")
    problems += _check_groups_and_rewards(s)
    problems += _check_grades(s)
    problems += _check_penalties_and_windows(s)
    problems += _check_report_only(s)
    if isinstance(s.display.ties, list):
        known = {p.name for p in s.all_parts()}
        for j, name in enumerate(s.display.ties):
            if name not in known:
                problems.append(f"display.ties[{j}]: unknown part '{name}'; expected one of {sorted(known)}")
    return problems


def _check_periods(s: Scheme) -> list[str]:
    out: list[str] = []
    if not s.periods:
        return ["periods: expected at least one period kind (month, quarter, half or year)"]
    if all(rule.from_ is not None for rule in s.periods.values()):
        out.append("periods: at least one period kind must be evaluated directly (without 'from')")
    for kind, rule in s.periods.items():
        if rule.from_ is None:
            continue
        if rule.from_ not in s.periods:
            out.append(f"periods.{kind.value}.from: '{rule.from_.value}' is not one of this scheme's periods")
        elif rule.from_.size >= kind.size:
            plural = "halves" if rule.from_ is PeriodKind.HALF else f"{rule.from_.value}s"
            out.append(f"periods.{kind.value}.from: a {kind.value} cannot be made of {plural}")
    return out


def _check_part(s: Scheme, part: Part, path: str) -> list[str]:
    """One part and, for a node, everything below it: the checks of its kind."""
    out: list[str] = []
    if part.max is not None and part.max < part.min:
        out.append(f"{path}.max: {part.max} is below min {part.min}")
    match part:
        case Node():
            out += _check_node(s, part, path)
        case ScoresLeaf():
            out += _check_scores(s, part, path)
        case DeductionsLeaf():
            if part.max is None:
                out.append(f"{path}.max: a deduction part needs its maximum (the points deductions start from)")
            out += _check_items(s, part.items, path)
        case CasesLeaf():
            if not part.formula:
                out.append(f"{path}.formula: a cases part needs a formula over case metrics, e.g. 结案率 * 0.6 + ...")
            else:
                samples = [no_case_metrics(), dict.fromkeys(METRIC_NAMES, ONE), dict.fromkeys(METRIC_NAMES, HUNDRED)]
                out += _check_formula(part.formula, set(METRIC_NAMES), path, samples)
    return out


def _check_scores(s: Scheme, part: ScoresLeaf, path: str) -> list[str]:
    out: list[str] = []
    if not part.source_given:
        out.append(f"{path}.source: a part without sub-parts needs a source (scores, deductions or cases)")
    out += _check_items(s, part.items, path)
    if part.scorers == Combine.LATEST:
        out.append(f"{path}.scorers: 'latest' has no meaning for rows of one period; use mean, sum, max or min")
    return out + _check_owed(s, part, path)


def _check_owed(s: Scheme, part: ScoresLeaf, path: str) -> list[str]:
    """``by`` goes with ``due`` and names items the part has (应报分数, scheme/due.py)."""
    if part.by is None:
        return []
    if part.due is None:
        return [f"{path}.by: 报送单位须与报送时限 due 同时写明（未写 due 的项目不催报）"]
    if not isinstance(part.by, dict):
        return []
    if part.items == "group":
        known = {i for g in s.groups for i in g.items}
    elif isinstance(part.items, list):
        known = set(part.items)
    else:
        return [f"{path}.by: 本项目不分考评内容（items: {part.items}），报送单位请写成列表"]
    unknown = [i for i in part.by if i not in known]
    return [f"{path}.by: {unknown} 不是本项目的考评内容"] if unknown else []


def _check_items(s: Scheme, items: ItemsRule, path: str) -> list[str]:
    if items == "group" and not all(g.items for g in s.groups):
        empty = [g.name for g in s.groups if not g.items]
        return [f"{path}.items: 'group' but group(s) {empty} list no items"]
    return []


def _check_formula(formula: str, names: set[str], path: str, samples: list[dict[str, Decimal]]) -> list[str]:
    try:
        check_formula(formula, names, samples)
    except FormulaError as exc:
        return [f"{path}.formula: {exc}"]
    return []


def _check_node(s: Scheme, part: Node, path: str) -> list[str]:
    out: list[str] = []
    match part.combine:
        case "weighted":
            out += _check_weights(part, path)
        case "formula":
            if not part.formula:
                out.append(f"{path}.formula: combine is 'formula' but no formula is given")
            else:
                tops = {c.name: c.max if c.max is not None else HUNDRED for c in part.parts}
                samples = [dict.fromkeys(tops, ZERO), dict.fromkeys(tops, ONE), tops]
                failed = _check_formula(part.formula, set(tops), path, samples)
                trap = formula_name_problem(path, part.formula, list(tops), failed=bool(failed))
                out += [trap] if trap is not None else failed
        case "sum":
            if part.max is not None and all(c.max is not None for c in part.parts):
                total = sum((c.max or Decimal(0) for c in part.parts), Decimal(0))
                if total > part.max:
                    out.append(f"{path}: its parts' maxima add up to {total}, more than its max {part.max}")
    for i, child in enumerate(part.parts):
        out += _check_part(s, child, f"{path}.parts[{i}] ({child.name})")
    return out


def _check_penalties_and_windows(s: Scheme) -> list[str]:
    out: list[str] = []
    for i, pen in enumerate(s.penalties):
        if (pen.escalate_after is None) != (pen.escalated_points is None):
            out.append(f"penalties[{i}] ({pen.name}): escalate_after and escalated_points go together")
    for i, w in enumerate(s.inspection_windows):
        bad = [m for m in w.months if not 1 <= m <= 12]
        if bad:
            out.append(f"inspection_windows[{i}].months: {bad} are not months 1–12")
        for key in ("start", "end"):
            h, m = (int(x) for x in getattr(w, key).split(":"))
            if h > 23 or m > 59:
                out.append(f"inspection_windows[{i}].{key}: '{getattr(w, key)}' is not a time of day")
    months = [m for w in s.inspection_windows for m in w.months]
    if len(months) != len(set(months)):
        out.append("inspection_windows: a month is in two windows")
    return out


def _check_weights(part: Node, path: str) -> list[str]:
    missing = [c.name for c in part.parts if c.weight is None]
    if missing:
        return [f"{path}.parts: weighted, but {missing} have no weight"]
    total = sum((c.weight or Decimal(0) for c in part.parts), Decimal(0))
    if total != 100:
        detail = " + ".join(f"{c.name} {c.weight}" for c in part.parts)
        return [f"{path}.parts: weights add up to {total}, expected 100 ({detail})"]
    return []


def _check_groups_and_rewards(s: Scheme) -> list[str]:
    out: list[str] = []
    names = [g.name for g in s.groups]
    if not names:
        out.append("groups: expected at least one group")
    if len(set(names)) != len(names):
        out.append(f"groups: group names must be unique, got {names}")
    for gname, tiers in s.rewards.tiers.items():
        group = s.group(gname)
        if group is None:
            out.append(f"rewards.tiers.{gname}: unknown group; expected one of {names}")
            continue
        for side in ("top", "bottom"):
            amounts: list[int] = getattr(tiers, side)
            if group.size is not None and len(amounts) > group.size:
                out.append(f"rewards.tiers.{gname}.{side}: {len(amounts)} tiers but the group has {group.size} units")
    for i, rule in enumerate(s.bonus.rules):
        if isinstance(rule, ScoreBonus) and rule.same_item == Combine.LATEST:
            out.append(f"bonus.rules[{i}] ({rule.name}).same_item: 'latest' is not defined; use max, sum, mean or min")
    return out + _check_flags(s)


def _check_flags(s: Scheme) -> list[str]:
    out: list[str] = []
    names = [g.name for g in s.groups]
    earlier: list[str] = []
    for i, flag in enumerate(s.flags):
        where = f"flags[{i}] ({flag.code})"
        condition = flag.condition
        if flag.also_given:
            given = "bottom, top, below, flagged, rank, failed_verifications or grade"
            out.append(f"{where}: give one condition ({given}), not several")
        if isinstance(condition, FailedVerifications) and flag.consecutive > 1:
            out.append(f"{where}.consecutive: failed_verifications counts one period; consecutive is not supported")
        if isinstance(condition, FlaggedEarlier) and condition.flagged not in earlier:
            out.append(f"{where}.flagged: '{condition.flagged}' is not the code of an earlier flag rule {earlier}")
        earlier.append(flag.code)
        unknown = [g for g in flag.groups if g not in names]
        if unknown:
            out.append(f"{where}.groups: unknown group(s) {unknown}; expected some of {names}")
        if isinstance(condition, GradeIs):
            out += _check_grade_flag(s, flag.groups, condition.grade, where)
        if isinstance(condition, LastInGroup):
            scoped = [g for g in s.groups if not flag.groups or g.name in flag.groups]
            too_small = [g.name for g in scoped if g.size is not None and condition.bottom > g.size]
            if too_small:
                out.append(f"{where}.bottom: {condition.bottom} is beyond the size of {too_small}")
    return out


def _check_grades(s: Scheme) -> list[str]:
    """The scheme's grade bands and each group's own, in order and without overlap (等次, grades.py)."""
    out = check_bands(s.grades, "grades")
    for i, g in enumerate(s.groups):
        if g.grades is not None:
            out += check_bands(g.grades, f"groups[{i}] ({g.name}).grades")
    return out


def _check_grade_flag(s: Scheme, groups: list[str], grade: str, where: str) -> list[str]:
    """A flag by grade names a grade of every group it applies to (a typo would never flag anyone)."""
    scoped = [g.name for g in s.groups if not groups or g.name in groups]
    missing = [g for g in scoped if grade not in {b.name for b in s.grades_of(g)}]
    if not missing:
        return []
    return [f"{where}.grade: “{grade}”不是分组 {missing} 的等次；请在 grades 中写明该等次或改正名称"]


REPORT_ONLY = "通报型方案（report_only）不计总分、不排名"


def _check_report_only(s: Scheme) -> list[str]:
    """A report-only scheme publishes each unit's parts and nothing made from a total or a rank: whatever would
    read one is refused by its path (rather than computed on a ranking nobody sees)."""
    if not s.report_only:
        return []
    out: list[str] = []
    if s.rewards.tiers:
        out.append(f"rewards.tiers: {REPORT_ONLY}，不能按名次奖惩 (a report-only scheme has no ranking to reward)")
    if s.rewards.disqualify is not None:
        out.append(f"rewards.disqualify: {REPORT_ONLY}，没有可取消的奖励 (no reward to disqualify from)")
    for i, rule in enumerate(s.flags):
        if isinstance(rule.condition, LastInGroup | FirstInGroup | TotalBelow):
            out.append(
                f"flags[{i}] ({rule.code}): {REPORT_ONLY}，不能按末位、前列或总分标记（未写条件时默认为末位）"
                " (bottom, top and below need a ranking or a total)"
            )
    if isinstance(s.display.ties, list):
        out.append(f"display.ties: {REPORT_ONLY}，无需并列名次规则 (no ranking to break ties in)")
    if s.bonus.rules:
        out.append(f"bonus: {REPORT_ONLY}，加分无处可加 (bonus is added to a total)")
    if s.penalties:
        out.append(f"penalties: {REPORT_ONLY}，扣分无处可扣 (penalties are taken from a total)")
    if s.grades or any(g.grades for g in s.groups):
        out.append(f"grades: {REPORT_ONLY}，没有总分可定等次 (grades are bands of a total)")
    for key, value in (("total_max", s.total_max), ("total_min", s.total_min)):
        if value is not None:
            out.append(f"{key}: {REPORT_ONLY}，没有总分可限 (there is no total to clamp)")
    return out
