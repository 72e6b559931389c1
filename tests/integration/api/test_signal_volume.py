"""督查信号 at a city's volume (issue #13), on SQLite and PostgreSQL: 上报骤降 counts every case reported, however
many — the use case once read at most 200,000 rows of a kind over the months it looked at and refused the
page beyond that; the cases are now counted by the database and no row of the history is read.

Unit d4: 66,667 cases reported in each of 2025-02, 03 and 04 (200,001 before May, mean 66,667), one in
2025-05 → 上报骤降 with every case of the history counted, linking May's one case.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import polars as pl

from kaoping.app.facts import one_row
from kaoping.facts.columns import ROW
from kaoping.store.audit import AuditWriter
from kaoping.store.db import transaction
from kaoping.store.facts import write_facts
from kaoping.store.tables import ImportBatch

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.api.conftest import Api

PER_MONTH = 66_667
OLD_BOUND = 200_000
"""The rows of a kind the use case read at most before issue #13."""


def _cases(n: int, first: datetime, prefix: str) -> pl.DataFrame:
    """``n`` cases of unit d4 reported from ``first`` on, a second apart (within the day)."""
    case = {"case_id": "x", "unit_id": "d4", "kind": "event", "category": "井盖", "reported_at": first}
    one = one_row("cases", case | {"rework_count": 0, "satisfaction": ""})
    stamps = pl.datetime_range(first, first + timedelta(seconds=n - 1), "1s", eager=True)
    return one.sample(n, with_replacement=True).with_columns(
        pl.format(prefix + "{}", pl.int_range(n)).alias("case_id"),
        stamps.alias("reported_at"),
        pl.int_range(2, n + 2).cast(one.schema[ROW]).alias(ROW),
    )


def test_drop_counts_every_case_beyond_the_old_bound(api: Api) -> None:
    months = [datetime(2025, m, 1, 0, 0) for m in (2, 3, 4)]
    history = pl.concat([_cases(PER_MONTH, first, f"H{first.month}-") for first in months])
    assert history.height > OLD_BOUND
    frame = pl.concat([history, _cases(1, datetime(2025, 5, 6, 9, 0), "M-")])
    frame = frame.with_columns(pl.int_range(2, frame.height + 2).cast(frame.schema[ROW]).alias(ROW))
    with transaction(api.factory) as s:
        batch = ImportBatch(sha256="d" * 64, kind="cases", label="案卷.csv", rows=frame.height,
                            imported_at=datetime(2025, 5, 7), imported_by="clerk")  # fmt: skip
        s.add(batch)
        s.flush()
        audit = AuditWriter(s, "import-tool", reason="import")
        write_facts(s, "cases", frame, audit=audit, label="案卷.csv", import_id=batch.id)
        audit.flush()
    r = api.client.get("/api/signals", params={"month": "2025-05", "kind": "drop"}, headers=api.as_("admin"))
    assert r.status_code == 200, r.text
    [drop] = [s for s in r.json()["signals"] if s["unit_id"] == "d4"]
    assert drop["entry_kind"] == "cases"
    wanted = {"rows": "1", "before": "200001", "mean": "66667.00", "limit": "33333.50"}
    assert {k: drop["params"][k] for k in wanted} == wanted
    assert drop["params"]["history"] == "2025-02：66667、2025-03：66667、2025-04：66667"
    assert [row["key"] for row in drop["rows"]] == ["M-0"]
    page = api.client.get("/evidence/signals", params={"month": "2025-05"}, headers=api.as_("admin"))
    assert page.status_code == 200 and 'data-kind="drop" data-unit="d4"' in page.text
