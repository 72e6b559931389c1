"""The result JSON is reproducible (issue 12, point 6): the same facts and the same scheme version give the
same bytes — run again later, or with the rows read in another order (a store returns rows in whatever
order it likes) — and the document holds no timestamp, so its digest in the audit trail is stable."""

from __future__ import annotations

import json
import re
import time
from dataclasses import fields, replace
from datetime import time as clock

import polars as pl
import pytest
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.app.scoring import score_facts
from kaoping.cli import app
from kaoping.facts import Facts
from kaoping.io.readers import read_facts
from kaoping.output.document import result_json
from kaoping.scheme import load_scheme

CASES = [("city-1000", "2024-Q2"), ("district-onsite", "2024-05"), ("enforcement-100", "2024")]


def _reordered(facts: Facts, seed: int) -> Facts:
    """The same facts with every table's rows in another order."""
    frames = {f.name: getattr(facts, f.name) for f in fields(facts)}
    return replace(
        facts,
        **{
            name: frame.sample(fraction=1.0, shuffle=True, seed=seed)
            for name, frame in frames.items()
            if isinstance(frame, pl.DataFrame) and frame.height > 1
        },
    )


def test_score_json_is_the_same_bytes_when_run_again() -> None:
    args = ["score", "--scheme", "city-1000", "--data", str(EXAMPLES / "city-1000"), "--period", "2024-Q2"]
    first = CliRunner().invoke(app, [*args, "--format", "json"])
    time.sleep(1.1)
    again = CliRunner().invoke(app, [*args, "--format", "json"])
    assert first.exit_code == 0, first.stderr
    assert first.stdout == again.stdout
    assert not re.search(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", first.stdout)  # no time of the run inside


@pytest.mark.parametrize(("name", "period"), CASES)
def test_row_order_does_not_change_the_document(name: str, period: str) -> None:
    scheme = load_scheme(name)
    facts = read_facts(EXAMPLES / name)
    expected = result_json(scheme, score_facts(scheme, facts, period))
    for seed in (1, 2):
        shuffled = _reordered(facts, seed)
        assert not shuffled.scores.equals(facts.scores) or facts.scores.height < 2
        assert result_json(scheme, score_facts(scheme, shuffled, period)) == expected, seed


def test_excluded_rows_keep_their_order() -> None:
    """Rows outside the inspection window are listed in the document: in one order, whatever the input's."""
    scheme = load_scheme("demo-city")
    facts = read_facts(EXAMPLES / "demo-city")
    night = facts.deductions.with_columns(
        pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.lit(clock(3, 0))).otherwise(pl.col("time")).alias("time")
    )
    facts = replace(facts, deductions=night)
    expected = result_json(scheme, score_facts(scheme, facts, "2024-Q1"))
    assert len(json.loads(expected)["excluded"]) > 2  # several rows to keep in order
    for seed in (1, 2, 3):
        assert result_json(scheme, score_facts(scheme, _reordered(facts, seed), "2024-Q1")) == expected, seed
