"""The page where each signed-in person chooses which mails they get."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .forms import PreferencesForm
from .outbox import CHOICES, preferences, set_preferences

bp = Blueprint("notifications", __name__, url_prefix="/account")


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def preferences_page():
    """Show and store which mails the signed-in person gets."""
    form = PreferencesForm(data=preferences(current_user))
    if form.validate_on_submit():
        set_preferences(current_user, {choice: form[choice].data for choice in CHOICES})
        flash(_("Your mail preferences are saved."), "success")
        return redirect(url_for(".preferences_page"))
    return render_template("notifications/preferences.html", form=form), \
        400 if form.is_submitted() else 200
