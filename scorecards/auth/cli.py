"""``flask --app wsgi users add|set-password``: manage user accounts.

The API area adds its token commands to this group (``api/cli.py``).
"""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from ..core.vocabulary import Role
from ..extensions import db
from .services import UserError, add_user, change_password, find_user

users_cli = AppGroup("users", help="Manage user accounts.")


def init_app(app: Flask) -> None:
    """Add the users command group to the app's command line."""
    app.cli.add_command(users_cli)


def _password(prompt: str, from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True)


@users_cli.command("add")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice([role.value for role in Role]), help="Repeat for several roles.")
@click.option("--name", default="", help="Display name (default: the part of EMAIL before @).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_add(email: str, roles: tuple[str, ...], name: str, password_stdin: bool) -> None:
    """Create a user account with one or more roles."""
    password = _password("Password", password_stdin)
    try:
        user = add_user(email, name, [Role(role) for role in roles], password)
    except UserError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Added {user.email} ({', '.join(sorted(roles))}).")


@users_cli.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_set_password(email: str, password_stdin: bool) -> None:
    """Give a user a new password, and sign them out on every device."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"there is no user with email {email}")
    password = _password("New password", password_stdin)
    try:
        change_password(user, password)
    except UserError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    click.echo(f"Changed the password of {user.email}; their sessions have ended.")
