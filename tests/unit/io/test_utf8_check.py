"""The UTF-8 check of a CSV file (validated by Polars in chunks, issue 13 point 3) accepts and refuses exactly the
bytes Python's own codec does, wherever the chunks cut the file (hypothesis: characters of 1 to 4 bytes, BOM,
broken, overlong and surrogate sequences, random bytes; chunks of 1 byte up)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.io.sources import _is_utf8

PIECES = [s.encode() for s in ("a", ",", "\n", "é", "中", "😀", "\ufeff")]
BROKEN = [b"\xff", b"\x80", b"\xc0\xaf", b"\xe4\xb8", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xf0\x9f\x98"]
contents = st.lists(
    st.one_of(st.sampled_from(PIECES), st.sampled_from(BROKEN), st.binary(max_size=4)), max_size=16
).map(b"".join)


def _python_says(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@settings(max_examples=300, deadline=None)
@given(contents, st.integers(min_value=1, max_value=9))
def test_same_answer_as_python(tmp_path_factory: pytest.TempPathFactory, data: bytes, chunk: int) -> None:
    path = tmp_path_factory.mktemp("utf8") / "f.csv"
    path.write_bytes(data)
    assert _is_utf8(path, chunk) is _python_says(data)


def test_a_character_cut_by_the_chunk_is_not_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("单位,得分\n甲区,90\n".encode() * 50)
    assert all(_is_utf8(path, chunk) for chunk in range(1, 12))
    path.write_bytes("单位,得分\n".encode("gb18030"))
    assert not _is_utf8(path, 4)
