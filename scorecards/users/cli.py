"""``flask users list|invite|roles|deactivate|reactivate|reset-password``: administer accounts.

They join the users group of ``auth/cli.py`` (add, set-password) and the API's token commands.
Links in the mail are made from PUBLIC_URL, the service's public address, since a command has
no request to take it from.
"""

from __future__ import annotations

import click
from flask import Flask, current_app

from ..auth.cli import users_cli
from ..core.errors import DomainError
from ..core.vocabulary import Role
from ..proxy import external_url
from . import services

ROLE = click.Choice([role.value for role in Role])


def init_app(app: Flask) -> None:
    """Add the administration commands to the users group, once however many apps are made."""
    for command in (list_command, invite_command, roles_command, deactivate_command,
                    reactivate_command, reset_password_command):
        if command.name not in users_cli.commands:
            users_cli.add_command(command)


def _link_url(token: str) -> str:
    if not current_app.config.get("PUBLIC_URL"):
        raise click.ClickException("Set SCORECARDS_PUBLIC_URL to the service's public address "
                                   "(like https://scorecards.example.org) so the mailed link "
                                   "leads there.")
    return external_url("users.account_link", token=token)


def _refused(error: DomainError) -> click.ClickException:
    return click.ClickException(error.message)


@click.command("list")
@click.option("--search", default="", help="Part of a name or email.")
@click.option("--role", type=ROLE, help="Only users with this role.")
def list_command(search: str, role: str | None) -> None:
    """List the users, newest first: email, name, roles and state."""
    after = None
    while True:
        page = services.users(None, search=search, role=Role(role) if role else None,
                              limit=200, after=after)
        for user in page.rows:
            state = "active" if user.active else "deactivated"
            click.echo(f"{user.email}\t{user.name}\t{','.join(sorted(user.roles))}\t{state}")
        if page.after is None:
            break
        after = page.after


@click.command("invite")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True, type=ROLE,
              help="Repeat for several roles.")
@click.option("--name", default="", help="Display name (default: the part of EMAIL before @).")
def invite_command(email: str, roles: tuple[str, ...], name: str) -> None:
    """Create an account and mail the person an invitation to choose a password."""
    try:
        sent = services.invite(None, email, name, [Role(role) for role in roles], _link_url)
    except DomainError as error:
        raise _refused(error) from None
    until = f", its link working until {sent.expires_at:%d %b %Y %H:%M} UTC" \
        if sent.expires_at else ""
    click.echo(f"Invited {sent.to} ({', '.join(sorted(roles))}){until}.")


@click.command("roles")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True, type=ROLE,
              help="Every role the user is to hold; repeat for several.")
def roles_command(email: str, roles: tuple[str, ...]) -> None:
    """Give a user exactly these roles."""
    try:
        user = services.change(None, services.find(None, email).id,
                               roles=[Role(role) for role in roles])
    except DomainError as error:
        raise _refused(error) from None
    click.echo(f"{user.email} now has the roles {', '.join(sorted(user.roles))}.")


@click.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """Deactivate an account: its sessions end and its API tokens are revoked at once."""
    try:
        user = services.change(None, services.find(None, email).id, active=False)
    except DomainError as error:
        raise _refused(error) from None
    click.echo(f"Deactivated {user.email}; their sessions ended and API tokens are revoked.")


@click.command("reactivate")
@click.argument("email")
def reactivate_command(email: str) -> None:
    """Let a deactivated user sign in again (revoked API tokens stay revoked)."""
    try:
        user = services.change(None, services.find(None, email).id, active=True)
    except DomainError as error:
        raise _refused(error) from None
    click.echo(f"Reactivated {user.email}.")


@click.command("reset-password")
@click.argument("email")
def reset_password_command(email: str) -> None:
    """Mail a user a single-use link to set a new password."""
    try:
        sent = services.send_password_reset(None, services.find(None, email).id, _link_url)
    except DomainError as error:
        raise _refused(error) from None
    click.echo(f"Mailed {sent.to} a link to set a new password, working once until "
               f"{sent.expires_at:%d %b %Y %H:%M} UTC.")
