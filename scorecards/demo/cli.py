"""``flask --app wsgi demo seed``: demo data for trying the service."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from ..core.rubric import RubricError
from .seed import DemoError, has_foreign_data, seed

demo_cli = AppGroup("demo", help="Demo data for trying the service.")


def init_app(app: Flask) -> None:
    """Add the demo command group to the app's command line."""
    app.cli.add_command(demo_cli)


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True,
              help="Do nothing when the database already holds users other than the demo's.")
def demo_seed(if_empty: bool) -> None:
    """Create demo users, an opening and candidates with scorecards; safe to run again."""
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
