"""``flask --app wsgi packet``: render committee packets to a file."""

from __future__ import annotations

import click
from flask import Flask

from ..exports.output import check_output, output_option, say, write_output
from ..progress import progress_bar, progress_option
from .services import ErasedMeanwhile, candidate_packet, meeting_packet


def init_app(app: Flask) -> None:
    """Add the packet command to the app's command line."""
    app.cli.add_command(packet_command)


@click.command("packet")
@click.argument("application_id", required=False, type=int)
@click.option("--opening", "opening_key", help="The opening whose packets to render.")
@click.option("--pending", is_flag=True,
              help="With --opening: the applications awaiting a decision.")
@output_option("Where to write: a .pdf, or with --opening a .zip of one PDF each.")
@progress_option()
def packet_command(application_id: int | None, opening_key: str | None, pending: bool,
                   output: str, progress: bool | None) -> None:
    """Render a candidate's committee packet, or an opening's pending ones, to a file."""
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
            with progress_bar(progress, "Preparing packets", counted=False) as report:
                packet = meeting_packet(None, opening_key, as_zip=output.lower().endswith(".zip"),
                                        progress=report)
            missing = f"There is no opening '{opening_key}'."
    except ErasedMeanwhile as erased:
        raise click.ClickException(str(erased)) from None
    if packet is None:
        raise click.ClickException(missing)
    write_output(target, [packet.data])
    say(f"Wrote {output if target else 'standard output'} ({len(packet.data) // 1024} KiB, "
        f"fingerprint {packet.fingerprint}).")
