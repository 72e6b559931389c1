"""Text cells that a spreadsheet never runs: the one writer of text for every workbook kaoping makes.

Unit names, notes and problems are typed by people, and a workbook goes to offices that open it in Excel or
WPS.  A text starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which Excel skips
before reading one of those) is what a spreadsheet treats as a formula: ``=HYPERLINK("http://x","y")`` as a
unit name would become a live link, ``=cmd|...`` worse (CSV/formula injection, OWASP).

What is done, and why not the OWASP ``'`` prefix in a workbook:

- every text goes in with ``write_string``, never ``write``/``write_row``, which XlsxWriter turns into a
  formula when the text starts with ``=``;
- such a text also gets the cell's *quote prefix* (Excel's own "this is text" mark, what typing ``'=...``
  in Excel stores): Excel and WPS show it as typed, and it stays text when someone edits the cell and
  presses Enter.

The value itself is not changed, so a re-import of an exported workbook gives back exactly what was
exported (the interchange round trip), and numbers, written with ``write_number``, stay numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["FORMULA_STARTS", "TextCells", "formula_like"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters a spreadsheet reads a formula from (tab and CR: Excel skips them, then reads on)."""


def formula_like(text: str) -> bool:
    """True if a spreadsheet could take ``text`` for a formula."""
    return text.startswith(FORMULA_STARTS)


class TextCells:
    """The text writer of one XlsxWriter workbook.

    Formats are made through :meth:`add_format` so that a quote-prefixed twin of each can be made on
    demand (XlsxWriter formats cannot be copied, so the twin is made from the same properties).
    """

    def __init__(self, book: Any) -> None:
        self._book = book
        self._props: dict[int, dict[str, Any]] = {}
        self._quoted: dict[int, Any] = {}
        self._plain_quoted: Any = None

    def add_format(self, props: dict[str, Any] | None = None) -> Any:
        """A format of the workbook, remembered so its quote-prefixed twin can be made."""
        fmt = self._book.add_format(dict(props or {}))
        self._props[id(fmt)] = dict(props or {})
        return fmt

    def _quoted_twin(self, fmt: Any) -> Any:
        if fmt is None:
            if self._plain_quoted is None:
                self._plain_quoted = self._book.add_format({"quote_prefix": True})
            return self._plain_quoted
        key = id(fmt)
        if key not in self._quoted:
            if key not in self._props:
                raise ValueError("a text cell's format must be made with TextCells.add_format")
            self._quoted[key] = self._book.add_format({**self._props[key], "quote_prefix": True})
        return self._quoted[key]

    def write(self, sheet: Any, row: int, col: int, text: str, fmt: Any = None) -> None:
        """``text`` as a text cell; one a spreadsheet could run gets the quote prefix."""
        sheet.write_string(row, col, text, self._quoted_twin(fmt) if formula_like(text) else fmt)

    def write_row(self, sheet: Any, row: int, col: int, texts: Sequence[str], fmt: Any = None) -> None:
        """A row of texts (a header) from column ``col`` on."""
        for offset, text in enumerate(texts):
            self.write(sheet, row, col + offset, text, fmt)
