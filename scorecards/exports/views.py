"""Export downloads for HR: a page to choose what to export, and the streamed files."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required

from ..authz import Action, Area, require
from ..core.vocabulary import ApplicationStatus
from . import services

bp = Blueprint("exports", __name__, url_prefix="/hr/exports")
FILTERS = ("opening", "since", "until", "status")


@bp.get("/")
@login_required
def index():
    """Show the export form; sent, it leads to the download of what it chose."""
    require(current_user, Action.VIEW, Area.EXPORTS)
    if "kind" in request.args:
        return redirect(url_for(".download", kind=request.args["kind"],
                                fmt=request.args.get("format", "csv"),
                                **{name: request.args[name] for name in FILTERS
                                   if request.args.get(name, "").strip()}))
    return render_template("exports/index.html", kinds=services.KINDS,
                           formats=services.FORMATS, openings=services.openings(),
                           statuses=list(ApplicationStatus))


@bp.get("/<kind>.<fmt>")
@login_required
def download(kind: str, fmt: str):
    """Stream an export of applications or ratings, filtered by the query string."""
    try:
        filters = services.parse_filter(**{name: request.args.get(name) for name in FILTERS})
        made = services.export(current_user, kind, fmt, filters)
    except services.ExportError as error:
        return render_template("errors/error.html", code=400, title="Export not possible",
                               message=str(error)), 400
    return Response(stream_with_context(made.chunks), mimetype=made.mimetype, headers={
        "Content-Disposition": f'attachment; filename="{made.filename}"',
        "Cache-Control": "private, no-store",  # personal data: no copies in caches
    })
