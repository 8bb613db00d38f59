"""The account settings page, and the time zone a browser reports after signing in."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required

from ..languages import request_language, select_time_zone
from ..models import utcnow
from .forms import SettingsForm
from .services import save_settings

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Show and store the signed-in person's language and time zone."""
    form = SettingsForm(data={"language": request_language(), "time_zone": select_time_zone()})
    if form.validate_on_submit():
        save_settings(current_user, form.language.data, form.time_zone.data)
        refresh()  # the message below is in the language just chosen
        flash(_("Your language and time zone are saved."), "success")
        return redirect(url_for(".settings"))
    return render_template("account/settings.html", form=form, now=utcnow()), \
        400 if form.is_submitted() else 200
