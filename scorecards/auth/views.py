"""Sign-in and sign-out pages, and rescuing typed text when a session ends mid-form."""

from __future__ import annotations

import math
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_url, login_user, logout_user

from ..account.services import adopt_browser_time_zone
from ..extensions import login_manager
from ..languages import is_time_zone
from ..models import User
from ..proxy import external_url
from . import sso, throttle
from .forms import SignInForm
from .services import authenticate, end_sessions

bp = Blueprint("auth", __name__)
bp.record_once(lambda state: sso.init_app(state.app))

# Form fields that belong to signing in, never to the text being rescued.
_OWN_FIELDS = {"csrf_token", "email", "password", "remember", "time_zone", "action", "rescued"}


@bp.route("/sign-in", methods=["GET", "POST"])
def login():
    """Show the sign-in form and sign the user in."""
    carried = rescued_fields()
    if current_user.is_authenticated and not carried:
        return redirect(_next_url())
    if not sso.password_sign_in():
        return _provider_only()
    form = SignInForm()
    user, wait = _check_credentials(form) if form.validate_on_submit() else (None, None)
    if user is not None:
        login_user(user, remember=form.remember.data)
        adopt_browser_time_zone(user, form.time_zone.data)
        if carried:
            return render_template("auth/continue.html", fields=carried,
                                   target=_next_url(), expired=False)
        return redirect(_next_url())
    template = "auth/resume.html" if carried else "auth/login.html"
    page = render_template(template, form=form, fields=carried, target=_next_url())
    if wait:
        return page, 429, {"Retry-After": str(wait)}
    return page, 400 if form.errors else 200


def _provider_only():
    """Answer the sign-in page when only the provider signs people in; refuse a password."""
    refused = request.method == "POST"
    page = render_template("auth/login.html", form=None, target=_next_url(), refused=refused)
    return page, 403 if refused else 200


@bp.route("/sign-in/sso")
def sso_start():
    """Send the browser to the provider to sign in, remembering where to go afterwards."""
    if not sso.enabled():
        abort(404)
    session["sso_next"] = _next_url()
    # The browser's time zone (static/time-zone.js), kept for the return from the provider.
    reported = request.args.get("time_zone")
    session["sso_time_zone"] = reported if is_time_zone(reported) else None
    try:
        return sso.start_sign_in(current_app.config["OIDC_REDIRECT_URI"]
                                 or external_url("auth.sso_callback"))
    except sso.SignInRefused as refused:
        return _refused(refused)


@bp.route("/sign-in/sso/callback")
def sso_callback():
    """Sign in the user the provider's answer names, or say why not."""
    if not sso.enabled():
        abort(404)
    try:
        user = sso.finish_sign_in()
    except sso.SignInRefused as refused:
        return _refused(refused)
    login_user(user)
    adopt_browser_time_zone(user, session.pop("sso_time_zone", None))
    current_app.logger.info("single sign-on: user %s signed in", user.id)
    return redirect(_on_site(session.pop("sso_next", "")))


def _refused(refused: sso.SignInRefused):
    # The log says why for the administrator; it names a known user by id only.
    current_app.logger.warning("single sign-on refused (%s): %s; user %s", refused.reason,
                               refused.detail, refused.user.id if refused.user else "unknown")
    refusal = refused.refusal
    provider = sso.provider_name()
    return render_template("auth/sso_refused.html", title=refusal.title.format(provider=provider),
                           message=refusal.message.format(provider=provider)), refusal.status


def _check_credentials(form: SignInForm) -> tuple[User | None, int | None]:
    """Return the user the form's credentials sign in, and the seconds signing in is paused.

    A refusal is added to the form's errors; a failure is counted against the throttle.
    """
    checks = throttle.sign_in_checks(form.email.data, request.remote_addr)
    wait = throttle.seconds_to_wait(checks)
    if wait:
        form.password.errors.append(_paused_message(wait))
        return None, wait
    user = authenticate(form.email.data, form.password.data)
    if user is None:
        throttle.count_failure(checks)
        form.password.errors.append(_("That email and password do not match an active account."))
    else:
        throttle.forget_failures(checks[:1])  # the account's; the address's still count
    return user, None


def _paused_message(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    return ngettext("Too many failed sign-ins for this account or from this network. Signing "
                    "in is paused for %(num)d minute; try again then. Your text, if any, is "
                    "kept on this page.",
                    "Too many failed sign-ins for this account or from this network. Signing "
                    "in is paused for %(num)d minutes; try again then. Your text, if any, is "
                    "kept on this page.", minutes)


@bp.route("/sign-out", methods=["POST"])
@login_required
def logout():
    """Sign the user out, here and on every other device."""
    user = current_user._get_current_object()
    end_sessions(user, cause="sign_out", actor=user)
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/sign-out")
def logout_form():
    """Answer a visit to the sign-out address without signing out: that takes the button."""
    return redirect(url_for("home.index"))


def _next_url() -> str:
    """Return where to go after signing in: the page asked for, if it is one of ours."""
    return _on_site(request.args.get("next", ""))


def _on_site(target: str) -> str:
    """Return the target if it is a page of ours, else the start page."""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc \
            and not parts.scheme and "\\" not in target:
        return target
    return url_for("home.index")


def keeps_text(view: Callable) -> Callable:
    """Mark a view whose form posts carry typed text that must survive an ended session."""
    view.keeps_text = True  # type: ignore[attr-defined]
    return view


def posted_to_text_keeper() -> bool:
    """Tell whether the request posts to a view that keeps typed text."""
    view = current_app.view_functions.get(request.endpoint or "")
    return request.method == "POST" and getattr(view, "keeps_text", False)


def wants_json() -> bool:
    """Tell whether the request came from a script that reads JSON, not from a page."""
    return request.accept_mimetypes.best == "application/json"


def rescued_fields() -> list[tuple[str, str]]:
    """Return the typed fields that a rescue page carried along, in their order."""
    if request.method != "POST" or "rescued" not in request.form:
        return []
    return [(name, value) for name, value in request.form.items(multi=True)
            if name not in _OWN_FIELDS]


def rescue_text(expired_form: bool):
    """Answer a text-carrying post that cannot be accepted as it is, keeping the text.

    A signed-out user gets a sign-in form that carries the text; a signed-in user whose form
    token expired gets a page that sends the text back with a fresh token.
    """
    fields = [(name, value) for name, value in request.form.items(multi=True)
              if name not in _OWN_FIELDS]
    if current_user.is_authenticated:
        return render_template("auth/continue.html", fields=fields, target=request.path,
                               expired=expired_form), 400
    form = SignInForm(formdata=None) if sso.password_sign_in() else None
    return render_template("auth/resume.html", form=form, fields=fields,
                           target=request.path), 401


@login_manager.unauthorized_handler
def _unauthorized():
    """Send a signed-out user to sign in without dropping what they were sending."""
    if wants_json():
        return jsonify(error="Your session has ended. Sign in again in another tab; "
                             "your text is still on this page."), 401
    if posted_to_text_keeper():
        return rescue_text(expired_form=False)
    flash(_("Please sign in to continue."), login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, request.url))
