"""The benches' one timer (kaoping.timing): a warm-up run not counted, then the fastest of the rest."""

from __future__ import annotations

import time

from kaoping.timing import best_of


def test_best_of_runs_once_more_than_counted_and_keeps_the_fastest() -> None:
    waits = iter([0.05, 0.03, 0.0, 0.02])  # the first (warm-up, the slowest) is not counted
    runs: list[float] = []

    def run() -> None:
        wait = next(waits)
        runs.append(wait)
        time.sleep(wait)

    seconds = best_of(run, 3)
    assert runs == [0.05, 0.03, 0.0, 0.02]
    assert seconds < 0.02
