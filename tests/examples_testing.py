"""Where the tests find the repository's files: its root and the example data folders (examples/<name>,
one per built-in scheme — 示例数据 — plus the demo city's)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
