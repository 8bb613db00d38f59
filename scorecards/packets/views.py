"""Downloads of the committee's PDF packets, beside the committee pages."""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, request, send_file, url_for
from flask_login import current_user, login_required

from ..authz import Action, Area, require
from ..downloads import content_disposition
from ..extensions import db
from ..jobs import services as jobs
from ..models import Opening
from .services import Packet, candidate_packet

bp = Blueprint("packets", __name__, url_prefix="/committee")


@bp.get("/applications/<int:application_id>/packet.pdf")
@login_required
def packet(application_id: int):
    """Send the candidate's PDF packet."""
    return _send(candidate_packet(current_user, application_id) or abort(404))


@bp.post("/openings/<opening_key>/packet")
@login_required
def meeting(opening_key: str):
    """Start preparing the packets of an opening's applications awaiting a decision.

    Rendering a meeting's worth of packets takes a while, so it is a background job; the
    answer is the page that follows it.
    """
    require(current_user, Action.VIEW, Area.COMMITTEE)
    opening = db.session.scalar(sa.select(Opening).where(Opening.key == opening_key))
    kind = request.form.get("format", "pdf")
    if opening is None or kind not in ("pdf", "zip"):
        abort(404)
    what = "one PDF" if kind == "pdf" else "a zip of PDFs"
    job = jobs.start(current_user, "meeting_packet", f"Committee packets: {opening.title} ({what})",
                     {"opening": opening.key, "format": kind})
    return redirect(url_for("jobs.show", job_id=job.id), code=303)


@bp.get("/openings/<opening_key>/packet")
@login_required
def meeting_form(opening_key: str):
    """Answer a visit to the packet buttons' address with the queue that holds the buttons."""
    return redirect(url_for("committee.queue"))


def _send(packet: Packet):
    response = send_file(io.BytesIO(packet.data), mimetype=packet.mimetype,
                         etag=packet.fingerprint)
    response.headers["Content-Disposition"] = content_disposition(packet.filename)
    response.headers["Cache-Control"] = "private, no-store"  # personal data: no copies kept
    return response
