"""A realistic demo city for `city-1000` (fictional names, deterministic numbers).

Two groups as in the plan: five districts in 第一组 (14 items) and five counties/districts plus the
mountain area (南部山区, ranked but never rewarded) in 第二组 (7 items); a full year of quarterly
department and public scores for every item from several scorers, monthly third-party surveys, awards
with their delayed bonus and a criticism that costs a reward.  Regenerate the bundled files with
``python -m kaoping.demo.generate src/kaoping/demo/data``.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

from kaoping.scheme import load_scheme

UNITS = [
    ("dc", "东城区", "第一组", True, 0.93),
    ("xc", "西城区", "第一组", True, 0.90),
    ("nh", "南湖区", "第一组", True, 0.88),
    ("bs", "北山区", "第一组", True, 0.86),
    ("zx", "中心区", "第一组", True, 0.91),
    ("qx", "青溪县", "第二组", True, 0.89),
    ("by", "白云县", "第二组", True, 0.87),
    ("lj", "临江区", "第二组", True, 0.92),
    ("gx", "高新区", "第二组", True, 0.90),
    ("xg", "新港区", "第二组", True, 0.85),
    ("nbs", "南部山区", "第二组", False, 0.84),
]
DEPARTMENTS = ["市城管局", "市住建局", "市交警支队", "市生态环境局", "市园林局"]
PUBLIC = ["12345热线", "媒体监督", "专家评审"]
HONORS = [
    ("2023-12-08", "dc", "award", "national", "全国城市管理示范城区"),
    ("2024-02-26", "lj", "award", "provincial", "省级美丽街区"),
    ("2024-04-18", "dc", "award", "provincial", "省人居环境范例奖"),
    ("2024-05-09", "zx", "award", "provincial_dept", "省住建厅通报表扬"),
    ("2024-05-30", "xc", "criticism", "provincial_dept", "省住建厅通报批评(建筑垃圾)"),
    ("2024-07-12", "gx", "award", "national", "国家园林城区"),
    ("2024-08-21", "dc", "award", "national", "全国文明城市测评优秀"),
    ("2024-10-15", "qx", "award", "provincial_dept", "省城管局表扬"),
    ("2024-11-03", "nh", "criticism", "provincial", "省委督查通报批评"),
]


def _rows(year: int) -> tuple[list[list[str]], list[list[str]]]:
    """scores.csv rows and honors.csv rows for the year."""
    scheme = load_scheme("city-1000")
    rng = random.Random(year)
    scores: list[list[str]] = []
    for uid, _, group_name, _, quality in UNITS:
        group = scheme.group(group_name)
        assert group is not None
        items = group.items
        for q in range(1, 5):
            drift = rng.uniform(-0.03, 0.03)
            for item in items:
                for part, top, scorers in (("部门考评", 300, DEPARTMENTS), ("社会评价", 200, PUBLIC)):
                    share = top / len(items)
                    for source in rng.sample(scorers, rng.randint(1, 3)):
                        value = share * min(1.0, max(0.5, quality + drift + rng.uniform(-0.05, 0.05)))
                        scores.append([f"{year}-Q{q}", uid, part, item, f"{value:.2f}", source, ""])
            for m in range(3 * q - 2, 3 * q + 1):
                value = 500 * min(1.0, quality + drift + rng.uniform(-0.03, 0.03))
                scores.append([f"{year}-{m:02d}", uid, "第三方测评", "", f"{value:.1f}", "第三方测评机构", ""])
    honors = [list(h) for h in HONORS]
    return scores, honors


def write_demo(folder: Path, year: int = 2024) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    scores, honors = _rows(year)
    tables = {
        "units.csv": (
            ["unit_id", "name", "group", "reward_eligible"],
            [[u, n, g, "是" if e else "否"] for u, n, g, e, _ in UNITS],
        ),
        "scores.csv": (["period", "unit_id", "part", "item", "score", "source", "note"], scores),
        "honors.csv": (["date", "unit_id", "kind", "level", "title"], honors),
    }
    for name, (header, rows) in tables.items():
        with (folder / name).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)


if __name__ == "__main__":
    write_demo(Path(sys.argv[1] if len(sys.argv) > 1 else "demo-data"))
