"""Timing for the benches and the scale measurements: the fastest of a few runs after one run not counted.

One place, so that every figure the docs quote is taken the same way: the first run fills the database's,
DuckDB's or the JVM's caches (and compiles what it compiles), and the fastest of the rest is the one least
disturbed by whatever else the machine was doing.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(run: Callable[[], object], repeat: int) -> float:
    """Seconds of the fastest of ``repeat`` runs of ``run``, after one warm-up run."""
    run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)
