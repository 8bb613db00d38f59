"""``flask --app wsgi export``: the exports HR downloads, written to a file."""

from __future__ import annotations

from datetime import datetime

import click
from flask import Flask

from ..core.vocabulary import ApplicationStatus
from ..progress import progress_bar, progress_option
from .output import check_output, output_option, say, write_output
from .services import FORMATS, KINDS, ExportError, export, parse_filter

# A filter keeps whole days, so it takes a day and nothing finer.
DAY = click.DateTime(formats=["%Y-%m-%d"])


def init_app(app: Flask) -> None:
    """Add the export command to the app's command line."""
    app.cli.add_command(export_command)


@click.command("export")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="The file format.")
@output_option("The file to write (a new or regular file).")
@click.option("--opening", help="Only this opening (its key).")
@click.option("--since", type=DAY, help="Applied (applications) or submitted (ratings) on or "
                                        "after this day (UTC).")
@click.option("--until", type=DAY, help="... on or before this day (UTC).")
@click.option("--status", type=click.Choice([status.value for status in ApplicationStatus]),
              help="Only applications with this status.")
@progress_option()
def export_command(kind: str, fmt: str, output: str, opening: str | None,
                   since: datetime | None, until: datetime | None, status: str | None,
                   progress: bool | None) -> None:
    """Export applications or ratings to a CSV, XLSX or JSON-lines file."""
    target = check_output(output)
    try:
        # The service checks what Click cannot: the days' range and order, the opening.
        filters = parse_filter(opening, since and since.date().isoformat(),
                               until and until.date().isoformat(), status)
        with progress_bar(progress, f"Exporting {kind}") as report:
            made = export(None, kind, fmt, filters, progress=report)
            size = write_output(target, made.chunks)
    except ExportError as error:
        raise click.ClickException(str(error)) from None
    say(f"Wrote {output if target else 'standard output'} ({size // 1024} KiB).")
