"""Reading answer sheets of a questionnaire (问卷答卷) from a CSV file or an Excel workbook (its sheet 答卷 or
answers): bounded by the io readers, with Chinese errors by row and column.

One row per answer sheet: ``unit_id`` (单位), ``period`` (考评期), optionally ``contact`` (联系电话 or 答题码: only
its salted hash is kept, by :mod:`kaoping.app.surveys`), ``channel`` (渠道) and ``answer_id`` (答卷编号, as an
export of the stored answers writes it), then one column per question id of the questionnaire holding a label
of its scale (满意 …).  The same layout is the import (导入) and the example data (examples/social-evaluation).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kaoping.errors import InputError, InputErrors
from kaoping.io.raw import RawTable
from kaoping.io.sources import read_csv_table
from kaoping.io.workbook import read_workbook
from kaoping.periods import PeriodError, parse_period
from kaoping.scheme.survey import Questionnaire

MAX_ANSWER_ROWS = 10_000
"""Most answer sheets one import carries (a city's month of 电话回访 is a few thousand)."""

_HEADERS = {
    "unit_id": ("unit_id", "单位", "单位编号"),
    "period": ("period", "考评期", "期次"),
    "contact": ("contact", "联系电话", "答题码"),
    "channel": ("channel", "渠道"),
    "answer_id": ("answer_id", "答卷编号"),
}


@dataclass(frozen=True)
class AnswerRow:
    """One answer sheet as read (its spreadsheet row for messages)."""

    row: int
    unit_id: str
    period: str
    contact: str
    channel: str
    answer_id: int | None
    choices: dict[str, str]


def _positions(header: list[str], q: Questionnaire, label: str) -> tuple[dict[str, int], list[InputError]]:
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        for name, names in _HEADERS.items():
            if cell in names:
                found[name] = i
        if cell in {x.id for x in q.questions}:
            found[cell] = i
    need = ["unit_id", "period", *(x.id for x in q.questions)]
    wanted = "、".join(need)
    errors = [InputError(label, 1, name, f"缺少列 {name}（表头须有 {wanted}）") for name in need if name not in found]
    return found, errors


SHEETS = ("答卷", "answers")
"""The sheet of a workbook that holds the answer sheets."""


def _table(path: Path, label: str) -> RawTable:
    if path.suffix.lower() != ".xlsx":
        table = read_csv_table(path, label)
        if isinstance(table, InputError):
            raise InputErrors([table])
        return table
    tables, _, errors = read_workbook(path, SHEETS)
    if errors:
        raise InputErrors(errors)
    found = next((tables[name] for name in SHEETS if name in tables), None)
    if found is None:
        raise InputErrors([InputError(label, None, None, "工作簿须有名为“答卷”（或 answers）的工作表")])
    return found


def read_answer_rows(path: Path, q: Questionnaire, label: str | None = None) -> list[AnswerRow]:
    """The answer sheets of a CSV file or workbook; InputErrors (file, row, column, Chinese) if a cell does not fit."""
    label = label or path.name
    table = _table(path, label)
    if table.body.height > MAX_ANSWER_ROWS:
        raise InputErrors([InputError(label, None, None, f"一次最多导入 {MAX_ANSWER_ROWS} 份答卷")])
    where, errors = _positions(table.header, q, label)
    if errors:
        raise InputErrors(errors)
    labels = q.values()
    rows: list[AnswerRow] = []
    for record in table.body.iter_rows(named=True):
        line = int(record["_row"])

        def cell(name: str, record: dict[str, object] = record) -> str:
            pos = where.get(name)
            return "" if pos is None else str(record.get(f"c{pos}") or "").strip()

        if not any(cell(n) for n in where):
            continue
        for name in ("unit_id", "period"):
            if not cell(name):
                errors.append(InputError(label, line, name, "不能为空"))
        try:
            period = str(parse_period(cell("period"))) if cell("period") else ""
        except PeriodError:
            errors.append(InputError(label, line, "period", f"“{cell('period')}”不是考评期（如 2024-03）"))
            period = ""
        choices = {x.id: cell(x.id) for x in q.questions}
        for qid, value in choices.items():
            if value not in labels:
                errors.append(InputError(label, line, qid, f"“{value}”不是选项之一（{'、'.join(labels)}）"))
        answer_id = cell("answer_id")
        if answer_id and not answer_id.isdigit():
            errors.append(InputError(label, line, "answer_id", f"“{answer_id}”不是正整数"))
        number = int(answer_id) if answer_id.isdigit() else None
        rows.append(AnswerRow(line, cell("unit_id"), period, cell("contact"), cell("channel"), number, choices))
    if errors:
        raise InputErrors(errors)
    return rows
