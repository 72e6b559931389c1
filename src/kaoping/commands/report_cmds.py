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

from kaoping.commands.common import DataOption, PeriodOption, SchemeOption, StoreOption, bad_input_exits, err, fail
from kaoping.commands.lang import t
from kaoping.reports.grade_exports import GradeExport

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
        period: PeriodOption,
        out: Annotated[Path, typer.Option(help="要写出的文件（.xlsx 或 .pdf）")],
        scheme: SchemeOption = "city-1000",
        data: DataOption = None,
        db: StoreOption = None,
        format: Annotated[
            ReportFormat | None, typer.Option("--format", help="xlsx 或 pdf（默认按 --out 的扩展名）")
        ] = None,
        office: Annotated[str, typer.Option(help="PDF 上署名的发文单位")] = "考评办",
        issue_no: Annotated[str | None, typer.Option(help="PDF 上印的期号")] = None,
        issued_on: Annotated[str | None, typer.Option(help="PDF 上的发文日期，YYYY-MM-DD（默认今天）")] = None,
    ) -> None:
        """写出一个考评期的通报：排名、按项目和单位的扣分、扣分原因、案卷指标。"""

        chosen = format or _format_of(out)
        if (data is None) == (db is None):
            fail(t("--data 与 --db 须给且只给一个"))
        day = _parse_day(issued_on)
        bulletin = _load(scheme, period, data, db)
        if chosen == ReportFormat.XLSX:
            from kaoping.reports.xlsx_bulletin import write_xlsx

            write_xlsx(bulletin, out)
        else:
            from kaoping.reports.pdf_bulletin import write_pdf

            write_pdf(bulletin, out, office=office, issue_no=issue_no, issued_on=day)
        err.print(
            t("已写入 {path}（{stamp}）", path=out, stamp=bulletin.stamp.line())
        )  # which version it stands for, or that it is a draft

    register_exports(app)


def register_exports(app: typer.Typer) -> None:
    """Add the `grades` command (等次运用: 评优评先名单, 绩效考核对接表) to ``app``."""

    @app.command()
    def grades(
        period: PeriodOption,
        out: Annotated[Path, typer.Option(help="要写出的 .xlsx 文件")],
        kind: Annotated[
            GradeExport, typer.Option(help="honors（评优评先名单：最高等次的单位）或 performance（绩效考核对接表）")
        ] = GradeExport.PERFORMANCE,
        scheme: SchemeOption = "city-1000",
        data: DataOption = None,
        db: StoreOption = None,
    ) -> None:
        """写出考评等次的对接表：评优评先名单，或政府绩效考核系统用的单位、得分、名次、等次表。"""
        from kaoping.reports.grade_exports import write_grade_export

        if (data is None) == (db is None):
            fail(t("--data 与 --db 须给且只给一个"))
        bulletin = _load(scheme, period, data, db)
        if not bulletin.scheme.graded:
            fail(t("考评方案 {scheme} 未设等次（grades），没有可导出的等次", scheme=bulletin.scheme.scheme))
        write_grade_export(kind, bulletin, out)
        err.print(t("已写入 {path}（{stamp}）", path=out, stamp=bulletin.stamp.line()))


def _format_of(out: Path) -> ReportFormat:
    suffix = out.suffix.lower().lstrip(".")
    if suffix in {f.value for f in ReportFormat}:
        return ReportFormat(suffix)
    fail(t("--out {out}：无法从文件名判断格式，请给出 --format xlsx 或 pdf", out=out))


def _parse_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(t("--issued-on：“{text}”不是形如 2024-06-05 的日期", text=text))
