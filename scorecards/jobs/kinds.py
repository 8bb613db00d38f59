"""The kinds of background job: what each one makes, for whom, under the usual rules.

Each runs as its requester, so authorization and independent scoring are checked again
when the job runs, exactly as they would be for a download in the request.
"""

from __future__ import annotations

from ..authz import Action, Area, require
from ..models import Job, User
from .services import ERASED_MEANWHILE, JobError, Output, kind


@kind("meeting_packet")
def meeting_packet(job: Job, actor: User) -> Output:
    """Make the packets of an opening's applications awaiting a decision: one PDF or a zip."""
    from ..packets.services import ErasedMeanwhile
    from ..packets.services import meeting_packet as build

    require(actor, Action.VIEW, Area.COMMITTEE)
    try:
        packet = build(actor, job.params["opening"], as_zip=job.params["format"] == "zip")
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
    from ..exports import services

    try:
        filters = services.parse_filter(**job.params.get("filters", {}))
        made = services.export(actor, job.params["kind"], job.params["format"], filters)
    except services.ExportError as error:
        raise JobError(str(error)) from None
    return Output(made.filename, made.mimetype, made.chunks)
