"""``flask --app wsgi candidates erase|retention``: erase a candidate, apply the retention rule."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ..fairness.services import retire_answers
from ..models import utcnow
from ..progress import progress_bar, progress_option
from .services import apply_retention, erase_candidate, expired_candidates

candidates_cli = AppGroup("candidates", help="Candidates' personal data.")


def init_app(app: Flask) -> None:
    """Add the candidates command group to the app's command line."""
    app.cli.add_command(candidates_cli)


@candidates_cli.command("erase")
@click.argument("candidate_id", type=int)
@click.confirmation_option(prompt="Erase this candidate's personal data for good?")
def erase(candidate_id: int) -> None:
    """Erase a candidate's personal data, keeping the anonymous scores."""
    try:
        erase_candidate(None, candidate_id)
    except LookupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Erased candidate {candidate_id}.")


@candidates_cli.command("retention")
@click.option("--months", type=click.IntRange(min=0), default=None,
              help="Erase candidates whose applications all ended this many months ago "
                   "(default: the RETENTION_MONTHS setting).")
@click.option("--dry-run", is_flag=True, help="List who would be erased; change nothing.")
@progress_option()
def retention(months: int | None, dry_run: bool, progress: bool | None) -> None:
    """Erase the candidates the retention rule says are due (run it daily from cron)."""
    months = current_app.config["RETENTION_MONTHS"] if months is None else months
    if dry_run:
        due = expired_candidates(utcnow(), months)
        click.echo(f"{len(due)} candidate(s) due for erasure: {', '.join(map(str, due)) or '-'}")
        return
    with progress_bar(progress, "Erasing candidates") as report:
        erased = apply_retention(utcnow(), months, progress=report)
    click.echo(f"Erased {len(erased)} candidate(s) whose applications ended more than "
               f"{months} months ago.")
    answers_months = current_app.config["SELF_IDENTIFICATION_RETENTION_MONTHS"]
    retired = retire_answers(utcnow(), answers_months)
    click.echo(f"Deleted the self-identification answers of {retired} candidate(s) whose "
               f"applications ended more than {answers_months} months ago (their counts "
               "are kept).")
