"""Downloads of the committee's PDF packets, beside the committee pages."""

from __future__ import annotations

import io

from flask import Blueprint, abort, send_file
from flask_login import current_user, login_required

from ..authz import Action, Area, require
from .services import Packet, candidate_packet, meeting_packet

bp = Blueprint("packets", __name__, url_prefix="/committee")


@bp.get("/applications/<int:application_id>/packet.pdf")
@login_required
def packet(application_id: int):
    """Send the candidate's PDF packet."""
    return _send(candidate_packet(current_user, application_id) or abort(404))


@bp.get("/openings/<opening_key>/packet.<any(pdf, zip):kind>")
@login_required
def meeting(opening_key: str, kind: str):
    """Send the packets of an opening's applications awaiting a decision: one PDF or a zip."""
    require(current_user, Action.VIEW, Area.COMMITTEE)
    return _send(meeting_packet(current_user, opening_key, as_zip=kind == "zip") or abort(404))


def _send(packet: Packet):
    response = send_file(io.BytesIO(packet.data), mimetype=packet.mimetype,
                         download_name=packet.filename, as_attachment=True,
                         etag=packet.fingerprint)
    response.headers["Cache-Control"] = "private, no-cache"  # confidential, but revalidated
    return response
