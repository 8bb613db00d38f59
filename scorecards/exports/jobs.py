"""Large exports, prepared as background jobs for the pages and the API alike.

An export of more rows than EXPORT_JOB_ROWS (and, from the pages, any workbook, which can only
be sent once whole) is not streamed in the request: a job makes the file, and its requester
polls it and downloads it when done (scorecards.jobs).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from flask import current_app

from ..authz import Action, Area, require
from ..jobs import services as jobs
from ..models import Job, User
from . import services
from .services import ExportFilter

FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel", "jsonl": "JSON lines"}


def too_large(actor: User, kind: str, fmt: str, filters: ExportFilter) -> bool:
    """Tell whether the export holds more rows than a request should stream.

    Raises ExportError for an export that cannot be made as asked.
    """
    require(actor, Action.VIEW, Area.EXPORTS)
    return services.exceeds(actor, kind, fmt, filters, current_app.config["EXPORT_JOB_ROWS"])


def prepare(actor: User, kind: str, fmt: str, filters: ExportFilter) -> Job:
    """Check an export and start a background job making it; return the job.

    Raises ExportError for an export that cannot be made as asked, before any job exists.
    """
    require(actor, Action.VIEW, Area.EXPORTS)
    services.check(kind, fmt, filters)
    chosen = {name: value.isoformat() if isinstance(value, date) else value
              for name, value in asdict(filters).items() if value is not None}
    return jobs.start(actor, "export", f"Export of {kind} ({FORMAT_NAMES[fmt]})",
                      {"kind": kind, "format": fmt, "filters": chosen})


def export_job_of(actor: User, job_id: int) -> Job | None:
    """Return the actor's own export job with this id, or None."""
    job = jobs.job_of(actor, job_id)
    return job if job is not None and job.kind == "export" else None
