"""Command-line interface: ``flask --app wsgi rubrics|users|demo ...``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .core.rubric import RubricError
from .core.vocabulary import Role
from .exports.output import check_output, output_option, say, write_output

rubrics_cli = AppGroup("rubrics", help="Check and store rubric and loop files.")
users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="Demo data for trying the service.")


def init_app(app: Flask) -> None:
    """Register the command groups on the app."""
    from .api import cli as api_cli
    from .exports import cli as exports_cli
    from .jobs import cli as jobs_cli
    from .privacy import cli as privacy_cli

    for group in (rubrics_cli, users_cli, demo_cli):
        app.cli.add_command(group)
    app.cli.add_command(packet_command)
    for package in (api_cli, exports_cli, jobs_cli, privacy_cli):
        package.register(app)


def _rubrics_dir() -> Path:
    return Path(current_app.config["RUBRICS_DIR"])


@rubrics_cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def rubrics_check(paths: tuple[Path, ...]) -> None:
    """Validate rubric and loop files (default: the rubrics folder); print one line per problem."""
    from .catalog.services import check_files

    problems = check_files(list(paths) or [_rubrics_dir()], _rubrics_dir())
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo("All rubric and loop files are valid.")


@rubrics_cli.command("sync")
def rubrics_sync() -> None:
    """Store a new version of every changed rubric and loop; store nothing if any is invalid."""
    from .catalog.services import sync_catalog

    try:
        changes = sync_catalog(_rubrics_dir())
    except RubricError as error:
        for problem in error.problems:
            click.echo(str(problem))
        click.echo("Nothing was stored: fix the problems above and sync again.", err=True)
        sys.exit(1)
    for change in changes:
        click.echo(str(change))


@users_cli.command("add")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice([role.value for role in Role]), help="Repeat for several roles.")
@click.option("--name", default="", help="Display name (default: the part of EMAIL before @).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_add(email: str, roles: tuple[str, ...], name: str, password_stdin: bool) -> None:
    """Create a user account with one or more roles."""
    from .auth.services import UserError, add_user

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
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
    from .auth.services import UserError, change_password, find_user
    from .extensions import db

    user = find_user(email)
    if user is None:
        raise click.ClickException(f"there is no user with email {email}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        change_password(user, password)
    except UserError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    click.echo(f"Changed the password of {user.email}; their sessions have ended.")


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True,
              help="Do nothing when the database already holds users other than the demo's.")
def demo_seed(if_empty: bool) -> None:
    """Create demo users, an opening and candidates with scorecards; safe to run again."""
    from .demo.seed import DemoError, has_foreign_data, seed

    if if_empty and has_foreign_data():
        click.echo("The database holds real users; the demo was not seeded.")
        return
    try:
        logins = seed()
    except (DemoError, RubricError) as error:
        raise click.ClickException(str(error)) from None
    click.echo("Demo data is ready. Sign in at http://127.0.0.1:5000 with:")
    for login in logins:
        click.echo(f"  {login.email:<30} {login.password:<18} {login.roles}")


@click.command("packet")
@click.argument("application_id", required=False, type=int)
@click.option("--opening", "opening_key", help="The opening whose packets to render.")
@click.option("--pending", is_flag=True,
              help="With --opening: the applications awaiting a decision.")
@output_option("Where to write: a .pdf, or with --opening a .zip of one PDF each.")
def packet_command(application_id: int | None, opening_key: str | None, pending: bool,
                   output: str) -> None:
    """Render a candidate's committee packet, or an opening's pending ones, to a file."""
    from .packets.services import ErasedMeanwhile, candidate_packet, meeting_packet

    if (application_id is None) == (opening_key is None):
        raise click.UsageError("Give either APPLICATION_ID or --opening KEY --pending.")
    if opening_key is not None and not pending:
        raise click.UsageError("--opening renders the applications awaiting a decision; "
                               "add --pending.")
    target = check_output(output)
    try:
        if application_id is not None:
            packet = candidate_packet(None, application_id)
            missing = f"There is no application {application_id}."
        else:
            packet = meeting_packet(None, opening_key, as_zip=output.lower().endswith(".zip"))
            missing = f"There is no opening '{opening_key}'."
    except ErasedMeanwhile as erased:
        raise click.ClickException(str(erased)) from None
    if packet is None:
        raise click.ClickException(missing)
    write_output(target, [packet.data])
    say(f"Wrote {output if target else 'standard output'} ({len(packet.data) // 1024} KiB, "
        f"fingerprint {packet.fingerprint}).")
