"""``flask --app wsgi rubrics check|sync``: validate rubric and loop files, and store them."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ..core.rubric import RubricError
from .services import check_files, sync_catalog

rubrics_cli = AppGroup("rubrics", help="Check and store rubric and loop files.")


def init_app(app: Flask) -> None:
    """Add the rubrics command group to the app's command line."""
    app.cli.add_command(rubrics_cli)


def _rubrics_dir() -> Path:
    return Path(current_app.config["RUBRICS_DIR"])


@rubrics_cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def rubrics_check(paths: tuple[Path, ...]) -> None:
    """Validate rubric and loop files (default: the rubrics folder); print one line per problem."""
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
    try:
        changes = sync_catalog(_rubrics_dir())
    except RubricError as error:
        for problem in error.problems:
            click.echo(str(problem))
        click.echo("Nothing was stored: fix the problems above and sync again.", err=True)
        sys.exit(1)
    for change in changes:
        click.echo(str(change))
