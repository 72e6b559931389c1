"""An uploaded workbook or CSV file, imported the way ``kaoping import`` imports it — plus the role rules.

The file is saved to a temporary folder and handed to :func:`kaoping.store.importer.import_data`, so an
upload is checked exactly like an import from the command line (every reading error, unknown units, the
office's scheme) and written all or nothing, idempotently.  The importer knows nothing of accounts, so the
rows are read once first and held to the rules of the JSON API (``roles.check_fact_write``): a department
or third party imports only score rows of its parts under its own name, an inspector only deductions and
notices.  An offending file is refused as a whole, its rows listed, and the attempt is put in the audit
trail like a refused API write.

Error labels name the file the user chose (``book.xlsx[scores]``), not the temporary path it was saved to.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import polars as pl

from kaoping.api.auth import Principal
from kaoping.api.context import ApiContext
from kaoping.api.factrows import canonical_names
from kaoping.api.roles import DEPARTMENT, THIRD_PARTY, part_allowed
from kaoping.errors import ErrorLog, InputError, InputErrors
from kaoping.facts import FILE_NAMES, Facts
from kaoping.facts.columns import ROW
from kaoping.io.readers import read_facts
from kaoping.scheme import Scheme
from kaoping.store.audit import AuditWriter
from kaoping.store.db import transaction
from kaoping.store.importer import ImportReport, import_data
from kaoping.web.entry_forms import KIND_NAMES, upload_kinds

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
        out.append(InputError(label, e.row, e.column, e.message))
    return out


def role_problems(who: Principal, facts: Facts, canonical: dict[str, str]) -> InputErrors | None:
    """The rows ``who`` may not write, as errors; None when every row is the account's to write.

    The same rules as a single-row write through the API: the kind needs the role's write permission;
    score and deduction rows need the account's parts; a department's or third party's score rows must
    carry its own name as ``source`` (an empty source is not filled in here: the file is the record).
    """
    log = ErrorLog()
    kinds = upload_kinds(who.role)
    for name in FILE_NAMES:
        frame: pl.DataFrame = getattr(facts, name)
        if frame.is_empty():
            continue
        label = facts.label(name)
        if name not in kinds:
            message = f"本账号不能导入{KIND_NAMES[name]}（{name}）数据：共 {frame.height} 行，请删除此表的数据行"
            log.add(InputError(label, None, None, message))
            continue
        if name not in ("scores", "deductions"):
            continue
        scorer = name == "scores" and who.role in (DEPARTMENT, THIRD_PARTY)
        shown: list[InputError] = []
        bad = 0
        ok_parts: dict[tuple[str, str], bool] = {}
        for row, part, item, src in zip(frame[ROW], frame["part"], frame["item"], frame["source"], strict=True):
            key = (str(part or ""), str(item or ""))
            if key not in ok_parts:
                ok_parts[key] = part_allowed(who, key[0], key[1], canonical)
            if not ok_parts[key]:
                what = f"{key[0]}/{key[1]}" if key[1] else key[0]
                mine = "、".join(who.parts) or "无"
                error = InputError(label, row, "part", f"本账号不能为“{what}”评分或扣分（本账号的考评项目：{mine}）")
            elif scorer and str(src or "") != who.scorer_name:
                error = InputError(label, row, "source", f"评分单位须填写本账号的名称“{who.scorer_name}”")
            else:
                continue
            bad += 1
            if len(shown) < 50:
                shown.append(error)
        log.add_counted(shown, bad)
    return InputErrors(log.kept, log.total) if log else None


def _record_refusal(ctx: ApiContext, who: Principal, filename: str, errors: InputErrors) -> None:
    """A refused upload goes into the audit trail as ``denied``, like a refused API write."""
    with transaction(ctx.factory) as session:
        audit = AuditWriter(session, who.actor, reason=f"refused: role '{who.role}' may not do this")
        detail = {"role": who.role, "attempted": f"import {filename}", "problems": errors.total}
        audit.event("denied", "import", f"import {filename}"[:200], detail=detail)
        audit.flush()


def run_import(ctx: ApiContext, who: Principal, stream: BinaryIO, filename: str, kind: str) -> Outcome:
    """Save, check the account's rights on every row, then import (trying each office scheme in turn)."""
    outcome = Outcome(filename)
    with tempfile.TemporaryDirectory(prefix="kaoping-upload-") as tmp:
        try:
            source = save(stream, filename, kind, Path(tmp))
        except Refused as exc:
            return Outcome(filename, status=exc.status, message=exc.message)
        try:
            facts = read_facts(source)
        except InputErrors as exc:
            return _failed(outcome, exc, source, "文件中有无法读取的数据，未导入任何内容。")
        refused = role_problems(who, facts, canonical_names(ctx))
        if refused is not None:
            _record_refusal(ctx, who, filename, refused)
            outcome.status = 403
            return _failed(outcome, refused, source, "文件中有本账号无权录入的数据，未导入任何内容。")
        # A row is accepted when one of the office's schemes accepts it (as in the API); the importer
        # checks before writing anything, so trying the next scheme after a refusal is safe.
        candidates: list[tuple[str, Scheme | None]] = [(n, o.scheme) for n, o in ctx.schemes.items()]
        first: tuple[str, InputErrors] | None = None
        for name, scheme in candidates or [("", None)]:
            try:
                outcome.report = import_data(ctx.factory, source, actor=who.actor, scheme=scheme)
                return outcome
            except InputErrors as exc:
                first = first or (name, exc)
        assert first is not None
        outcome.scheme = first[0] if len(ctx.schemes) > 1 else None
        return _failed(outcome, first[1], source, "数据未通过校验，未导入任何内容。")


def _failed(outcome: Outcome, exc: InputErrors, source: Path, message: str) -> Outcome:
    outcome.status = outcome.status if outcome.status != 200 else 422
    # by file and row, as the user will walk through the sheet (the importer lists them check by check)
    errors = relabel(exc.errors, source, outcome.filename)
    outcome.errors = sorted(errors, key=lambda e: (e.file, e.row if e.row is not None else 0))
    outcome.total = exc.total
    outcome.message = message
    return outcome
