"""Which content coding /static sends for an Accept-Encoding header (kaoping.web.static_files)."""

from __future__ import annotations

import pytest

from kaoping.web.static_files import MAX_ACCEPT, Encoding, chosen_encoding


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        ("gzip, deflate, br", Encoding.BR),
        ("gzip, deflate", Encoding.GZIP),
        ("br;q=0, gzip", Encoding.GZIP),
        ("gzip;q=0", None),
        ("gzip; q=0.0, br;q=0", None),
        ("identity", None),
        ("", None),
        ("*", Encoding.BR),
        ("*;q=0.5, br;q=0", Encoding.GZIP),
        ("GZIP", Encoding.GZIP),
        ("gzip;q=abc", None),
        ("deflate, " * (MAX_ACCEPT // 9 + 1) + "gzip", None),
    ],
)
def test_chosen_encoding(accept: str, chosen: Encoding | None) -> None:
    assert chosen_encoding(accept) == chosen
