"""Prepared files: where a background job stands, and its file once it is ready."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, stream_with_context
from flask_login import current_user, login_required

from ..core.vocabulary import JobStatus
from ..downloads import content_disposition
from ..models import Job
from ..paging import requested_page
from . import services

bp = Blueprint("jobs", __name__, url_prefix="/files")

PAGE_SIZE = 50


@bp.get("/")
@login_required
def index():
    """List the files the user asked for, newest first, a page at a time."""
    page = requested_page(lambda after, before: services.jobs_of(
        current_user, PAGE_SIZE, after, before), "the newest files")
    return render_template("jobs/index.html", page=page, state=services.state)


@bp.get("/<int:job_id>")
@login_required
def show(job_id: int):
    """Show how a job is getting on, and its file once ready."""
    job = _own(job_id)
    return render_template("jobs/show.html", job=job, state=services.state(job),
                           problem=services.problem(job))


@bp.get("/<int:job_id>/status.json")
@login_required
def status(job_id: int):
    """Tell a waiting page whether the job has finished, one way or another."""
    current = services.state(_own(job_id))
    return {"status": current.value,
            "finished": current not in (JobStatus.QUEUED, JobStatus.RUNNING)}


@bp.get("/<int:job_id>/download")
@login_required
def download(job_id: int):
    """Send the job's file, read from the database a chunk at a time."""
    job = _own(job_id)
    if services.state(job) is not JobStatus.DONE:
        abort(404)
    return Response(stream_with_context(services.file_chunks(job)), mimetype=job.mimetype,
                    headers={"Content-Disposition": content_disposition(job.filename),
                             "Content-Length": str(job.size),
                             "Cache-Control": "private, no-store"})


def _own(job_id: int) -> Job:
    return services.job_of(current_user, job_id) or abort(404)
