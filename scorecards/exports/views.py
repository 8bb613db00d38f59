"""Export downloads for HR: a page to choose what to export, and the streamed files."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required

from ..authz import Action, Area, require
from ..core.vocabulary import ApplicationStatus
from ..downloads import content_disposition
from . import jobs as export_jobs
from . import services

bp = Blueprint("exports", __name__, url_prefix="/hr/exports")
FILTERS = ("opening", "since", "until", "status")


@bp.get("/")
@login_required
def index():
    """Show the export form."""
    require(current_user, Action.VIEW, Area.EXPORTS)
    return _form()


@bp.post("/")
@login_required
def prepare():
    """Start what the form chose: a streamed download, or a background job for a large one.

    A small CSV or JSON lines file starts flowing at once; a workbook can only be sent once
    it is whole, and a large export takes a while, so those are prepared in the background.
    """
    require(current_user, Action.VIEW, Area.EXPORTS)
    kind, fmt = request.form.get("kind", ""), request.form.get("format", "")
    chosen = {name: request.form[name].strip() for name in FILTERS
              if request.form.get(name, "").strip()}
    try:
        filters = services.parse_filter(**chosen)
        if fmt == "xlsx" or export_jobs.too_large(current_user, kind, fmt, filters):
            job = export_jobs.prepare(current_user, kind, fmt, filters)
            return redirect(url_for("jobs.show", job_id=job.id), code=303)
    except services.ExportError as error:
        return _form(error=str(error), chosen={"kind": kind, "format": fmt, **chosen}), 400
    return redirect(url_for(".download", kind=kind, fmt=fmt, **chosen), code=303)


def _form(error: str | None = None, chosen: dict | None = None,
          notice: str | None = None) -> str:
    return render_template("exports/index.html", kinds=services.KINDS,
                           formats=services.FORMATS, openings=services.openings(),
                           statuses=list(ApplicationStatus), error=error, notice=notice,
                           chosen=chosen or {}, left_out=services.owed_count(current_user))


@bp.get("/<kind>.<fmt>")
@login_required
def download(kind: str, fmt: str):
    """Stream an export of applications or ratings, filtered by the query string."""
    try:
        filters = services.parse_filter(**{name: request.args.get(name) for name in FILTERS})
        if export_jobs.too_large(current_user, kind, fmt, filters):
            chosen = {name: request.args[name] for name in FILTERS if request.args.get(name)}
            return _form(chosen={"kind": kind, "format": fmt, **chosen}, notice=(
                f"This export holds more than {current_app.config['EXPORT_JOB_ROWS']:,} rows, "
                "too many to send at once: press Export to have the file prepared in the "
                "background."))
        made = services.export(current_user, kind, fmt, filters)
    except services.ExportError as error:
        return render_template("errors/error.html", code=400, title="Export not possible",
                               message=str(error)), 400
    return Response(stream_with_context(made.chunks), mimetype=made.mimetype, headers={
        "Content-Disposition": content_disposition(made.filename),
        "Cache-Control": "private, no-store",  # personal data: no copies in caches
    })
