"""The scheme's checks on facts read leniently (issue 15, point 3): a cell the reader could not read is null,
and the scheme's checks report the row's other mistakes without tripping over it or reporting it again."""

from __future__ import annotations

import polars as pl
import pytest

from kaoping.engine.consistency import check_facts
from kaoping.errors import InputErrors
from kaoping.facts import facts_from_frames
from kaoping.scheme import load_scheme


def test_null_cells_are_left_to_the_reader_and_the_rest_is_checked() -> None:
    scheme = load_scheme("demo-city")
    units = pl.DataFrame({"unit_id": ["dh"], "name": ["东湖区"], "group": ["城区组"]})
    scores = pl.DataFrame(
        {
            "period": [None, "2024-Q4", "2024-10"],
            "unit_id": ["dh", None, "dh"],
            "part": ["部门考评", None, "部门考评"],
            "item": ["市容秩序", "市容秩序", "不存在的细项"],
            "score": [90.0, None, None],
        },
        schema_overrides={"period": pl.String, "unit_id": pl.String, "part": pl.String},
    )
    ranks = pl.DataFrame(
        {"period": [None, None], "unit_id": ["dh", "dh"], "task": ["t", "t"], "rank": [1, 2]},
        schema_overrides={"period": pl.String},
    )
    facts = facts_from_frames(units=units, scores=scores, ranks=ranks)
    with pytest.raises(InputErrors) as caught:
        check_facts(scheme, facts)
    found = [(e.row, e.column) for e in caught.value.errors]
    # row 4: 部门考评 is given per quarter, and 不存在的细项 is no item of it; nothing about rows 2 and 3's
    # null cells, and no "duplicate" for the two ranks whose periods could not be read
    assert found == [(4, "period"), (4, "item")], caught.value
