"""Open311 intake writes through the application's counted path (issue 13), on SQLite and PostgreSQL: a
realtime post, a batch post filed in the background and ``process_pending`` each leave no stale (unit, month)
mark behind and the kept case cells equal a recount of every case; a failure while counting rolls the whole
filing back (no case, no Open311 fields, no audit row).

A new Open311 case is 信息收集 (reported, not dispatched): it sits in no cell and its own row leaves no mark
on either path.  What tells the counted path from a bare ``write_facts`` is what every application write of a
case does: the marks other writers left (here plain SQL, as an import would) are counted in the same
transaction.  Each test makes such a mark first, so going back to ``write_facts`` leaves it standing and fails;
and a probe trigger records that each Open311 case row went in while its transaction held the counted
writer's row (``case_cell_writers``, migration 0020), which only the counted path takes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import func, select, text

from kaoping.open311.intake import process_pending, submit
from kaoping.open311.params import parse_post
from kaoping.open311.tables import Open311Request
from kaoping.store.case_cells import differing_cells, stale_pairs
from kaoping.store.db import transaction
from kaoping.store.tables import AuditEntry, CaseRow

if TYPE_CHECKING:  # the fixture's type only; pytest loads conftest.py by path
    from tests.integration.open311.conftest import Server


def _form(server: Server, code: str) -> dict[str, Any]:
    form = {"api_key": server.KEY, "service_code": code, "lat": "36.0671", "long": "120.3826"}
    return form | ({"attribute[structure]": "steel"} if code == "EV0101" else {})


def _marked_by_another_writer(server: Server) -> None:
    """A stale mark, as an import or plain SQL leaves it (and as the seed's bare ``write_facts`` left some)."""
    with transaction(server.factory) as s:
        s.execute(text("UPDATE cases SET rework_count = rework_count + 1 WHERE case_id = 'IMP-OPEN'"))
        assert stale_pairs(s) > 0


def _cells_current(server: Server) -> None:
    """No mark waits for a reader, and the kept cells are what a recount of every case gives."""
    with transaction(server.factory) as s:
        assert stale_pairs(s) == 0
        assert differing_cells(s).is_empty()


def _count(server: Server, table: Any) -> int:
    with server.factory() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def test_a_realtime_post_leaves_no_mark_and_the_cells_equal_a_recount(server: Server) -> None:
    _marked_by_another_writer(server)
    r = server.post("/requests.json", _form(server, "EV0102"))
    assert r.status_code == 200, r.text
    [answer] = r.json()
    with server.factory() as s:
        assert s.scalar(select(CaseRow.unit_id).where(CaseRow.case_id == answer["service_request_id"])) == "center"
    _cells_current(server)


def test_a_batch_post_filed_in_the_background_leaves_no_mark(server: Server) -> None:
    _marked_by_another_writer(server)
    r = server.post("/requests.json", _form(server, "EV0101"))
    assert r.status_code == 200, r.text
    [answer] = r.json()
    server.filed(answer["token"])
    _cells_current(server)


def test_process_pending_leaves_no_mark(server: Server) -> None:
    new = parse_post(
        [("service_code", "EV0101"), ("address_id", "A1"), ("attribute[structure]", "brick")], server.ctx.settings.tz
    )
    token = submit(server.ctx, new, "test-app")["token"]
    assert isinstance(token, str)
    _marked_by_another_writer(server)
    assert process_pending(server.ctx) == 1
    server.filed(token)
    _cells_current(server)


def test_a_failure_while_counting_files_nothing(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """The counting runs in the filing's transaction: when it fails, neither the case, its Open311 fields nor
    its audit row are kept, and a batch request stays pending for ``process_pending`` to retry."""
    batch = parse_post(
        [("service_code", "EV0101"), ("attribute[structure]", "brick"), ("address_id", "A1")], server.ctx.settings.tz
    )
    token = submit(server.ctx, batch, "test-app")["token"]
    before = [_count(server, t) for t in (CaseRow, Open311Request, AuditEntry)]

    def broken(*_: object) -> int:
        raise RuntimeError("counting failed")

    monkeypatch.setattr("kaoping.app.fact_cells.count_changes", broken)
    realtime = parse_post(
        [("service_code", "EV0102"), ("lat", "36.0671"), ("long", "120.3826")], server.ctx.settings.tz
    )
    with pytest.raises(RuntimeError, match="counting failed"):
        submit(server.ctx, realtime, "test-app")
    with pytest.raises(RuntimeError, match="counting failed"):
        process_pending(server.ctx, str(token))
    assert [_count(server, t) for t in (CaseRow, Open311Request, AuditEntry)] == before
    with server.factory() as s:
        assert s.scalar(select(Open311Request.case_id).where(Open311Request.token == token)) is None
    monkeypatch.undo()
    assert process_pending(server.ctx, str(token)) == 1
    _cells_current(server)


_PROBE = {
    "sqlite": [
        "CREATE TABLE probe_writers (case_id VARCHAR(64), writers INTEGER)",
        "CREATE TRIGGER probe_writers_cases AFTER INSERT ON cases BEGIN INSERT INTO probe_writers "
        "SELECT NEW.case_id, COUNT(*) FROM case_cell_writers; END",
    ],
    "postgresql": [
        "CREATE TABLE probe_writers (case_id VARCHAR(64), writers INTEGER)",
        "CREATE FUNCTION probe_writers_cases() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "INSERT INTO probe_writers SELECT NEW.case_id, COUNT(*) FROM case_cell_writers; RETURN NEW; END $$",
        "CREATE TRIGGER probe_writers_cases AFTER INSERT ON cases FOR EACH ROW EXECUTE FUNCTION probe_writers_cases()",
    ],
}


_UNPROBE = {
    "sqlite": ["DROP TRIGGER probe_writers_cases", "DROP TABLE probe_writers"],
    "postgresql": [
        "DROP TRIGGER probe_writers_cases ON cases",
        "DROP FUNCTION probe_writers_cases()",
        "DROP TABLE probe_writers",
    ],
}


def test_every_open311_case_is_written_by_the_counted_writer(server: Server) -> None:
    with transaction(server.factory) as s:
        dialect = s.get_bind().dialect.name
        for statement in _PROBE[dialect]:
            s.execute(text(statement))
    try:
        _probe_the_three_intakes(server)
    finally:  # the probe is no part of the schema: a later test comparing the database with the models must not see it
        with transaction(server.factory) as s:
            for statement in _UNPROBE[dialect]:
                s.execute(text(statement))


def _probe_the_three_intakes(server: Server) -> None:
    realtime = server.post("/requests.json", _form(server, "EV0102")).json()[0]["service_request_id"]
    batch = server.filed(server.post("/requests.json", _form(server, "EV0101")).json()[0]["token"])
    new = parse_post(
        [("service_code", "EV0101"), ("address_id", "A2"), ("attribute[structure]", "brick")], server.ctx.settings.tz
    )
    pending = str(submit(server.ctx, new, "test-app")["token"])
    assert process_pending(server.ctx, pending) == 1
    with server.factory() as s:
        seen = dict(s.execute(text("SELECT case_id, writers FROM probe_writers")).tuples().all())
    assert set(seen) == {realtime, batch, server.filed(pending)}
    assert all(writers >= 1 for writers in seen.values()), seen
