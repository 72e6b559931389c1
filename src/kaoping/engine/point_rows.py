"""Deduction rows' point locations checked (扣分点位, issue #16.5): latitude and longitude together, in range.

A point is optional; a row that gives one gives both coordinates, as WGS-84 degrees (what a phone's GPS
reports), and an accuracy the store can hold.  Whether the point lies inside the unit's area is not an
input error (a problem on the boundary road is still the unit's): the field sync warns about it instead
(:mod:`kaoping.app.field_points`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from kaoping.errors import ErrorLog
from kaoping.input_messages import Msg, say

Report = Callable[[ErrorLog, str, str, pl.DataFrame, Callable[[dict[str, Any]], tuple[str, str]]], None]
ACCURACY_LIMIT = 100_000
"""Metres: a device reporting worse than this knows nothing of where it is (and the column is bounded)."""
_RANGES = {"lat": ("纬度", "latitude", -90, 90), "lon": ("经度", "longitude", -180, 180)}


def check_point_rows(rows: pl.DataFrame, label: str, log: ErrorLog, report: Report) -> None:
    """Report each row of ``rows`` (deductions) whose point is half given, out of range or too vague."""
    if "lat" not in rows.columns:  # a frame built before the columns were added: nothing to check
        return
    for have, missing in (("lat", "lon"), ("lon", "lat")):
        half = rows.filter(pl.col(have).is_not_null() & pl.col(missing).is_null())
        zh_have, en_have = _RANGES[have][:2]
        zh_missing, en_missing = _RANGES[missing][:2]
        said = say(Msg.POINT_HALF, have=(zh_have, en_have), missing=(zh_missing, en_missing))

        def half_message(_r: dict[str, Any], said: tuple[str, str] = said) -> tuple[str, str]:
            return said

        report(log, label, missing, half, half_message)
    for column, (zh, en, low, high) in _RANGES.items():
        bad = rows.filter((pl.col(column) < low) | (pl.col(column) > high))

        def message(r: dict[str, Any], column: str = column, zh: str = zh, en: str = en) -> tuple[str, str]:
            bounds = _RANGES[column]
            return say(Msg.POINT_OUT_OF_RANGE, column=(zh, en), value=r[column], low=bounds[2], high=bounds[3])

        report(log, label, column, bad, message)
    _accuracy(rows, label, log, report)


def _accuracy(rows: pl.DataFrame, label: str, log: ErrorLog, report: Report) -> None:
    bad = rows.filter(pl.col("accuracy_m") > ACCURACY_LIMIT)

    def message(r: dict[str, Any]) -> tuple[str, str]:
        return say(Msg.ACCURACY_TOO_LARGE, value=r["accuracy_m"], limit=ACCURACY_LIMIT)

    report(log, label, "accuracy_m", bad, message)
