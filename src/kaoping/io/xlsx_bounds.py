"""Bounding a workbook before calamine parses it.

calamine (behind fastexcel) builds each sheet as a dense grid from its first to its last cell: a 5 KB
workbook with one cell in ``XFD1048576`` asks for 17 billion cells and aborts the whole process.  So
before a sheet is handed to it, its XML is inflated here in chunks (never more than MAX_XML_BYTES, however
big the zip says the member is) and scanned with byte regexes for the last row number and the widest
column letters; only a sheet whose grid fits MAX_CELLS goes to calamine.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from kaoping.io.raw import MAX_CELLS, MAX_XML_BYTES

_CHUNK = 1 << 22
_OVERLAP = 1 << 12  # a tag cut between two chunks is seen whole in the next one
# Only rows and cells have an ``r`` attribute: a row's is its number, a cell's its reference (``AB12``).
_ROW_NUMBER = re.compile(rb' r="(\d+)"')
_WIDE_CELL = re.compile(rb' r="([A-Z]{2,})\d')
_PREFIXED_TAG = re.compile(rb"<\w+:(?:row|c)[\s>]")
_SMALL_XML = 16 << 20
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class WorkbookTooBig(Exception):
    """A part of the workbook is over a bound; the message says which and by how much."""


@dataclass(frozen=True)
class Extent:
    """How far a sheet's cells reach, as found by the scan."""

    rows: int
    columns: int
    placed: bool
    """Every row and cell has an ``r`` position (otherwise the extent is unknown)."""

    @property
    def fits(self) -> bool:
        """calamine may parse the sheet: its dense grid is known and small enough."""
        return self.placed and self.rows * self.columns <= MAX_CELLS


def column_number(letters: bytes) -> int:
    """1 for A, 27 for AA, 16384 for XFD."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def inflated_size(book: zipfile.ZipFile, member: str) -> int:
    """The member's real uncompressed size, inflating in chunks and stopping past MAX_XML_BYTES."""
    total = 0
    with book.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if total > MAX_XML_BYTES:
                raise WorkbookTooBig(f"{member} inflates to more than {MAX_XML_BYTES:,} bytes")
    return total


def _tags(text: bytes) -> int:
    """Rows and cells in ``text`` (each should carry an ``r`` position)."""
    plain = sum(text.count(tag) for tag in (b"<row ", b"<row>", b"<c ", b"<c>"))
    return plain + len(_PREFIXED_TAG.findall(text))


def scan_sheet(book: zipfile.ZipFile, member: str) -> Extent:
    """The extent of the sheet stored in ``member`` (bounded: see the module docstring).

    Byte counts and regexes without backtracking over tags, so the scan costs a fraction of the parse.
    A row or cell without an ``r`` position (calamine then counts them itself) makes the extent unknown.
    """
    rows, columns, total, tail = 0, 26, 0, b""
    positions = tags = 0
    with book.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if total > MAX_XML_BYTES:
                raise WorkbookTooBig(f"{member} inflates to more than {MAX_XML_BYTES:,} bytes")
            text = tail + chunk
            found = _ROW_NUMBER.findall(text)
            if found:
                rows = max(rows, max(map(int, found)))
            for letters in set(_WIDE_CELL.findall(text)):
                columns = max(columns, column_number(letters))
            positions += text.count(b' r="') - tail.count(b' r="')
            tags += _tags(text) - _tags(tail)
            tail = text[-_OVERLAP:]
    return Extent(rows, columns, positions >= tags)


def _small(book: zipfile.ZipFile, member: str) -> bytes:
    if book.getinfo(member).file_size > _SMALL_XML:
        raise WorkbookTooBig(f"{member} is larger than {_SMALL_XML:,} bytes")
    with book.open(member) as stream:
        data = stream.read(_SMALL_XML + 1)
    if len(data) > _SMALL_XML:
        raise WorkbookTooBig(f"{member} is larger than {_SMALL_XML:,} bytes")
    return data


def _resolve(base: str, target: str) -> str:
    """A relationship target as a zip member name (targets are relative to ``base``'s folder, or absolute)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _relations(book: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, member) of ``part`` (``""`` = the package itself)."""
    folder, name = posixpath.split(part)
    rels = ElementTree.fromstring(_small(book, posixpath.join(folder, "_rels", f"{name}.rels")))
    return {r.get("Id", ""): (r.get("Type", ""), _resolve(part, r.get("Target", ""))) for r in rels}


def sheet_members(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → the zip member holding it (``xl/worksheets/…`` or ``xl/chartsheets/…``), found through
    the package's relationships as Excel does (the workbook part is not always ``xl/workbook.xml``)."""
    office = [m for kind, m in _relations(book, "").values() if kind.endswith("/officeDocument")]
    part = office[0] if office else "xl/workbook.xml"
    targets = _relations(book, part)
    members: dict[str, str] = {}
    for sheet in ElementTree.fromstring(_small(book, part)).iter():
        if sheet.tag.rsplit("}", 1)[-1] == "sheet":
            members[sheet.get("name", "")] = targets.get(sheet.get(_REL_NS, ""), ("", ""))[1]
    return members


def check_shared_strings(book: zipfile.ZipFile) -> None:
    """calamine reads the shared strings when the workbook is opened: bound them first."""
    if "xl/sharedStrings.xml" in book.namelist():
        inflated_size(book, "xl/sharedStrings.xml")
