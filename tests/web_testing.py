"""Reading the office's pages in tests: the ranking tables as (unit, cells)."""

from __future__ import annotations

import re


def ranking_rows(page: str) -> list[tuple[str, list[str]]]:
    """(unit id, cell texts) of every ranked row of the dashboard's ranking tables, in page order."""
    out = []
    for table in re.findall(r'<table class="ranking dash-ranking".*?</table>', page, re.S):
        for unit_id, row in re.findall(r'<tr data-unit="([^"]+)"[^>]*>(.*?)</tr>', table, re.S):
            cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            out.append((unit_id, cells))
    return out
