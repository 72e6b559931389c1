"""Deductions naming a problem kind of the standard, kept by the store (SQLite and PostgreSQL): problem_kind,
quantity and override_reason come back as written, and scoring from the store gives the hand-worked nansha
June of tests/unit/engine/test_standard_deductions.py (ns 96.04, zj 95.2, hg 98.6)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

from examples_testing import EXAMPLES
from kaoping.app.scoring import score_store
from kaoping.store.db import close_store, open_store, transaction
from kaoping.store.facts import load_facts
from store_testing import write_all_facts

HEADER = "date,unit_id,part,item,points,source,problem,problem_kind,quantity,override_reason\n"
ROWS = """\
2024-06-03,ns,明检,市容环境卫生,3,区城管局专项考评组,暴露垃圾3处,MJ0101,3,
2024-06-03,ns,明检,市容环境卫生,2.4,区城管局专项考评组,路面污渍12平方米,MJ0103,12,
2024-06-18,ns,暗检,占道经营,3,区城管执法分局专项考评组,夜市占道,AJ0203,,
2024-06-04,zj,明检,违法建设治理,5,区城管执法分局专项考评组,余泥80平方米,MJ0402,80,
2024-06-04,zj,明检,违法建设治理,4,区城管执法分局专项考评组,新增违建,MJ0401,,
2024-06-19,zj,暗检,河涌水务,2,区水务局专项考评组,排水口直排,AJ0602,,已截流，考评组酌减一半
2024-06-05,hg,明检,市政设施管理,2,区城管局专项考评组,井盖缺失,MJ1001,,
2024-06-05,hg,明检,市容环境卫生,1.5,区城管局专项考评组,垃圾桶破损,,,
"""


def test_kept_and_scored_from_the_store(db_url: str, tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "nansha" / "units.csv", tmp_path / "units.csv")
    (tmp_path / "deductions.csv").write_text(HEADER + ROWS, encoding="utf-8")
    factory = open_store(db_url)
    try:
        with transaction(factory) as s:
            write_all_facts(s, tmp_path)
        with factory() as s:
            kept = load_facts(s).deductions.sort("_row")
    finally:
        close_store(factory)
    assert kept.select("problem_kind", "quantity", "override_reason").rows()[3:6] == [
        ("MJ0402", 80.0, ""),
        ("MJ0401", None, ""),
        ("AJ0602", None, "已截流，考评组酌减一半"),
    ]
    _, june = score_store("nansha", db_url, "2024-06")
    totals = {u.unit_id: u.total for u in june.units()}
    assert (totals["ns"], totals["zj"], totals["hg"]) == (Decimal("96.04"), Decimal("95.2"), Decimal("98.6"))
