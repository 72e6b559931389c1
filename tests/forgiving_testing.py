"""Files written the way clerks write them (issue 15, point 3), shared by the import and upload tests."""

from __future__ import annotations

from datetime import date

FORGIVEN = (
    "日期,单位,考评项目,考评细项,分值,问题描述,地点\n"
    "2024/12/5,综合执法一大队,市容环境,市容秩序,2,店外堆放杂物,胜利东路\n"
    "2024年12月6日,zf2,市容环境,市容秩序,１.５,餐馆越门占道经营,站江路\n"
    "２０２４．１２．７,客运整治组,市容环境,市容秩序,３,出租车乱停,火车站\n"
)
"""city-appearance deductions with Chinese headers (分值 for points), unit names and ids, three date
spellings, full-width digits."""
FORGIVEN_ROWS = [
    (date(2024, 12, 5), "zf1", 2.0, "胜利东路"),
    (date(2024, 12, 6), "zf2", 1.5, "站江路"),
    (date(2024, 12, 7), "kyz", 3.0, "火车站"),
]
"""(date, unit_id, points, location) of :data:`FORGIVEN` once imported."""

FIVE_MISTAKES = (
    "日期,单位,考评项目,考评细项,分值\n"
    "2024/13/45,zf1,市容环境,市容秩序,2\n"
    "2024-12-05,东湖区,市容环境,市容秩序,2\n"
    "2024-12-05,zf1,市容环境,市容秩序,两分\n"
    "2024-12-05,zf1,市容环镜,市容秩序,2\n"
    "2031-01-01,zf1,市容环境,市容秩序,2\n"
)
"""One mistake of each kind the checks know, a row each: a date that does not exist (reading), a unit that
does not exist (units), a number in words (reading), a misspelt part (the scheme), a year outside the
scheme's (the entry checks)."""
FIVE_FOUND = [
    (2, "日期", "“2024/13/45”不是日期"),
    (3, "单位", "没有考评对象“东湖区”"),
    (4, "分值", "“两分”不是数字"),
    (5, "考评项目", "“市容环镜”不是方案 city-appearance 的扣分项目：应为 市容环境"),
    (6, "日期", "不在考评方案的考评年度内"),
]
"""(row, column as the file heads it, what the Chinese message says) of each mistake of :data:`FIVE_MISTAKES`."""
