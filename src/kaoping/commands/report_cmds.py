"""`kaoping report`: the period's bulletin (考评通报) as an Excel workbook or a PDF.

It reads the same data as `kaoping score` (a folder or workbook, or the store) and fails the same way:
exit status 2 with the file, row and column on bad input, and no file written then.  From the store, a
published period's bulletin carries that version's stamp (version, time, audit chain head); anything else
is marked a draft (:func:`kaoping.app.bulletins.store_stamp`).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kaoping.commands.common import bad_input_exits, err, fail

if TYPE_CHECKING:
    from kaoping.reports.data import BulletinData


class ReportFormat(StrEnum):
    XLSX = "xlsx"
    PDF = "pdf"


def _load(scheme: str, period: str, data: Path | None, db: str | None) -> BulletinData:
    """Gather the bulletin's data, turning every kind of bad input into exit status 2 with its message."""
    from kaoping.app.bulletins import bulletin_data

    with bad_input_exits(scheme):
        return bulletin_data(scheme, period, data=data, db=db)


def register(app: typer.Typer) -> None:
    """Add the `report` command to ``app``."""

    @app.command()
    def report(
        period: Annotated[str, typer.Option(help="2024-03 (month), 2024-Q2 (quarter) or 2024 (year)")],
        out: Annotated[Path, typer.Option(help="file to write (.xlsx or .pdf)")],
        scheme: Annotated[str, typer.Option(help="built-in scheme name or a scheme file")] = "city-1000",
        data: Annotated[Path | None, typer.Option(help="folder of CSV files or one .xlsx workbook")] = None,
        db: Annotated[str | None, typer.Option(help="read the facts from the store at this URL")] = None,
        format: Annotated[
            ReportFormat | None, typer.Option("--format", help="xlsx or pdf (default: from --out)")
        ] = None,
        office: Annotated[str, typer.Option(help="issuing office named on the PDF")] = "考评办",
        issue_no: Annotated[str | None, typer.Option(help="bulletin number printed on the PDF (期号)")] = None,
        issued_on: Annotated[str | None, typer.Option(help="issue date on the PDF, YYYY-MM-DD (default today)")] = None,
    ) -> None:
        """Write the bulletin of one period: rankings, deductions by item and unit, reasons, case metrics."""

        chosen = format or _format_of(out)
        if (data is None) == (db is None):
            fail("give exactly one of --data DIR_OR_XLSX or --db URL")
        day = _parse_day(issued_on)
        bulletin = _load(scheme, period, data, db)
        if chosen == ReportFormat.XLSX:
            from kaoping.reports.xlsx_bulletin import write_xlsx

            write_xlsx(bulletin, out)
        else:
            from kaoping.reports.pdf_bulletin import write_pdf

            write_pdf(bulletin, out, office=office, issue_no=issue_no, issued_on=day)
        err.print(f"wrote {out} ({bulletin.stamp.line()})")  # which version it stands for, or that it is a draft


def _format_of(out: Path) -> ReportFormat:
    suffix = out.suffix.lower().lstrip(".")
    if suffix in {f.value for f in ReportFormat}:
        return ReportFormat(suffix)
    fail(f"--out {out}: give --format xlsx or pdf (cannot tell from the file name)")


def _parse_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--issued-on: '{text}' is not a date like 2024-06-05")
