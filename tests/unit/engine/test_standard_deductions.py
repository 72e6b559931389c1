"""Deductions that name a problem kind of the scheme's standard (扣分标准), worked out by hand.

nansha, 2024-06 (standard src/kaoping/scheme/builtin/standards/nansha-standard.yaml; units as examples/nansha):

  row  unit 表   考评内容        kind     standard                      quantity  points
   2   ns  明检  市容环境卫生    MJ0101   1 per place                   3         3
   3   ns  明检  市容环境卫生    MJ0103   0.2 per m², cap 3             12        2.4
   4   ns  暗检  占道经营        AJ0203   3 (暗检 only)                           3
   5   zj  明检  违法建设治理    MJ0402   0.1 per m², cap 5             80        8 → capped 5
   6   zj  明检  违法建设治理    MJ0401   4                                       4
   7   zj  暗检  河涌水务        AJ0602   4, lowered with a reason                2
   8   hg  明检  市政设施管理    MJ1001   2                                       2
   9   hg  明检  市容环境卫生    (none: free points as before)                    1.5

  ns 明检 100 − 5.4 = 94.6, 暗检 97 → 94.6 × 40% + 97 × 60% = 37.84 + 58.2 = 96.04
  zj 明检 100 − 9 = 91 (违法建设治理 9, below the item cap 10), 暗检 98 → 36.4 + 58.8 = 95.2
  hg 明检 100 − 3.5 = 96.5, 暗检 100 → 38.6 + 60 = 98.6
  dc, dg no rows: 100.  Ranks dc 1, dg 1, hg 3, ns 4, zj 5.

district-onsite, 2024-06 (standard district-onsite-standard.yaml; units as examples/district-onsite):
  u1 日常考评 SJ0103 积存垃圾渣土 0.5 per m² × 4 = 2, SJ0104 道路不洁 1 → 20 − 3 = 17
     月督查考评 SJ0509 露天烧烤 2 (月督查 only) → 10 − 2 = 8;  total 25
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from examples_testing import EXAMPLES
from kaoping.errors import InputErrors
from kaoping.scheme import builtin_text, parse_scheme
from scheme_testing import ranks, score_example, unit

HEADER = "date,unit_id,part,item,points,source,problem,problem_kind,quantity,override_reason\n"


def _folder(tmp_path: Path, scheme: str, rows: str) -> Path:
    shutil.copy(EXAMPLES / scheme / "units.csv", tmp_path / "units.csv")
    (tmp_path / "deductions.csv").write_text(HEADER + rows, encoding="utf-8")
    return tmp_path


NANSHA_JUNE = """\
2024-06-03,ns,明检,市容环境卫生,3,区城管局专项考评组,暴露垃圾3处,MJ0101,3,
2024-06-03,ns,明检,市容环境卫生,2.4,区城管局专项考评组,路面污渍12平方米,MJ0103,12,
2024-06-18,ns,暗检,占道经营,3,区城管执法分局专项考评组,夜市占道,AJ0203,,
2024-06-04,zj,明检,违法建设治理,5,区城管执法分局专项考评组,余泥80平方米,MJ0402,80,
2024-06-04,zj,明检,违法建设治理,4,区城管执法分局专项考评组,新增违建,MJ0401,,
2024-06-19,zj,暗检,河涌水务,2,区水务局专项考评组,排水口直排,AJ0602,,已截流，考评组酌减一半
2024-06-05,hg,明检,市政设施管理,2,区城管局专项考评组,井盖缺失,MJ1001,,
2024-06-05,hg,明检,市容环境卫生,1.5,区城管局专项考评组,垃圾桶破损,,,
"""


def test_nansha_points_from_the_standard(tmp_path: Path) -> None:
    june = score_example("nansha", "2024-06", _folder(tmp_path, "nansha", NANSHA_JUNE))
    assert unit(june, "ns").parts == {"明检": Decimal("94.6"), "暗检": 97}
    assert unit(june, "zj").parts == {"明检": 91, "暗检": 98}
    assert unit(june, "hg").parts == {"明检": Decimal("96.5"), "暗检": 100}
    assert unit(june, "ns").total == Decimal("96.04")
    assert unit(june, "zj").total == Decimal("95.2")
    assert unit(june, "hg").total == Decimal("98.6")
    assert ranks(june, "镇街", only=True) == [("dc", 1), ("dg", 1), ("hg", 3), ("ns", 4), ("zj", 5)]


def test_district_onsite_points_from_the_standard(tmp_path: Path) -> None:
    rows = """\
2024-06-03,u1,日常考评,道路保洁,2,日常考评小组,渣土4平方米,SJ0103,4,
2024-06-10,u1,日常考评,道路保洁,1,日常考评小组,路面不洁,SJ0104,,
2024-06-21,u1,月督查考评,店外经营,2,月督查考评小组,露天烧烤,SJ0509,,
"""
    june = score_example("district-onsite", "2024-06", _folder(tmp_path, "district-onsite", rows))
    assert unit(june, "u1").parts == {"日常考评": 17, "月督查考评": 8}
    assert unit(june, "u1").total == 25


def _problems(scheme: str, folder: Path, period: str = "2024-06") -> list[str]:
    with pytest.raises(InputErrors) as err:
        score_example(scheme, period, folder)
    return [e.describe() for e in err.value.errors]


def test_rows_that_disagree_with_the_standard_are_input_errors(tmp_path: Path) -> None:
    rows = """\
2024-06-03,ns,明检,市容环境卫生,1,组,不明问题,XX99,,
2024-06-03,ns,明检,占道经营,1,组,暴露垃圾,MJ0101,1,
2024-06-03,ns,明检,占道经营,2,组,流动摊贩,AJ0202,,
2024-06-03,ns,明检,市容环境卫生,1,组,路面污渍,MJ0103,,
2024-06-03,ns,明检,市容环境卫生,3,组,暴露垃圾2处,MJ0101,2,
2024-06-03,ns,明检,市容环境卫生,3,组,暴露垃圾2处,MJ0101,2,周边另有1处同源垃圾
"""
    folder = _folder(tmp_path, "nansha", rows)
    label = str(folder / "deductions.csv")
    assert _problems("nansha", folder) == [
        f"{label}，第 2 行，列“problem_kind”：扣分标准 nansha-standard 中没有问题类型编号“XX99”："
        "应为标准所列编号，如 MJ0101、MJ0102、MJ0103、MJ0104、MJ0201",
        f"{label}，第 3 行，列“item”：问题类型 MJ0101 属于考评内容“市容环境卫生”，本行考评内容为“占道经营”",
        f"{label}，第 4 行，列“part”：问题类型 AJ0202 不在“明检”检查表上：它属于 暗检",
        f"{label}，第 5 行，列“quantity”：问题类型 MJ0103 按每平方米计分：应填写数量（大于 0）",
        f"{label}，第 6 行，列“points”：扣分 3 与扣分标准不符：应为 2 分（MJ0101 暴露垃圾：每处 1 分 × 2）；"
        "如确需调整，请填写调整理由",
    ]


def test_a_kind_named_where_the_scheme_has_no_standard(tmp_path: Path) -> None:
    text = builtin_text("nansha")
    assert text is not None
    scheme = parse_scheme(text.replace("standard: nansha-standard", "").replace("standard_version: 1", ""), "n.yaml")
    assert scheme.catalogue is None
    folder = _folder(tmp_path, "nansha", "2024-06-03,ns,明检,市容环境卫生,1,组,暴露垃圾,MJ0101,,\n")
    from scheme_testing import ExampleRun

    with pytest.raises(InputErrors, match="方案 nansha 未引用扣分标准"):
        ExampleRun(scheme, folder, checked=True)("2024-06")
