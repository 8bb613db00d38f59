"""Command-line commands of the API: issue and revoke tokens, under ``flask users``."""

from __future__ import annotations

import click
from flask import Flask

from ..auth.cli import users_cli
from ..auth.services import find_user
from ..models import User
from .services import DEFAULT_NAME, TokenError, issue_token, revoke_tokens


def init_app(app: Flask) -> None:
    """Add the token commands to the users group, once however many apps are created."""
    for command in (token_command, revoke_token_command):
        if command.name not in users_cli.commands:
            users_cli.add_command(command)


def _user(email: str) -> User:
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"There is no user {email}.")
    return user


@click.command("token")
@click.argument("email")
@click.option("--name", default="default", show_default=True,
              help="A name for the token, to revoke it by.")
def token_command(email: str, name: str) -> None:
    """Issue an API token for a user and print it; it is shown this once only."""
    try:
        token = issue_token(_user(email), name)
    except TokenError as error:
        raise click.ClickException(str(error)) from None
    click.echo(token)
    click.echo(f"API token '{name}' for {email.strip().lower()}. Keep it now: it is stored "
               "only as a hash and cannot be shown again.", err=True)


@click.command("revoke-token")
@click.argument("email")
@click.option("--name", help="The name of the token to revoke (default: 'default').")
@click.option("--all", "everything", is_flag=True, help="Revoke every token of the user.")
def revoke_token_command(email: str, name: str | None, everything: bool) -> None:
    """Revoke a user's API token by name (default: 'default'), or all of them with --all."""
    if name is not None and everything:
        raise click.UsageError("Give --name NAME or --all, not both.")
    name = name or DEFAULT_NAME
    count = revoke_tokens(_user(email), None if everything else name)
    if count == 0 and not everything:
        raise click.ClickException(f"{email} has no live token named '{name}'.")
    click.echo(f"Revoked {count} token(s) of {email.strip().lower()}.")
