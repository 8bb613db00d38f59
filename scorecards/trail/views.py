"""The administrators' page of the audit trail."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ..paging import requested_page
from . import services

bp = Blueprint("trail", __name__, url_prefix="/audit")

PAGE_SIZE = 50


@bp.get("/")
@login_required
def index():
    """List the trail's events, newest first, a page at a time."""
    page = requested_page(lambda after, before: services.events(
        current_user, PAGE_SIZE, after, before), "the newest events")
    return render_template("trail/index.html", page=page)
