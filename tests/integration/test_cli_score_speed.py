"""`kaoping score --data` made faster without changing what it prints (issue 13, point 3): the cycle collector is
paused only while one command scores, and starting the command leaves the store (SQLAlchemy), openpyxl and the
holiday calendar unloaded — they are imported where they are used."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from kaoping.cli import _no_cycle_collection


def test_cycle_collection_paused_only_while_scoring() -> None:
    assert gc.isenabled()
    with _no_cycle_collection():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(KeyError), _no_cycle_collection():
        raise KeyError("bad input")
    assert gc.isenabled()


def test_score_command_does_not_load_the_store() -> None:
    code = (
        "import sys, kaoping.cli; "
        "print(','.join(m for m in ('sqlalchemy', 'openpyxl', 'holidays') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
