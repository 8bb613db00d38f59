"""Admins' pages of user accounts, and the page a mailed link opens to set a password."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user

from ..auth.services import UserError
from ..core.vocabulary import Role
from ..languages import when
from ..models import User
from ..paging import requested_page
from ..proxy import external_url
from ..security import NO_STORE
from . import services
from .forms import ActionForm, FilterForm, InviteForm, RolesForm, SetPasswordForm

bp = Blueprint("users", __name__)

PAGE_SIZE = 50


def _me() -> User:
    return current_user._get_current_object()


def _link_url(token: str) -> str:
    return external_url("users.account_link", token=token)


@bp.get("/admin/users/")
@login_required
def index():
    """List the users, newest first, found by name or email, role and state."""
    form = FilterForm(request.args)
    if not form.validate():
        abort(400, description="Search with at most 100 characters, a role and a state "
                               "from the lists.")
    active = {"yes": True, "no": False}.get(form.active.data or "")
    page = requested_page(lambda after, before: services.users(
        _me(), search=form.q.data or "", role=Role(form.role.data) if form.role.data else None,
        active=active, limit=PAGE_SIZE, after=after, before=before), "the newest users")
    filters = {name: value for name, value in (("q", form.q.data), ("role", form.role.data),
                                               ("active", form.active.data)) if value}
    return render_template("users/index.html", page=page, form=form, filters=filters)


@bp.route("/admin/users/invite", methods=["GET", "POST"])
@login_required
def invite():
    """Show the invitation form, and invite the person: an account, and a mail to them."""
    services.require_admin(_me())
    form = InviteForm()
    if request.method == "GET":  # HR's panel offers the people it did not find
        form.email.data = request.args.get("email", "")[:254]
        if request.args.get("role") in {role.value for role in Role}:
            form.roles.data = [request.args["role"]]
    if form.validate_on_submit():
        try:
            sent = services.invite(_me(), form.email.data, form.name.data or "",
                                   [Role(role) for role in form.roles.data], _link_url)
        except services.Invalid as error:
            getattr(form, error.field or "email").errors.append(error.message)
        except services.NotSent as error:
            form.email.errors.append(error.message)
        else:
            flash(_sent_message("An invitation", sent), "success")
            return redirect(url_for("users.detail", user_id=sent.user_id), code=303)
    return render_template("users/invite.html", form=form,
                           password_sign_in=services.password_sign_in()), \
        400 if form.errors else 200


@bp.get("/admin/users/<int:user_id>")
@login_required
def detail(user_id: int):
    """Show a user's account: roles, state, open links, and what can be done to it."""
    target = services.user(_me(), user_id)
    roles = RolesForm(formdata=None, roles=sorted(role.value for role in target.roles))
    return render_template("users/detail.html", user=target, roles_form=roles,
                           action_form=ActionForm(), links=services.open_links(target),
                           password_sign_in=services.password_sign_in())


@bp.post("/admin/users/<int:user_id>/roles")
@login_required
def change_roles(user_id: int):
    """Give the user exactly the roles ticked."""
    services.user(_me(), user_id)
    form = RolesForm()
    if not form.validate():
        flash(" ".join(form.roles.errors) or "The form expired; try again.", "error")
    else:
        _change(user_id, "The roles were changed.",
                roles=[Role(role) for role in form.roles.data])
    return redirect(url_for("users.detail", user_id=user_id), code=303)


@bp.post("/admin/users/<int:user_id>/deactivate")
@login_required
def deactivate(user_id: int):
    """Deactivate the account: its sessions end and its API tokens are revoked at once."""
    services.user(_me(), user_id)
    if ActionForm().validate():
        _change(user_id, "The account is deactivated: its sessions ended and its API tokens "
                         "were revoked.", active=False)
    return redirect(url_for("users.detail", user_id=user_id), code=303)


@bp.post("/admin/users/<int:user_id>/reactivate")
@login_required
def reactivate(user_id: int):
    """Let the user sign in again (revoked API tokens stay revoked)."""
    services.user(_me(), user_id)
    if ActionForm().validate():
        _change(user_id, "The account is active again.", active=True)
    return redirect(url_for("users.detail", user_id=user_id), code=303)


@bp.get("/admin/users/<int:user_id>/roles")
@bp.get("/admin/users/<int:user_id>/deactivate")
@bp.get("/admin/users/<int:user_id>/reactivate")
@bp.get("/admin/users/<int:user_id>/password-reset")
@bp.get("/admin/users/<int:user_id>/invitation")
@login_required
def detail_form(user_id: int):
    """Answer a visit to a button's address with the user's page that holds the button."""
    return redirect(url_for("users.detail", user_id=user_id))


def _change(user_id: int, done: str, **change) -> None:
    try:
        services.change(_me(), user_id, **change)
    except (services.LastAdmin, services.Invalid) as refused:
        flash(refused.message, "error")
    else:
        flash(done, "success")


@bp.post("/admin/users/<int:user_id>/password-reset")
@login_required
def password_reset(user_id: int):
    """Mail the user a link to set a new password."""
    return _send_link(user_id, services.send_password_reset, "A password reset link")


@bp.post("/admin/users/<int:user_id>/invitation")
@login_required
def resend_invitation(user_id: int):
    """Mail the user a new invitation; the older link stops working."""
    return _send_link(user_id, services.resend_invitation, "A new invitation")


def _send_link(user_id: int, send, what: str):
    services.user(_me(), user_id)
    if ActionForm().validate():
        try:
            sent = send(_me(), user_id, _link_url)
        except services.NotSent as refused:
            flash(refused.message, "error")
        else:
            flash(_sent_message(what, sent), "success")
    return redirect(url_for("users.detail", user_id=user_id), code=303)


def _sent_message(what: str, sent: services.SentLink) -> str:
    if sent.expires_at is None:
        return f"{what} was mailed to {sent.to}, saying to sign in with single sign-on."
    return f"{what} was mailed to {sent.to}. Its link works once, until {when(sent.expires_at)}."


@bp.after_request
def _keep_links_private(response):
    """Keep a page opened by a link out of caches, and its address out of Referer headers."""
    if request.endpoint == "users.account_link":
        response.headers["Cache-Control"] = NO_STORE
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/account/<token>", methods=["GET", "POST"])
def account_link(token: str):
    """Let the person a link was mailed to choose a password, then sign them in."""
    try:
        link = services.open_link(token)
    except services.LinkRefused as refused:
        return render_template("users/refused.html", message=str(refused)), (
            410 if refused.gone else 404)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            person = services.set_password_by_link(token, form.password.data)
        except UserError as refused:
            form.password.errors.append(str(refused).capitalize())
        else:
            login_user(person)
            flash("Your password is set, and you are signed in.", "success")
            return redirect(url_for("home.index"), code=303)
    return render_template("users/set_password.html", form=form, link=link), \
        400 if form.errors else 200
