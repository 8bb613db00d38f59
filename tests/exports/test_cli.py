"""``flask export``: the same exports from the command line, audited without a user."""

import pytest
import sqlalchemy as sa

from scorecards.extensions import db
from scorecards.models import AuditEvent

from .conftest import READERS


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_export_writes_the_file_and_records_the_command_line_as_the_actor(record, runner,
                                                                         tmp_path, fmt):
    output = tmp_path / f"ratings.{fmt}"
    result = runner.invoke(args=["export", "ratings", "--format", fmt, "-o", str(output),
                                 "--opening", "test-opening", "--since", "2024-01-01"])
    assert result.exit_code == 0, result.output
    assert f"Wrote {output}" in result.output
    assert len(READERS[fmt](output.read_bytes())) == 14
    assert not output.with_name(output.name + ".part").exists()
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "export.created"))
    assert event.actor_id is None
    assert event.details["filters"] == {"opening": "test-opening", "since": "2024-01-01"}


def test_export_filters_applications_by_status(record, runner, tmp_path):
    output = tmp_path / "decided.csv"
    result = runner.invoke(args=["export", "applications", "-o", str(output),
                                 "--status", "decided"])
    assert result.exit_code == 0, result.output
    assert [row["candidate"] for row in READERS["csv"](output.read_bytes())] == ["Zoë Ångström"]


@pytest.mark.parametrize(("args", "message"), [
    (["--opening", "nope"], "Error: There is no opening 'nope'."),
    (["--status", "hired"], "Error: There is no application status 'hired'"),
    (["--since", "2024-13-01"], "Error: The start date '2024-13-01' is not a date"),
    (["--since", "2024-02-01", "--until", "2024-01-01"], "is after the end date 2024-01-01."),
])
def test_export_refuses_bad_filters_with_a_message_and_writes_nothing(record, runner, tmp_path,
                                                                      args, message):
    output = tmp_path / "out.csv"
    result = runner.invoke(args=["export", "ratings", "-o", str(output), *args])
    assert result.exit_code == 1
    assert message in result.output
    assert not output.exists()


@pytest.mark.parametrize("args", [["people", "-o", "x.csv"], ["ratings", "--format", "pdf",
                                                              "-o", "x.pdf"], ["ratings"]])
def test_export_refuses_an_unknown_kind_or_format_or_a_missing_output(app, runner, args):
    result = runner.invoke(args=["export", *args])
    assert result.exit_code == 2
    assert "Error:" in result.output


def test_export_says_when_it_cannot_write(record, runner, tmp_path):
    result = runner.invoke(args=["export", "ratings", "-o", str(tmp_path / "no" / "x.csv")])
    assert result.exit_code == 1
    assert "Could not write" in result.output
