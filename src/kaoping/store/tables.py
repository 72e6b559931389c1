"""The evaluation office's system of record: SQLAlchemy 2 tables (one per interchange file, plus the rest).

Fact tables mirror the interchange files column for column, so a folder imported and exported comes back
the same, and every fact row remembers where it came from (``src_file``, ``src_row``: explanations cite
the spreadsheet row an office knows) and which import brought it.  Each fact table has a natural key
(``nkey``): importing the same row again updates it instead of adding a copy — that is what makes an
import idempotent.  Scores are stored as exact decimals (Numeric), never floats.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
POINTS = Numeric(14, 6)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Created:
    """Who made the row and when (an account's name, or the command that did): kept on every record a
    person answers for — a scheme version, a result, an appeal, a piece of evidence."""

    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))


class SchemeVersion(Created, Base):
    """A scheme file as it was used: name, its version number and the exact text (方案版本)."""

    __tablename__ = "scheme_versions"
    __table_args__ = (UniqueConstraint("name", "sha256"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)


class ImportBatch(Base):
    """One imported file (or sheet): its hash makes a second import of the same file a no-op."""

    __tablename__ = "imports"
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(500))
    rows: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[str] = mapped_column(String(100))


class ImportRow(Base):
    """The hash of one row an import batch wrote (its canonical text: kaoping.store.batch_write): the batch's
    single audit entry holds the digest of these, and these name the row that no longer matches."""

    __tablename__ = "import_rows"
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"), primary_key=True)
    src_row: Mapped[int] = mapped_column(Integer, primary_key=True)
    row_hash: Mapped[str] = mapped_column(String(32))


class Unit(Base):
    """考评对象: an evaluated unit and its group."""

    __tablename__ = "units"
    unit_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    group: Mapped[str] = mapped_column("group_name", String(100))
    reward_eligible: Mapped[bool] = mapped_column(Boolean, default=True)
    src_file: Mapped[str] = mapped_column(String(500), default="")
    src_row: Mapped[int] = mapped_column(Integer, default=0)


class UnitRecord:
    """A record of one evaluated unit, with an id of its own: each fact, appeal and piece of evidence.  The
    foreign key a unit's own rows are found by (and a unit account is held to) is declared here once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.unit_id"), index=True)


class FactMixin(UnitRecord):
    """Columns every fact table has: its unit, natural key, provenance, import batch."""

    nkey: Mapped[str] = mapped_column(String(64), unique=True)
    src_file: Mapped[str] = mapped_column(String(500), default="")
    src_row: Mapped[int] = mapped_column(Integer, default=0)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"), nullable=True)


class ScoreRow(FactMixin, Base):
    __tablename__ = "scores"
    period: Mapped[str] = mapped_column(String(10), index=True)
    part: Mapped[str] = mapped_column(String(100))
    item: Mapped[str] = mapped_column(String(200), default="")
    score: Mapped[Decimal] = mapped_column(POINTS)
    source: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class DeductionRow(FactMixin, Base):
    __tablename__ = "deductions"
    # a unit's deductions of a month, read again when its cells are stale (kaoping.store.deduction_cells)
    __table_args__ = (Index("ix_deductions_unit_date", "unit_id", "date"),)
    date: Mapped[date] = mapped_column(Date, index=True)
    part: Mapped[str] = mapped_column(String(100))
    item: Mapped[str] = mapped_column(String(200), default="")
    points: Mapped[Decimal] = mapped_column(POINTS)
    source: Mapped[str] = mapped_column(String(200), default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(500), default="")
    evidence: Mapped[str] = mapped_column(String(500), default="")
    time: Mapped[time | None] = mapped_column(Time, nullable=True)
    problem_kind: Mapped[str] = mapped_column(String(40), default="", server_default="")
    """A kind of problem of the scheme's standard (扣分标准, scheme/standard.py); empty: none named."""
    quantity: Mapped[Decimal | None] = mapped_column(POINTS, nullable=True)
    override_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    lat: Mapped[Decimal | None] = mapped_column(POINTS, nullable=True)
    """Where the problem is (WGS-84 degrees, migration 0015_deduction_points); None: no point given."""
    lon: Mapped[Decimal | None] = mapped_column(POINTS, nullable=True)
    accuracy_m: Mapped[Decimal | None] = mapped_column(POINTS, nullable=True)


class HonorRow(FactMixin, Base):
    __tablename__ = "honors"
    date: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(500), default="")


class NoticeRow(FactMixin, Base):
    __tablename__ = "notices"
    problem_id: Mapped[str] = mapped_column(String(100), index=True)
    notified_on: Mapped[date] = mapped_column(Date)
    rectified_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    points: Mapped[Decimal | None] = mapped_column(POINTS, nullable=True)
    """原扣分 (optional): what the notified problem cost, for 加倍扣分 (``times_original``)."""
    failed_reinspections: Mapped[int] = mapped_column(Integer, default=0)


class CaseRow(FactMixin, Base):
    """数字城管案卷."""

    __tablename__ = "cases"
    # a unit's cases of a month, read again when its cells are stale (kaoping.store.case_cells)
    # and each unit's cases reported per month, counted by the 督查信号 screen (kaoping.store.signal_reads)
    __table_args__ = (
        *(Index(f"ix_cases_unit_{c}", "unit_id", c) for c in ("dispatched_at", "closed_at", "disposed_at")),
        Index("ix_cases_reported_unit", "reported_at", "unit_id"),
    )
    case_id: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(200))
    reported_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    deadline: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    disposed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    rework_count: Mapped[int] = mapped_column(Integer, default=0)
    verify_failed: Mapped[int] = mapped_column(Integer, default=0)
    postponed: Mapped[int] = mapped_column(Integer, default=0)
    # a 12345 work order (工单): channel 12345, its 回访 answer, the order a 重复投诉 repeats (0014_orders_media)
    channel: Mapped[str] = mapped_column(String(50), default="")
    satisfaction: Mapped[str] = mapped_column(String(20), default="")
    repeat_of: Mapped[str] = mapped_column(String(100), default="")


class CaseTransition(Base):
    """One step of a case's lifecycle (派遣 → 处置 → 核查 → 结案 ...), with who and when."""

    __tablename__ = "case_transitions"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.case_id"), index=True)
    from_status: Mapped[str] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")


class RankRow(FactMixin, Base):
    __tablename__ = "ranks"
    period: Mapped[str] = mapped_column(String(10), index=True)
    task: Mapped[str] = mapped_column(String(200))
    rank: Mapped[int] = mapped_column(Integer)


class PublishedResult(Created, Base):
    """A period's results as computed, reviewed and published (frozen): corrections add a new version."""

    __tablename__ = "published_results"
    __table_args__ = (UniqueConstraint("scheme", "period", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    scheme: Mapped[str] = mapped_column(String(100))
    scheme_version_id: Mapped[int] = mapped_column(ForeignKey("scheme_versions.id"))
    period: Mapped[str] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))  # draft | reviewed | published | superseded
    document: Mapped[dict[str, object]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    published_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    audit_head: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The audit chain's head right after this version's publication (its own publish event included):
    printed with the published result, so anyone can later check the trail it stands on."""
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("fact_snapshots.id"), nullable=True)
    """The facts this version was computed from (None for versions kept before snapshots existed)."""
    snapshot: Mapped[FactSnapshot | None] = relationship()


class FactSnapshot(Base):
    """Facts as a result saw them (数据快照), packed (:mod:`kaoping.facts.snapshot`) and stored under their
    sha256, so a published version can be recomputed byte for byte whatever happens to the live rows."""

    __tablename__ = "fact_snapshots"
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    rows: Mapped[int] = mapped_column(Integer)
    scoped: Mapped[bool] = mapped_column(Boolean)
    """True when only the facts dated in the period's scope were kept; False when all of them were."""
    created_at: Mapped[datetime] = mapped_column(DateTime)


class User(Base):
    """A person with a role: 考评办 admin, 考评部门 department, 督查员 inspector, 第三方机构 third_party,
    被考评单位 unit, 公众 public (no account needed)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.unit_id"), nullable=True)
    parts: Mapped[list[str]] = mapped_column(JSON, default=list)
    """考评部门 / 第三方机构: the parts (and items as 'part/item') this account may score."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Part of every session cookie and token (kaoping.app.account_cache.fingerprint): bumped on sign-out, so a copied
    cookie or token stops working although both are otherwise checked by signature alone."""


class LoginThrottle(Base):
    """Failed sign-ins per account name or client address, and the lock they led to (kaoping.store.login_guard):
    in the store, not in memory, so every worker process of ``kaoping serve --workers N`` sees the same lock."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    """``user:<name>`` or ``addr:<ip>``."""
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_at: Mapped[datetime] = mapped_column(DateTime)
    """When the current window of failures began."""
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Appeal(Created, UnitRecord, Base):
    """申诉: a unit disputes a result or a deduction within the scheme's window."""

    __tablename__ = "appeals"
    period: Mapped[str] = mapped_column(String(10))
    target: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    answer: Mapped[str] = mapped_column(Text, default="")


class Evidence(Created, UnitRecord, Base):
    """整改材料: a photo a unit uploads to show a problem was rectified (or an inspector's photo of it)."""

    __tablename__ = "evidence"
    target: Mapped[str] = mapped_column(String(200), index=True)  # a row's photos by its key (migration 0019)
    filename: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    """The bytes as uploaded, EXIF (GPS position, time) and all: shown to the office only."""
    shared: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    """The same picture decoded and encoded again without EXIF, XMP or comments: what other roles are shown
    (None for a row stored before photos were checked; made when first asked for)."""
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    """The content address of ``data`` (never rewritten); None only on rows stored before migration 0013."""
    dhash: Mapped[str | None] = mapped_column(String(16), nullable=True)
    """The picture's difference hash (kaoping.io.photo_marks): near-equal for the same picture re-encoded."""
    taken_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    """The camera's EXIF time, read from ``data`` before it is stripped (None: the file has none)."""
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)

    @property
    def size(self) -> int:
        """Bytes of the file, read where the answer about an upload is built (the row is there, bytes and all)."""
        return len(self.data)


class AuditEntry(Base):
    """Append-only trail of every change to a score-bearing row: who, when, what before/after, why — a hash
    chain the database refuses to update or delete (kaoping.store.chain)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_table_row", "table_name", "row_key"),)
    """A row's history (app/row_history.py) and who entered it (app/inspector_signals.py) are looked up by
    table and key; without the index each look-up scans the trail (migration 0019)."""
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))  # insert | update | delete | denied | publish | correct
    table_name: Mapped[str] = mapped_column(String(50))
    row_key: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    period: Mapped[str | None] = mapped_column(String(10), nullable=True, index=True)
    before: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    """The hash of the entry before (kaoping.store.chain): the trail is a hash chain."""
    entry_hash: Mapped[str] = mapped_column(String(64), default="")
    """sha256 of this entry's content and ``prev_hash``."""


class UnitArea(Base):
    """辖区范围: a unit's area as a GeoJSON geometry, for the dashboard's map (drawn offline, no tiles).

    Kept apart from ``units`` because units.csv (the pinned contract) has no geometry and most offices
    will load areas once from a GIS export, not with every import.
    """

    __tablename__ = "unit_areas"
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.unit_id"), primary_key=True)
    geometry: Mapped[dict[str, object]] = mapped_column(JSON)
    """A GeoJSON geometry (Polygon or MultiPolygon), longitude/latitude or any planar coordinates."""


class CaseCell(Base):
    """案卷汇总格: one count of one unit's cases dispatched in one month (:mod:`kaoping.cases.cells`), kept
    by :mod:`kaoping.store.case_cells` from the marks the ``cases`` table's triggers leave."""

    __tablename__ = "case_cells"
    unit_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure: Mapped[str] = mapped_column(String(20), primary_key=True)
    settle: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class CaseCellMonth(Base):
    """When a month's cells last changed: a counter over all months, so a result kept for a span of months
    stays valid until a month inside the span is counted again (the pages' data version)."""

    __tablename__ = "case_cell_months"
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


class CaseCellMark(Base):
    """A (unit, month) whose cells no longer match its cases: left by a trigger in the transaction that
    changed a case, cleared by whoever brings the cells up to date."""

    __tablename__ = "case_cell_marks"
    unit_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
