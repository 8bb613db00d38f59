"""``flask export``: the same exports from the command line, audited without a user."""

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import ApplicationStatus
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
    (["--since", "2024-02-01", "--until", "2024-01-01"], "is after the end date 2024-01-01."),
    (["--since", "0999-12-31"], "The start date 0999-12-31 is out of range"),
])
def test_export_refuses_bad_filters_with_a_message_and_writes_nothing(record, runner, tmp_path,
                                                                      args, message):
    output = tmp_path / "out.csv"
    result = runner.invoke(args=["export", "ratings", "-o", str(output), *args])
    assert result.exit_code == 1
    assert message in result.output
    assert not output.exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--status", "hired"], "Invalid value for '--status': 'hired' is not one of 'applied', "
                            "'interviewing', 'committee', 'decided', 'withdrawn', 'rejected'."),
    (["--since", "2024-13-01"], "Invalid value for '--since': '2024-13-01' does not match "
                                "the format '%Y-%m-%d'."),
    (["--until", "1 March"], "Invalid value for '--until': '1 March' does not match the format "
                             "'%Y-%m-%d'."),
])
def test_a_bad_date_or_status_is_a_usage_error_naming_what_is_accepted(record, runner, tmp_path,
                                                                        args, message):
    output = tmp_path / "out.csv"
    result = runner.invoke(args=["export", "applications", "-o", str(output), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not output.exists()


def test_the_help_shows_dates_and_statuses_as_what_they_are(app, runner):
    help_text = " ".join(runner.invoke(args=["export", "--help"]).output.split())
    assert "--since [%Y-%m-%d]" in help_text
    assert "--until [%Y-%m-%d]" in help_text
    statuses = "|".join(status.value for status in ApplicationStatus)
    assert f"--status [{statuses}]" in help_text
    assert "TEXT" not in help_text.split("--opening TEXT")[1]


def test_a_filter_day_keeps_the_records_of_that_whole_day(record, runner, tmp_path):
    output = tmp_path / "day.csv"
    result = runner.invoke(args=["export", "applications", "-o", str(output),
                                 "--since", "2024-03-24", "--until", "2024-03-24"])
    assert result.exit_code == 0, result.output
    assert [row["candidate"] for row in READERS["csv"](output.read_bytes())] == ["Grace Hopper"]
