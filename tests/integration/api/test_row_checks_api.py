"""``POST /api/<kind>`` checks a row against sets precomputed per scheme (kaoping.app.row_checks), not by the
whole-file check on a one-row file: good and bad rows posted here are accepted or refused exactly as
``check_facts`` judges them on the store's unit and the row — refused with the same Chinese messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from kaoping.api.models import FACT_MODELS
from kaoping.app.facts import one_row
from kaoping.engine.consistency import check_facts
from kaoping.errors import InputErrors
from kaoping.facts import FILE_NAMES, facts_of
from kaoping.facts.columns import SCHEMAS, empty_frame
from kaoping.scheme.loader import load_scheme
from kaoping.store.tables import Unit

OFFICE = load_scheme(Path(__file__).with_name("office.yaml"))
SCORE = {"period": "2024-Q2", "unit_id": "d1", "part": "部门考评", "item": "交通秩序管理", "score": 128}
DEDUCTION = {"date": "2024-05-20", "unit_id": "d1", "part": "督查考评", "item": "道路保洁", "points": 1.5}
DEDUCTION |= {"source": "市督查组", "problem": "路面垃圾"}
ROWS: list[tuple[str, dict[str, Any]]] = [
    ("scores", SCORE),
    ("scores", SCORE | {"part": "市政府部门考评"}),  # an alias
    ("scores", SCORE | {"part": "不存在的项目"}),
    ("scores", SCORE | {"part": "督查考评"}),  # a deduction part given a score
    ("scores", SCORE | {"score": 301}),
    ("scores", SCORE | {"period": "2024-05"}),  # 部门考评 is given per quarter
    ("scores", SCORE | {"item": "不存在的细项"}),
    ("scores", SCORE | {"unit_id": "c1", "item": "环境卫生管理"}),  # not an item of 第二组
    ("scores", SCORE | {"unit_id": "c1", "item": "绿化养护管理"}),
    ("scores", SCORE | {"part": "第三方测评", "period": "2024-05", "item": "", "score": 480}),
    ("scores", SCORE | {"part": "第三方测评", "period": "2024-05", "item": "道路", "score": 501}),
    ("scores", SCORE | {"unit_id": "nobody"}),
    ("deductions", DEDUCTION),
    ("deductions", DEDUCTION | {"part": "部门考评"}),
    ("deductions", DEDUCTION | {"part": "不存在的项目"}),
]


def _verdict(api: Any, kind: str, row: dict[str, Any]) -> list[tuple[Any, ...]]:
    """``check_facts`` of the office's scheme on the row and the stored unit it names."""
    values = FACT_MODELS[kind].body.model_validate(row | {"reason": "x"}).model_dump(exclude={"reason", "confirm"})
    frames = {name: empty_frame(name) for name in FILE_NAMES} | {kind: one_row(kind, values)}
    with api.factory() as s:
        unit = s.get(Unit, row["unit_id"])
    if unit is None:
        return [("api:" + kind, 0, "unit_id")]
    units = [(unit.unit_id, unit.name, unit.group, unit.reward_eligible, 1)]
    frames["units"] = pl.DataFrame(units, schema=SCHEMAS["units"], orient="row")
    labels = {name: f"db:{name}" for name in FILE_NAMES} | {kind: f"api:{kind}"}
    try:
        check_facts(OFFICE, facts_of(frames, labels))
    except InputErrors as exc:
        return [(e.file, e.row, e.column, e.message) for e in exc.errors]
    return []


@pytest.mark.parametrize(("kind", "row"), ROWS, ids=[f"{k}-{i}" for i, (k, _) in enumerate(ROWS)])
def test_a_posted_row_is_judged_as_the_file_check_judges_it(api: Any, kind: str, row: dict[str, Any]) -> None:
    expected = _verdict(api, kind, row)
    r = api.client.post(f"/api/{kind}", json=row | {"reason": "录入"}, headers=api.as_("admin"))
    if not expected:
        assert r.status_code in (201, 409), r.text  # accepted by the scheme (409: an entry check's warning)
        return
    assert r.status_code == 422, r.text
    got = [(e["file"], e["row"], e["column"], e["message"]) for e in r.json()["errors"]]
    if expected[0][2] == "unit_id":  # an unknown unit: its message names the closest units of the store
        assert [g[:3] for g in got] == expected
        return
    assert got == expected
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e[3]) for e in got)  # the Chinese message
