"""A row added under a savepoint (the "someone else may have inserted it first" pattern) is undone when the
transaction it belongs to rolls back — on SQLite too, where pysqlite opens no transaction before the first
write, so a SAVEPOINT taken first would begin one of its own and its RELEASE would commit the row at once
(a plan stored without its seed's commitment in the audit trail, a lock-out row nobody asked for)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kaoping.app.plans import create_plan, parse_spec
from kaoping.app.policy import Principal
from kaoping.roles import Role
from kaoping.store.db import open_store
from kaoping.store.login_guard import Keys, record_failure
from kaoping.store.plan_tables import InspectionPlanRow
from kaoping.store.publishing import store_scheme
from kaoping.store.tables import LoginThrottle, SchemeVersion

OFFICE = Principal(username="admin", role=Role.ADMIN)
NOW = datetime(2024, 6, 1, 9, 0)


def _count(factory: sessionmaker[Session], column: object) -> int:
    with factory() as s:
        return int(s.scalar(select(func.count(column))) or 0)  # type: ignore[arg-type]


def test_a_plan_rolled_back_is_not_stored(db_url: str) -> None:
    factory = open_store(db_url)
    spec = parse_spec(
        {
            "scheme": "district-onsite",
            "period": "2024-06",
            "name": "6月暗访",
            "part": "日常考评",
            "visit": "unannounced",
            "frequency": "weekly",
            "quota": 1,
            "teams": 1,
            "team_size": 2,
        }
    )
    with factory() as s:
        create_plan(s, OFFICE, spec, NOW)
        s.rollback()
    assert _count(factory, InspectionPlanRow.id) == 0


def test_a_scheme_text_rolled_back_is_not_stored(db_url: str) -> None:
    factory = open_store(db_url)
    with factory() as s:
        store_scheme(s, "district-onsite", actor="admin")
        s.rollback()
    assert _count(factory, SchemeVersion.id) == 0


def test_a_failed_sign_in_rolled_back_leaves_no_throttle_row(db_url: str) -> None:
    factory = open_store(db_url)
    with factory() as s:
        record_failure(s, Keys.of("someone", "10.0.0.1"), NOW)
        s.rollback()
    assert _count(factory, LoginThrottle.key) == 0
