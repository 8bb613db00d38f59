"""The kinds of background job: what each one makes, for whom, under the usual rules.

Each runs as its requester, so authorization and independent scoring are checked again
when the job runs, exactly as they would be for a download in the request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..analytics import summaries
from ..authz import Action, Area, require
from ..exports import services as exports
from ..exports.writers import csv_line
from ..models import Job, User
from ..packets.services import ErasedMeanwhile
from ..packets.services import meeting_packet as build_meeting_packet

# Why a job stopped by an erasure made nothing; it names nobody.
ERASED_MEANWHILE = ("A candidate this file would have held was erased while it was being "
                    "prepared, so nothing was kept. Start it again for a file without them.")


class JobError(Exception):
    """Raised by a job that cannot be done as asked; its message is shown to the requester."""


@dataclass(frozen=True)
class Output:
    """What a job produced: a file name, its type and its bytes as a stream."""

    filename: str
    mimetype: str
    chunks: Iterable[bytes]


# What each kind of job does: a function of (job, requester) that returns its output.
Work = Callable[[Job, User], Output]
KINDS: dict[str, Work] = {}
# Kinds whose work and file hold counts and statistics only, never a person: an erasure
# neither stops them nor deletes their files.
IMPERSONAL = frozenset({"aggregates"})


def kind(name: str) -> Callable[[Work], Work]:
    """Register a function as the work of one kind of job."""
    def register(work: Work) -> Work:
        KINDS[name] = work
        return work
    return register


@kind("meeting_packet")
def meeting_packet(job: Job, actor: User) -> Output:
    """Make the packets of an opening's applications awaiting a decision: one PDF or a zip."""
    require(actor, Action.VIEW, Area.COMMITTEE)
    try:
        packet = build_meeting_packet(actor, job.params["opening"],
                                      as_zip=job.params["format"] == "zip")
    except ErasedMeanwhile:
        raise JobError(ERASED_MEANWHILE) from None
    if packet is None:
        raise JobError(f"There is no opening '{job.params['opening']}' any more.")
    if not packet.application_ids:
        raise JobError("No application of this opening awaits a decision now, so there is "
                       "no packet to make.")
    # Erasing one of these candidates deletes this file too.
    job.params = {**job.params, "application_ids": list(packet.application_ids)}
    return Output(packet.filename, packet.mimetype, [packet.data])


@kind("export")
def export(job: Job, actor: User) -> Output:
    """Export applications or ratings, as HR would download them."""
    try:
        filters = exports.parse_filter(**job.params.get("filters", {}))
        made = exports.export(actor, job.params["kind"], job.params["format"], filters)
    except exports.ExportError as error:
        raise JobError(str(error)) from None
    return Output(made.filename, made.mimetype, made.chunks)


@kind("aggregates")
def aggregates(job: Job, actor: User) -> Output:
    """Recompute summary tables (the measurement fit by default); the file says what was done."""
    asked = job.params.get("summaries", ["measurement"])
    for area in {summaries.AREAS.get(name, Area.ANALYTICS) for name in asked}:
        require(actor, Action.VIEW, area)
    try:
        done = summaries.refresh(asked)
    except ValueError as error:
        raise JobError(str(error)) from None
    lines = [csv_line(("summary", "rows", "seconds"))]
    lines += [csv_line((step.summary, step.rows, f"{step.seconds:.1f}")) for step in done]
    return Output("aggregates-refresh.csv", "text/csv", ["".join(lines).encode()])
