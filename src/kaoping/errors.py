"""Errors in the input data, phrased for the person who keeps the spreadsheets.

Data files are written by hand in Excel or exported from other systems, so mistakes are normal and the
user must be able to find each one: every error names the file (as the user knows it), the row number
as Excel shows it, the column and what was expected.  Reading collects *all* problems before failing,
because fixing one error per run is miserable; but it keeps only the first :data:`MAX_ERRORS`, since a
file with a wrong date format can easily produce a hundred thousand identical complaints.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_ERRORS = 50
"""How many errors are kept (and shown); the rest are only counted."""


_PLACES = {"zh": ("，第 {} 行", "，列“{}”", "："), "en": (", row {}", ", column '{}'", ": ")}
"""How a message places a problem (row, column, then the message), per language."""


@dataclass(frozen=True)
class InputError:
    """One problem in the input: where it is and what was wrong."""

    file: str
    """Label of the file as the user knows it: ``"DIR/scores.csv"`` or ``"book.xlsx[scores]"``."""
    row: int | None
    """Row as a spreadsheet shows it (header = 1, first data row = 2); None = the whole file."""
    column: str | None
    """Column name; None when the problem is the whole row or file."""
    message: str
    """What was wrong and what was expected (Chinese first, as every text a person reads)."""
    message_en: str | None = None
    """The same in English, where the check writes one (the catalogue :mod:`kaoping.input_messages`)."""

    @classmethod
    def said(cls, file: str, row: int | None, column: str | None, message: tuple[str, str]) -> InputError:
        """An error with a ``(Chinese, English)`` message from :func:`kaoping.input_messages.say`."""
        return cls(file, row, column, message[0], message[1])

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang`` (``en``: English where there is one)."""
        return self.message_en if lang == "en" and self.message_en else self.message

    def describe(self, lang: str = "zh") -> str:
        """File, row, column and message on one line, in ``lang``."""
        row, column, colon = _PLACES["en" if lang == "en" else "zh"]
        where = self.file
        if self.row is not None:
            where += row.format(self.row)
        if self.column is not None:
            where += column.format(self.column)
        return f"{where}{colon}{self.text(lang)}"

    def __str__(self) -> str:
        return self.describe()


class InputErrors(Exception):
    """Raised with all errors found (at most the first 50 kept, plus a count of the rest)."""

    errors: list[InputError]
    total: int

    def __init__(self, errors: Iterable[InputError], total: int | None = None) -> None:
        kept = list(errors)
        self.errors = kept[:MAX_ERRORS]
        self.total = max(len(kept), total or 0)
        # Passing the fields as args keeps the exception picklable (multiprocessing, pytest-xdist).
        super().__init__(self.errors, self.total)

    def describe(self, lang: str = "zh") -> str:
        """One error a line, in ``lang``, and how many more there are."""
        lines = [e.describe(lang) for e in self.errors]
        more = self.total - len(self.errors)
        if more > 0:
            lines.append(f"... and {more} more" if lang == "en" else f"……另有 {more} 处")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.describe()


class ErrorLog:
    """Collects errors across files, keeping the first :data:`MAX_ERRORS` and counting every one.

    Validators report each failed check as "these first few cells, out of N": only the kept ones are
    turned into :class:`InputError` objects, so a million bad cells cost no more than fifty.
    """

    def __init__(self) -> None:
        self.kept: list[InputError] = []
        self.total = 0

    def add(self, error: InputError) -> None:
        self.add_counted([error], 1)

    def add_counted(self, errors: Sequence[InputError], total: int) -> None:
        """Add ``errors`` (already in the order to show) standing for ``total`` problems in all."""
        room = MAX_ERRORS - len(self.kept)
        if room > 0:
            self.kept.extend(errors[:room])
        self.total += max(total, len(errors))

    def __bool__(self) -> bool:
        return self.total > 0

    def raise_if_any(self) -> None:
        if self.total:
            raise InputErrors(self.kept, self.total)


class FileProblems(ValueError):
    """A configuration file (scheme, categories, handbook) that cannot be used, with every problem found.

    One base for the scheme language and the case configs, so a file the office wrote by hand is reported the
    same way whichever loader refused it: ``file`` and ``problems`` for callers, one problem a line for people.
    """

    what = ""
    """Names the kind of file in the message ("scheme"); empty: the file name says enough."""

    def __init__(self, file: str, problems: list[str]) -> None:
        self.file = file
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid {self.what + ' ' if self.what else ''}{file}:\n{lines}")


# --- refusals of a use case (领域错误) ---------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One reason a row was refused, with the office scheme that refused it (None: no particular scheme)."""

    file: str
    row: int | None
    column: str | None
    message: str
    scheme: str | None = None
    message_en: str | None = None
    """The message in English, where the check that found it writes one (the entry checks do)."""


def problems_of(errors: Iterable[InputError], scheme: str | None = None) -> list[Problem]:
    return [Problem(e.file, e.row, e.column, e.message, scheme, e.message_en) for e in errors]


class DomainError(Exception):
    """A use case that cannot be done as asked (领域错误).  Each edge maps these once: the API to an HTTP
    problem, the pages to a Chinese page or the sign-in, the CLI to an exit code.

    Kept here, beside the input errors, rather than in the application layer, so the store's own rules
    (a published result is frozen) can raise them too without the store knowing the layer above it.
    """

    def __init__(self, message: str | tuple[str, str] = "") -> None:
        zh, en = message if isinstance(message, tuple) else (message, None)
        super().__init__(zh)
        self.message_en = en
        """The refusal in English, where it was written from the catalogue (:func:`kaoping.input_messages.say`)."""

    @property
    def message(self) -> str:
        """The refusal as a person reads it first: Chinese."""
        return str(self)

    def text(self, lang: str = "zh") -> str:
        """The refusal in ``lang`` (``en``: English where there is one), as the edges' language switch asks."""
        return self.message_en if lang == "en" and self.message_en else self.message


class NotFound(DomainError):
    """What the request names does not exist (no such unit, result, appeal, row)."""


class Conflict(DomainError):
    """The request is well formed but the state does not allow it now (window closed, already answered)."""


class Invalid(DomainError):
    """The input itself is wrong; ``problems`` says where, as file, row and column."""

    def __init__(self, message: str | tuple[str, str], problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


class NeedsConfirmation(Conflict):
    """Input that is plausible but unusual (需确认: a deduction above the part's maximum, a time outside the
    inspection window, a row in a published period): refused until the caller confirms it with a reason.
    ``problems`` says which rows and why, like :class:`Invalid`."""

    def __init__(self, message: str | tuple[str, str], problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


class Forbidden(DomainError):
    """The caller may not do this.  ``signed_in`` False: an anonymous caller, who might be allowed once signed in."""

    def __init__(self, message: str | tuple[str, str], *, signed_in: bool) -> None:
        super().__init__(message)
        self.signed_in = signed_in


class Denied(Forbidden):
    """A refused write whose ``denied`` audit event has already been committed (who tried what)."""

    def __init__(self, message: str | tuple[str, str]) -> None:
        super().__init__(message, signed_in=True)
