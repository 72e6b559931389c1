"""The standards catalogue (扣分标准): parsing, whole-file checks, the scheme's link to it, points by hand."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kaoping.scheme import SchemeError, builtin_text, load_scheme, parse_scheme
from kaoping.scheme.standard import Per, StandardError, builtin_standard_names, load_standard, parse_standard

D = Decimal

SMALL = """
standard: s
title: 小标准
version: 2
checklists: [明检, 暗检]
items:
  - name: 市容
    cap: 10
    problems:
      - {code: A1, name: 暴露垃圾, points: 1}
      - {code: A2, name: 路面污渍, points: 0.2, per: m2, cap: 3}
      - {code: A3, name: 夜市占道, points: 3, checklists: [暗检]}
"""


def test_builtin_standards_load_and_the_schemes_refer_to_them() -> None:
    assert builtin_standard_names() == ["district-onsite-standard", "nansha-standard", "social-evaluation-standard"]
    onsite, nansha = load_scheme("district-onsite"), load_scheme("nansha")
    assert onsite.catalogue is not None and onsite.catalogue.standard == "district-onsite-standard"
    assert nansha.catalogue is not None and nansha.catalogue.checklists == ["明检", "暗检"]
    assert len(nansha.catalogue.items) == 10  # the plan's 10 aspects (考评内容)
    for scheme in (onsite, nansha):
        assert scheme.catalogue is not None and scheme.catalogue.notes, "says what is read from the plan"
    assert load_scheme("guilin-2023").catalogue is None


def test_points_worked_by_hand() -> None:
    kinds = parse_standard(SMALL, "s.yaml").kinds()
    assert kinds["A1"].points(None) == 1  # per occurrence: the quantity does not count
    assert kinds["A1"].points(D(5)) == 1
    assert kinds["A2"].kind.per is Per.SQUARE_METRE
    assert kinds["A2"].points(D(12)) == D("2.4")  # 0.2 × 12 m²
    assert kinds["A2"].points(D(20)) == 3  # 0.2 × 20 = 4, capped at 3 a finding
    assert kinds["A3"].checklists == ("暗检",) and kinds["A1"].checklists == ("明检", "暗检")
    assert kinds["A2"].item == "市容"
    zh, en = kinds["A2"].explain(D(20))
    assert zh == "A2 路面污渍：每平方米 0.2 分 × 20，单次最高 3 分"
    assert en == "A2 路面污渍: 0.2 per m² × 20, at most 3 a finding"


def test_whole_file_problems_all_at_once() -> None:
    bad = SMALL.replace("code: A2", "code: A1").replace("cap: 3", "cap: 0.1").replace("[暗检]}", "[夜检]}")
    with pytest.raises(StandardError) as err:
        parse_standard(bad, "bad.yaml")
    text = str(err.value)
    assert "invalid standard bad.yaml" in text
    assert "items[0] (市容).problems[1] (A1).code: 'A1' is already used by items[0] (市容).problems[0] (A1)" in text
    assert "cap: 0.1 is below its points 0.2" in text
    assert "checklists: '夜检' is not a checklist of its item" in text


def test_shape_errors_name_the_path() -> None:
    with pytest.raises(StandardError, match=r"items\[0\]\.problems\[0\]\.points: Input should be greater than 0"):
        parse_standard(SMALL.replace("points: 1}", "points: 0}"), "x.yaml")
    with pytest.raises(StandardError, match=r"per: Input should be 'occurrence', 'm2' or 'place'"):
        parse_standard(SMALL.replace("per: m2", "per: km"), "x.yaml")


def _nansha_with(standard_line: str) -> str:
    text = builtin_text("nansha")
    assert text is not None
    return text.replace("standard: nansha-standard", standard_line)


def test_scheme_and_standard_must_agree(tmp_path: Path) -> None:
    (tmp_path / "std.yaml").write_text(SMALL.replace("cap: 10", "cap: 8"), encoding="utf-8")
    scheme_file = tmp_path / "nansha.yaml"
    scheme_file.write_text(_nansha_with("standard: std.yaml"), encoding="utf-8")  # a path beside the scheme
    with pytest.raises(SchemeError) as err:
        load_scheme(str(scheme_file))
    text = str(err.value)
    assert "standard_version: 1, but standard 's' is version 2" in text
    assert "item '市容' of standard 's' is capped at 8, the scheme's part 明检 at item_cap 10" in text
    (tmp_path / "std.yaml").write_text(SMALL.replace("version: 2", "version: 1"), encoding="utf-8")
    assert load_scheme(str(scheme_file)).catalogue is not None


def test_unknown_standard_and_unknown_checklist(tmp_path: Path) -> None:
    with pytest.raises(SchemeError, match="no such standards file or built-in standard"):
        parse_scheme(_nansha_with("standard: no-such-standard"), "n.yaml")
    (tmp_path / "std.yaml").write_text(SMALL.replace("[明检, 暗检]", "[明检, 夜检]").replace("[暗检]}", "[夜检]}"))
    (tmp_path / "n.yaml").write_text(_nansha_with("standard: std.yaml").replace("standard_version: 1", ""))
    with pytest.raises(SchemeError, match="checklist '夜检' of standard 's' is not a deduction part of the scheme"):
        load_scheme(str(tmp_path / "n.yaml"))


def test_load_standard_by_path(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(SMALL, encoding="utf-8")
    assert load_standard(str(tmp_path / "s.yaml")).version == 2
