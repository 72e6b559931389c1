"""The scheme the scores-owed tests share (应报分数): two items due by the 25th of the next month, one owed by
one department, the other by two."""

from __future__ import annotations

SCHEME = """
scheme: owed-test
title: 应报测试
periods: {month: {}}
groups: [{name: 各区, items: [甲项, 乙项]}]
parts:
  - name: 部门考评
    max: 100
    source: scores
    given_per: month
    items: group
    due: {day: 25, month: next}
    by: {甲项: [城管局], 乙项: [城管局, 园林局]}
"""
