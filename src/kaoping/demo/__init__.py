"""The demo bundled with kaoping.

* ``kaoping demo`` builds 金川市, a fictional city scored with the built-in ``demo-city`` scheme, into a
  SQLite store and serves the web app on it: :func:`kaoping.demo.build.build_demo` (the city, its map
  and people are in ``city``; its facts, cases and photos in ``facts_data``, ``cases_data`` and
  ``photos``).  Those modules are imported only by the command, so the CLI starts fast.
* :func:`demo_data_dir` is a smaller sample kept as CSV files: a year of a ``city-1000`` city
  (``generate.py`` writes it), for trying ``kaoping score --data`` and ``kaoping import`` on real files.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def demo_data_dir() -> Path:
    """The bundled city-1000 sample folder (units.csv, scores.csv, honors.csv)."""
    return Path(str(resources.files("kaoping.demo") / "data"))
