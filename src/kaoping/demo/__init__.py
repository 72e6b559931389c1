"""The demo city bundled with kaoping (a realistic 1000-point city for `kaoping demo`)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def demo_data_dir() -> Path:
    return Path(str(resources.files("kaoping.demo") / "data"))
