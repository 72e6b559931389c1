"""The README and docs/ send a reader only to files in the repository: the pinned interchange contract
ships as docs/interchange.md, and every relative link of the README and docs/ opens a file of the checkout."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONTRACT = REPO / "docs" / "interchange.md"
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_the_interchange_contract_ships_in_docs_and_the_readme_links_it() -> None:
    contract = CONTRACT.read_text(encoding="utf-8")
    assert "# Interchange contract: data folders and `kaoping score`" in contract
    assert "kaoping score --scheme NAME_OR_FILE --data DIR_OR_XLSX --period PERIOD" in contract
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme.count("](docs/interchange.md)") >= 2  # the Chinese and the English part
    for page in PAGES:
        if page != CONTRACT:  # its first line says where the authoritative text is kept
            assert "shared/spec/interchange.md" not in page.read_text(encoding="utf-8"), page.name


def test_relative_links_open_files_of_the_repository() -> None:
    broken = []
    for page in PAGES:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:|#", target):
                continue
            path = (page.parent / target.split("#", 1)[0]).resolve()
            if not path.exists() or REPO not in path.parents:
                broken.append(f"{page.relative_to(REPO)} → {target}")
    assert not broken, broken
