"""督查信号 over HTTP (GET /api/signals, the office only): the per-inspector signals of a month as JSON —
the same list the office's page /evidence/signals shows, each with its sentence, counts, rows and photos.

The month, the kinds and every threshold are query parameters, bounded (a share in whole per cent 1–100,
row counts 1–100000, months 1–12, minutes 1–1440), declared here for the OpenAPI document and read by
:func:`kaoping.app.signal_query.read_query`, as the page reads its own.
The 考评时段 come from the scheme named (default: the first of the office's schemes that has any).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from kaoping.api.auth import Principal
from kaoping.api.context import CtxDep, SessionDep
from kaoping.api.roles import Perm, require
from kaoping.app.context import AppContext
from kaoping.app.inspector_signals import inspector_signals
from kaoping.app.signal_query import BOUNDS, KIND, MAX_TEXT, MONTH, SignalQuery, read_query
from kaoping.engine.signals import Entry, Signal, Thresholds
from kaoping.scheme.model import InspectionWindow

router = APIRouter(prefix="/api/signals", tags=["evidence"])
Office = Annotated[Principal, Depends(require(Perm.EVIDENCE_SIGNALS))]
Share = Annotated[int, Query(ge=1, le=100, description="whole per cent")]
Rows = Annotated[int, Query(ge=1, le=100_000)]
D = {name: bound[2] for name, bound in BOUNDS.items()}
"""The defaults of the thresholds, as the query parameters take them (app/signal_query.BOUNDS)."""


def signal_query(
    ctx: CtxDep,
    month: Annotated[str | None, Query(pattern=MONTH, description="YYYY-MM; default: last month")] = None,
    kind: Annotated[str, Query(pattern=KIND, description="one kind only; empty or absent: all")] = "",
    scheme: Annotated[str | None, Query(max_length=MAX_TEXT)] = None,
    concentrated_pct: Share = D["concentrated_pct"],
    concentrated_min_rows: Rows = D["concentrated_min_rows"],
    drop_pct: Share = D["drop_pct"],
    drop_months: Annotated[int, Query(ge=1, le=12)] = D["drop_months"],
    drop_min_rows: Rows = D["drop_min_rows"],
    edge_pct: Share = D["edge_pct"],
    edge_min_rows: Rows = D["edge_min_rows"],
    edge_minutes: Annotated[int, Query(ge=1, le=1440)] = D["edge_minutes"],
) -> SignalQuery:
    """The query parameters as documented (FastAPI answers 422 naming one out of its bounds), read by the
    same function as the page's (:func:`kaoping.app.signal_query.read_query`; 404 for a scheme not run)."""
    given: dict[str, object] = {"month": month or "", "kind": kind, "scheme": scheme or ""}
    given |= {"concentrated_pct": concentrated_pct, "concentrated_min_rows": concentrated_min_rows}
    given |= {"drop_pct": drop_pct, "drop_months": drop_months, "drop_min_rows": drop_min_rows}
    given |= {"edge_pct": edge_pct, "edge_min_rows": edge_min_rows, "edge_minutes": edge_minutes}
    return read_query({k: str(v) for k, v in given.items()}, ctx.schemes, ctx.settings.clock().date())


QueryDep = Annotated[SignalQuery, Depends(signal_query)]


def windows(ctx: AppContext, scheme: str | None) -> tuple[str | None, list[InspectionWindow]]:
    """The scheme whose 考评时段 count and its windows: the one named, else the first that has windows."""
    if scheme is not None:
        return scheme, list(ctx.schemes[scheme].scheme.inspection_windows)
    for name, office in ctx.schemes.items():
        if office.scheme.inspection_windows:
            return name, list(office.scheme.inspection_windows)
    return None, []


class RowOut(BaseModel):
    kind: str
    row_id: int
    unit_id: str
    actor: str
    day: date
    clock: str | None
    key: str
    photos: list[int]

    @classmethod
    def of(cls, e: Entry) -> RowOut:
        clock = e.clock.isoformat(timespec="minutes") if e.clock else None
        return cls(kind=e.kind, row_id=e.row_id, unit_id=e.unit_id, actor=e.actor, day=e.day, clock=clock,
                   key=e.key, photos=list(e.photos))  # fmt: skip


class SignalOut(BaseModel):
    kind: str
    label: str
    month: str
    entry_kind: str
    unit_id: str | None
    actor: str | None
    explanation: str
    params: dict[str, str]
    rows: list[RowOut]
    photos: list[int]

    @classmethod
    def of(cls, s: Signal) -> SignalOut:
        return cls(
            kind=s.kind, label=s.label, month=s.month, entry_kind=s.entry_kind, unit_id=s.unit_id, actor=s.actor,
            explanation=s.explanation, params=s.params, rows=[RowOut.of(e) for e in s.rows], photos=list(s.photos),
        )  # fmt: skip


class SignalsOut(BaseModel):
    month: str
    scheme: str | None
    thresholds: dict[str, str]
    signals: list[SignalOut]


def thresholds_out(th: Thresholds) -> dict[str, str]:
    return {name: str(value) for name, value in vars(th).items()}


@router.get("")
def list_signals(ctx: CtxDep, s: SessionDep, who: Office, asked: QueryDep) -> SignalsOut:
    """督查信号 of a month (office only): 核查集中, 上报骤降, 窗口边缘集中, each with its sentence (the
    counts and the threshold), the rows and photos it rests on.  Read only: nothing is changed or deleted."""
    name, found = windows(ctx, asked.scheme)
    result = inspector_signals(s, who, asked.month, found, asked.thresholds, asked.kinds)
    signals = [SignalOut.of(signal) for signal in result]
    return SignalsOut(month=asked.month, scheme=name, thresholds=thresholds_out(asked.thresholds), signals=signals)
