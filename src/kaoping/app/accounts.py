"""Accounts (用户): the office adds an account, with its audit event, through the API or the CLI alike.

The store (:func:`kaoping.store.users.create_user`) checks the account's scope against its role; here a
refusal becomes invalid input naming the field, and the creation is recorded (who added whom, as what).
"""

from __future__ import annotations

from typing import Unpack

from sqlalchemy.orm import Session

from kaoping.app.errors import Invalid, Problem
from kaoping.app.policy import Principal
from kaoping.store.audit import AuditWriter
from kaoping.store.tables import User
from kaoping.store.users import NewAccount, UserError, create_user


def add_account(session: Session, who: Principal, **account: Unpack[NewAccount]) -> User:
    """Create an account and its audit event, committed; invalid when its scope does not fit its role."""
    try:
        user = create_user(session, **account)
    except UserError as exc:
        field, _, message = str(exc).partition(": ")
        raise Invalid(str(exc), [Problem(file="request body", row=None, column=field, message=message)]) from exc
    audit = AuditWriter(session, who.actor, reason="account created")
    detail = {"role": user.role, "unit_id": user.unit_id, "parts": list(user.parts)}
    audit.event("insert", "users", user.username, unit_id=user.unit_id, detail=detail)
    audit.flush()
    session.commit()
    return user
