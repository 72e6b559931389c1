"""Our case lifecycle seen through GeoReport's two statuses, with notes that say which step a case is at.

GeoReport knows only ``open`` and ``closed``; the lifecycle has nine statuses.  A case is closed when
nothing more will be done: 结案 (closed) and 作废 (invalid, not a valid report).  挂账 (suspended) stays
open — the problem is still there, it is only out of the on-time rates.  ``status_notes`` carries the
real step in Chinese and English, so a citizen sees "核查 verifying" rather than a bare "open".

The current status is the ``to_status`` of a case's latest recorded transition.  Cases that came from
cases.csv have no transitions; their status is read from the timestamps the file does have.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from kaoping.cases.lifecycle import LABELS, Status

OpenClosed = Literal["open", "closed"]
CLOSED = frozenset({Status.CLOSED, Status.INVALID})
CLOSED_VALUES = tuple(sorted(s.value for s in CLOSED))

NOTES: dict[Status, str] = {
    Status.REPORTED: "reported: waiting for the command centre to accept it",
    Status.REGISTERED: "registered: accepted as a case, to be dispatched",
    Status.DISPATCHED: "dispatched to the responsible unit",
    Status.DISPOSING: "disposing: the responsible unit is working on it",
    Status.FEEDBACK: "feedback: the unit reports it done, awaiting verification",
    Status.VERIFYING: "verifying: a supervisor is checking on site",
    Status.CLOSED: "closed: verified as resolved",
    Status.SUSPENDED: "suspended: a long-term case, kept open",
    Status.INVALID: "not a valid report",
}


def current_status(
    last_transition: str | None,
    *,
    dispatched_at: datetime | None,
    disposed_at: datetime | None,
    closed_at: datetime | None,
) -> Status:
    """The latest transition's status, else what an imported row's timestamps show."""
    if last_transition:
        return Status(last_transition)
    if closed_at is not None:
        return Status.CLOSED
    if disposed_at is not None:
        return Status.FEEDBACK
    if dispatched_at is not None:
        return Status.DISPATCHED
    return Status.REPORTED


def open_closed(status: Status) -> OpenClosed:
    return "closed" if status in CLOSED else "open"


def status_notes(status: Status, *, rework_count: int = 0, postponed: int = 0) -> str:
    """ "核查 verifying: …" — the step's Chinese label, then English; 返工 and 延期 are told too."""
    separator = ": " if status is Status.INVALID else " "
    note = f"{LABELS[status]}{separator}{NOTES[status]}"
    if rework_count and status not in CLOSED:
        note += f"（返工 {rework_count} 次 / reworked {rework_count} time{'s' if rework_count > 1 else ''}）"
    if postponed and status not in CLOSED:
        note += f"（已延期 / deadline postponed {postponed}×）"
    return note
