"""The administrators' page of the audit trail."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from . import services

bp = Blueprint("trail", __name__, url_prefix="/audit")

PAGE_SIZE = 50


@bp.get("/")
@login_required
def index():
    """List the trail's events, newest first, a page at a time."""
    try:
        page = services.events(current_user, PAGE_SIZE, request.args.get("after"),
                               request.args.get("before"))
    except ValueError:
        abort(400, description="This page of the list does not exist. Start again from the "
                               "newest events.")
    return render_template("trail/index.html", page=page)
