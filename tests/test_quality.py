"""The code base stays ruff- and mypy-clean and keeps its layer rules: checked as part of the test command, so CI
enforces it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from examples_testing import ROOT

BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else (shutil.which(name) or name)


def test_ruff_clean() -> None:
    run = subprocess.run([_tool("ruff"), "check", "src", "tests"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_mypy_clean() -> None:
    run = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_layer_contracts_hold() -> None:
    """The import-linter contracts of pyproject.toml (engine/scheme/cases pure, store without web or api,
    api without pages) — the rules of the house in shared/spec/architecture.md, made checkable."""
    run = subprocess.run([_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout, run.stdout


def test_no_function_of_complexity_d_or_worse() -> None:
    """A reader holds every function in one screen: radon's cyclomatic grade stays at C or better in src/."""
    run = subprocess.run([_tool("radon"), "cc", "-n", "D", "src"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "", run.stdout
