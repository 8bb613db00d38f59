"""Command-line commands of this package: ``flask --app wsgi export ...``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from .services import FORMATS, KINDS, ExportError, export, parse_filter


@click.command("export")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="The file format.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write.")
@click.option("--opening", help="Only this opening (its key).")
@click.option("--since", help="Applied (applications) or submitted (ratings) on or after "
                              "this day, YYYY-MM-DD.")
@click.option("--until", help="... on or before this day, YYYY-MM-DD.")
@click.option("--status", help="Only applications with this status.")
def export_command(kind: str, fmt: str, output: Path, opening: str | None, since: str | None,
                   until: str | None, status: str | None) -> None:
    """Export applications or ratings to a CSV, XLSX or JSON-lines file."""
    try:
        made = export(None, kind, fmt, parse_filter(opening, since, until, status))
    except ExportError as error:
        raise click.ClickException(str(error)) from None
    partial = output.with_name(output.name + ".part")
    try:
        with partial.open("wb") as file:
            for chunk in made.chunks:
                file.write(chunk)
        partial.replace(output)  # a broken export never leaves a file that looks whole
    except OSError as error:
        raise click.ClickException(f"Could not write {output}: {error.strerror}.") from None
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"Wrote {output} ({output.stat().st_size // 1024} KiB).")


def register(app: Flask) -> None:
    """Add this package's commands to the app's command line."""
    app.cli.add_command(export_command)
