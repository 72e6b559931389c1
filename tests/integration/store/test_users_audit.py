"""Accounts (argon2 hashes, roles and their scopes) and the audit trail as `kaoping audit` shows it.

Run on SQLite and PostgreSQL.  The audit command is checked on a real import followed by an update, the
way an office would ask "who changed d1's score in 2024-Q2, from what to what, and why?".
"""

from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from examples_testing import EXAMPLES
from kaoping.cli import app
from kaoping.io.readers import read_facts
from kaoping.store.audit import AuditWriter
from kaoping.store.db import open_store, transaction
from kaoping.store.facts import write_facts
from kaoping.store.users import (
    ROLE_NAMES,
    ROLES,
    UserError,
    authenticate,
    create_user,
    get_user,
    hash_password,
    verify_password,
)
from store_testing import write_all_facts

CITY = EXAMPLES / "city-1000"
PASSWORD = "correct horse"
runner = CliRunner()


@pytest.fixture
def store(db_url: str) -> sessionmaker[Session]:
    factory = open_store(db_url)
    with transaction(factory) as s:
        write_all_facts(s, CITY, "importer", "首次导入")
    return factory


def test_hash_is_argon2_and_verifies() -> None:
    h = hash_password(PASSWORD)
    assert h.startswith("$argon2id$")
    assert PASSWORD not in h
    assert verify_password(h, PASSWORD)
    assert not verify_password(h, PASSWORD + "!")
    assert not verify_password("not-a-hash", PASSWORD)
    assert hash_password(PASSWORD) != h  # salted
    assert set(ROLES) == set(ROLE_NAMES)


def test_create_and_authenticate(store: sessionmaker[Session]) -> None:
    with transaction(store) as s:
        create_user(s, username="admin", password=PASSWORD, role="admin", display_name="考评办")
        create_user(s, username="d1", password=PASSWORD, role="unit", unit_id="d1")
        create_user(s, username="cgj", password=PASSWORD, role="department", parts=["部门考评", " 社会评价 "])
    with store() as s:
        admin = get_user(s, "admin")
        assert admin is not None and admin.password_hash.startswith("$argon2")
        assert admin.role == "admin" and admin.active and admin.unit_id is None and admin.parts == []
        unit = authenticate(s, "d1", PASSWORD)
        assert unit is not None and unit.unit_id == "d1"
        dept = get_user(s, "cgj")
        assert dept is not None and dept.parts == ["部门考评", "社会评价"]
        assert authenticate(s, "admin", "wrong password") is None
        assert authenticate(s, "nobody", PASSWORD) is None
    with transaction(store) as s:
        user = get_user(s, "admin")
        assert user is not None
        user.active = False
    with store() as s:
        assert authenticate(s, "admin", PASSWORD) is None


def test_weak_hash_is_upgraded_on_login(store: sessionmaker[Session]) -> None:
    with transaction(store) as s:
        created = create_user(s, username="old", password=PASSWORD, role="inspector")
        created.password_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
        weak = created.password_hash
    with transaction(store) as s:
        assert authenticate(s, "old", PASSWORD) is not None
    with store() as s:
        user = get_user(s, "old")
        assert user is not None and user.password_hash != weak
        assert verify_password(user.password_hash, PASSWORD)
        assert not PasswordHasher().check_needs_rehash(user.password_hash)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"role": "mayor"}, "没有角色“mayor”"),
        ({"role": "unit"}, "须指明所属单位"),
        ({"role": "unit", "unit_id": "x9"}, "没有单位“x9”"),
        ({"role": "admin", "unit_id": "d1"}, "只有被考评单位的账号属于某个单位"),
        ({"role": "department"}, "须指明其评分的考评项目"),
        ({"role": "third_party", "parts": [" "]}, "须指明其评分的考评项目"),
        ({"role": "public", "parts": ["部门考评"]}, "不按考评项目限定"),
        ({"role": "admin", "password": "short"}, "密码至少需要 10 个字符"),
        ({"role": "admin", "password": "123456789"}, "密码至少需要 10 个字符"),
        ({"role": "admin", "password": "Password123"}, "密码过于常见"),
        ({"role": "admin", "password": "1234567890"}, "密码过于常见"),
        ({"role": "admin", "password": "x-SomeOne-2024"}, "密码不能包含用户名"),
        ({"role": "admin", "username": "  "}, "username: 用户名不能为空"),
    ],
)
def test_create_user_refuses(store: sessionmaker[Session], fields: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"username": "someone", "password": PASSWORD, **fields}
    with pytest.raises(UserError, match=message), transaction(store) as s:
        create_user(s, **args)  # type: ignore[arg-type]
    with store() as s:
        assert get_user(s, "someone") is None


def test_an_account_refusal_has_its_english_twin(store: sessionmaker[Session]) -> None:
    with pytest.raises(UserError) as refused, transaction(store) as s:
        create_user(s, username="someone", password=PASSWORD, role="department")
    assert str(refused.value) == "parts: 角色“考评部门”须指明其评分的考评项目（或“项目/细项”）"
    assert refused.value.message_en == "parts: role 'department' needs the parts (or 'part/item') it scores"


def test_duplicate_username_is_refused(store: sessionmaker[Session]) -> None:
    with transaction(store) as s:
        create_user(s, username="dup", password=PASSWORD, role="public")
    with pytest.raises(UserError, match="已存在"), transaction(store) as s:
        create_user(s, username="dup", password=PASSWORD, role="admin")


def test_cli_user_add_reads_password_from_stdin(db_url: str, store: sessionmaker[Session]) -> None:
    base = ["user", "add", "d1user", "--role", "unit", "--unit", "d1", "--db", db_url]
    result = runner.invoke(app, base)
    assert result.exit_code == 2 and "--password-stdin" in result.stderr
    result = runner.invoke(app, [*base, "--password-stdin"], input="short\n")
    assert result.exit_code == 2 and "至少需要 10 个字符" in result.stderr
    result = runner.invoke(app, [*base, "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr
    assert "被考评单位" in result.stdout
    result = runner.invoke(
        app,
        [
            "user",
            "add",
            "cgj",
            "--role",
            "department",
            "--parts",
            "部门考评,社会评价",
            "--password-stdin",
            "--db",
            db_url,
        ],
        input=PASSWORD,
    )
    assert result.exit_code == 0, result.stderr
    with store() as s:
        assert authenticate(s, "d1user", PASSWORD) is not None
        dept = get_user(s, "cgj")
        assert dept is not None and dept.parts == ["部门考评", "社会评价"]


def test_cli_audit_shows_update_with_before_and_after(db_url: str, store: sessionmaker[Session]) -> None:
    facts = read_facts(CITY)
    changed = facts.scores.with_columns(score=facts.scores.get_column("score").scatter(0, 141.5))
    with transaction(store) as s:
        audit = AuditWriter(s, "市城管局", reason="复核更正")
        counts = write_facts(s, "scores", changed, audit=audit)
        audit.flush()
    assert counts.updated == 1

    result = runner.invoke(app, ["audit", "--unit", "d1", "--period", "2024-Q2", "--format", "json", "--db", db_url])
    assert result.exit_code == 0, result.stderr
    entries = json.loads(result.stdout)
    assert entries and all(e["unit_id"] == "d1" for e in entries)
    assert {e["period"] for e in entries} <= {"2024-Q2", "2024-04", "2024-05", "2024-06"}
    updates = [e for e in entries if e["action"] == "update"]
    assert len(updates) == 1
    upd = updates[0]
    assert (upd["actor"], upd["reason"], upd["table"]) == ("市城管局", "复核更正", "scores")
    assert (upd["before"]["score"], upd["after"]["score"]) == (140.0, 141.5)
    inserts = [e for e in entries if e["action"] == "insert"]
    assert inserts and all(e["actor"] == "importer" and e["reason"] == "首次导入" for e in inserts)

    result = runner.invoke(app, ["audit", "--unit", "d1", "--period", "2024-Q2", "--db", db_url])
    assert result.exit_code == 0, result.stderr
    update_line = next(ln for ln in result.stdout.splitlines() if " update " in ln)
    assert "市城管局" in update_line and "score: 140.0 → 141.5" in update_line and "复核更正" in update_line

    result = runner.invoke(app, ["audit", "--unit", "d1", "--period", "2024-Q9", "--db", db_url])
    assert result.exit_code == 2 and "--period" in result.stderr
