"""Suite-wide test configuration: how the two xdist workers share the tests (pyproject's ``-n 2``)."""

from __future__ import annotations

from typing import Any

import pytest

BROWSER_TESTS = "tests/e2e/"
SPARK_TESTS = "tests/integration/rollup/"
TOGETHER = (BROWSER_TESTS, SPARK_TESTS)
"""Folders whose tests run in one worker each (one expensive fixture per folder, not one per worker)."""


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Every test is its own unit of work, except the browser tests, which all go to one worker: the demo
    city is built and Chromium started once, not in both workers; likewise the Spark tests (one JVM, one
    synthetic province).  (xdist's ``loadgroup`` would say this
    with a mark, but it renames node ids in a way pytest 9 no longer allows.)"""
    from xdist.scheduler import LoadScopeScheduling

    class BrowserTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return next((folder for folder in TOGETHER if nodeid.startswith(folder)), nodeid)

    return BrowserTestsTogether(config, log)
