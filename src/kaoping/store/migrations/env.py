"""Alembic environment: the engine comes from kaoping.store.db (render_as_batch for SQLite ALTERs)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

import kaoping.open311.tables
import kaoping.store.case_flow_tables
import kaoping.store.cell_tables
import kaoping.store.field_tables
import kaoping.store.integrity_tables
import kaoping.store.plan_tables
import kaoping.store.rectify_tables
import kaoping.store.result_tables
import kaoping.store.survey_tables  # noqa: F401  (the 整改, case flow, field and 问卷 tables, same metadata)
from kaoping.store.db import make_engine
from kaoping.store.tables import Base

config = context.config
engine: Engine = config.attributes.get("engine") or make_engine()

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
