"""Command-line commands of this package: ``flask --app wsgi export ...``."""

from __future__ import annotations

import click
from flask import Flask

from .output import check_output, output_option, say, write_output
from .services import FORMATS, KINDS, ExportError, export, parse_filter


@click.command("export")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="The file format.")
@output_option("The file to write (a new or regular file).")
@click.option("--opening", help="Only this opening (its key).")
@click.option("--since", help="Applied (applications) or submitted (ratings) on or after "
                              "this day, YYYY-MM-DD.")
@click.option("--until", help="... on or before this day, YYYY-MM-DD.")
@click.option("--status", help="Only applications with this status.")
def export_command(kind: str, fmt: str, output: str, opening: str | None, since: str | None,
                   until: str | None, status: str | None) -> None:
    """Export applications or ratings to a CSV, XLSX or JSON-lines file."""
    target = check_output(output)
    try:
        made = export(None, kind, fmt, parse_filter(opening, since, until, status))
    except ExportError as error:
        raise click.ClickException(str(error)) from None
    size = write_output(target, made.chunks)
    say(f"Wrote {output if target else 'standard output'} ({size // 1024} KiB).")


def register(app: Flask) -> None:
    """Add this package's commands to the app's command line."""
    app.cli.add_command(export_command)
