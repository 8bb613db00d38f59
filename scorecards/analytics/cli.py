"""``flask --app wsgi aggregates refresh``: recompute the summary tables the pages read."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from .summaries import SUMMARIES, Refreshed, refresh

aggregates_cli = AppGroup("aggregates", help="The summary tables behind reports and analytics.")


def init_app(app: Flask) -> None:
    """Add the aggregates commands to the app's command line."""
    app.cli.add_command(aggregates_cli)


@aggregates_cli.command("refresh")
@click.option("--only", "only", multiple=True, type=click.Choice(SUMMARIES),
              help="Recompute only this summary (repeat for several); all by default.")
def refresh_command(only: tuple[str, ...]) -> None:
    """Recompute summaries from the stored records: counts, outcomes, the measurement fit.

    Suitable for cron or a systemd timer: agreement, calibration and interviewers' habits
    move only when this runs (e.g. nightly with --only measurement); the other summaries are
    kept current as changes are saved, and a full run repairs them after rows were loaded
    around the app.
    """
    def say(done: Refreshed) -> None:
        click.echo(f"{done.summary}: {done.rows:,} row(s) in {done.seconds:.1f} s")

    refresh(only or SUMMARIES, progress=say)
