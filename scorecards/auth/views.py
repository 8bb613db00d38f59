"""Sign-in and sign-out pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from .forms import SignInForm
from .services import authenticate

bp = Blueprint("auth", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
def login():
    """Show the sign-in form and sign the user in."""
    if current_user.is_authenticated:
        return redirect(_next_url())
    form = SignInForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(_next_url())
        form.password.errors.append("That email and password do not match an active account.")
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.route("/sign-out", methods=["POST"])
@login_required
def logout():
    """Sign the user out."""
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


def _next_url() -> str:
    """Return where to go after signing in: the page asked for, if it is one of ours."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc \
            and not parts.scheme and "\\" not in target:
        return target
    return url_for("home.index")
