"""An uploaded workbook or CSV file, imported the way ``kaoping import`` imports it — plus the role rules.

The file is saved to a temporary folder and handed to the import use case
(:func:`kaoping.app.uploads.import_upload`), so an upload is checked exactly like an import from the
command line (every reading error, unknown units, the office's scheme) and written all or nothing,
idempotently — after the rows are held to the rules of a single-row write: a department or third party
imports only score rows of its parts under its own name, an inspector only deductions and notices.  An
offending file is refused as a whole, its rows listed, and the attempt is put in the audit trail.  This
module only saves the file and turns the outcome into what the page shows.

Error labels name the file the user chose (``book.xlsx[scores]``), not the temporary path it was saved to.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from kaoping.api.auth import Principal
from kaoping.api.context import ApiContext
from kaoping.app.entry_checks import EntryProblem
from kaoping.app.imports import ImportBusy, ImportReport
from kaoping.app.uploads import ImportRejected, Unconfirmed, UploadRefused, import_upload
from kaoping.errors import InputError, InputErrors
from kaoping.facts import FILE_NAMES
from kaoping.web.entry_forms import KIND_NAMES

UPLOAD_PATH = "/entry/upload"
"""Where the upload form posts: the body limit of the composition root allows it a workbook's size."""
MAX_BYTES = 20 * 1024 * 1024
"""An upload larger than this is refused unread: a year of a city's facts is a few megabytes."""
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")
_UNSAFE = re.compile(r"[^\w.() -]+")


@dataclass
class Outcome:
    """What the page shows after an upload: the report, or the errors (nothing written)."""

    filename: str
    status: int = 200
    report: ImportReport | None = None
    errors: list[InputError] = field(default_factory=list)
    total: int = 0
    message: str = ""
    scheme: str | None = None
    """The office scheme the errors are against, when the office runs several."""
    warnings: list[EntryProblem] = field(default_factory=list)
    """Rows to confirm (需确认): the page shows them and asks for the confirmation and a reason."""

    @property
    def ok(self) -> bool:
        return self.report is not None


class Refused(Exception):
    """The upload cannot even be read as data (no file, wrong type, too large)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def display_name(raw: str | None) -> str:
    """The file's own name as the browser sent it (some send a whole Windows path), trimmed."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(ch for ch in name if ch.isprintable())[:200]


def _safe(name: str) -> str:
    """A name safe to create on disk; it stays recognisable since the import's labels carry it."""
    return _UNSAFE.sub("_", name).strip(" .")[:120] or "upload"


def csv_kind(filename: str, chosen: str) -> str | None:
    """Which interchange file a CSV upload is: as chosen, else read from its name (scores.csv, scores-5月.csv)."""
    if chosen in FILE_NAMES:
        return chosen
    stem = Path(filename).stem.strip().lower()
    starts = [n for n in FILE_NAMES if stem.startswith(n)]
    return max(starts, key=len) if starts else None


def save(stream: BinaryIO, filename: str, kind: str, folder: Path) -> Path:
    """Copy the upload into ``folder`` and return what to import: the workbook, or a folder with ``kind.csv``.

    Read in chunks and stopped at :data:`MAX_BYTES`, so a huge upload never fills the disk.
    """
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise Refused(415, f"只能上传 Excel 工作簿（.xlsx）或 CSV 文件，收到的是“{filename or '（无文件名）'}”。")
    if suffix == ".csv":
        chosen = csv_kind(filename, kind)
        if chosen is None:
            names = "、".join(f"{n}.csv" for n in FILE_NAMES)
            raise Refused(422, f"无法从文件名判断 CSV 的数据类型：请选择数据类型，或把文件命名为 {names} 之一。")
        source = folder / _safe(Path(filename).stem)
        source.mkdir()
        target = source / f"{chosen}.csv"
    else:
        source = target = folder / _safe(filename)
    size = 0
    with target.open("wb") as out:
        while chunk := stream.read(1 << 20):
            size += len(chunk)
            if size > MAX_BYTES:
                raise Refused(413, f"文件超过 {MAX_BYTES // (1024 * 1024)} MB，请拆分后分批上传。")
            out.write(chunk)
    if size == 0:
        raise Refused(422, "上传的文件是空的。")
    return source


def relabel(errors: list[InputError], source: Path, filename: str) -> list[InputError]:
    """Errors naming the file the user chose instead of the temporary copy."""
    out: list[InputError] = []
    for e in errors:
        label = e.file
        if source.is_dir() and label.startswith(str(source)):
            label = filename
        elif label.startswith(str(source)):
            label = filename + label[len(str(source)) :]
        out.append(replace(e, file=label))
    return out


def run_import(
    ctx: ApiContext, who: Principal, stream: BinaryIO, filename: str, kind: str, confirm_reason: str | None = None
) -> Outcome:
    """Save the upload, then import it as the account's upload (:func:`kaoping.app.uploads.import_upload`);
    ``confirm_reason``: the upload was confirmed (我已核实，确认提交) with this reason."""
    outcome = Outcome(filename)
    with tempfile.TemporaryDirectory(prefix="kaoping-upload-") as tmp:
        try:
            source = save(stream, filename, kind, Path(tmp))
        except Refused as exc:
            return Outcome(filename, status=exc.status, message=exc.message)
        try:
            outcome.report = import_upload(ctx, who, source, filename, KIND_NAMES, confirm_reason)
        except Unconfirmed as exc:
            outcome.status = 409
            outcome.warnings = [_relabel_problem(p, source, filename) for p in exc.findings.warnings]
            message = "以下数据需要核实：确认无误请勾选“我已核实，确认提交”、填写原因后重新上传；未导入任何内容。"
            return _failed(outcome, exc, source, message)
        except UploadRefused as exc:
            outcome.status = 403
            return _failed(outcome, exc, source, "文件中有本账号无权录入的数据，未导入任何内容。")
        except ImportRejected as exc:
            outcome.scheme = exc.scheme
            return _failed(outcome, exc, source, "数据未通过校验，未导入任何内容。")
        except InputErrors as exc:
            return _failed(outcome, exc, source, "文件中有无法读取的数据，未导入任何内容。")
        except ImportBusy as exc:
            return Outcome(filename, status=409, message=exc.message)
        return outcome


def _relabel_problem(problem: EntryProblem, source: Path, filename: str) -> EntryProblem:
    label = relabel([problem.input_error()], source, filename)[0].file
    return replace(problem, file=label)


def _failed(outcome: Outcome, exc: InputErrors, source: Path, message: str) -> Outcome:
    outcome.status = outcome.status if outcome.status != 200 else 422
    # by file and row, as the user will walk through the sheet (the importer lists them check by check)
    errors = relabel(exc.errors, source, outcome.filename)
    outcome.errors = sorted(errors, key=lambda e: (e.file, e.row if e.row is not None else 0))
    outcome.total = exc.total
    outcome.message = message
    return outcome
