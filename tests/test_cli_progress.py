"""Long commands draw a progress bar on a terminal, and print only their result elsewhere.

The meeting packet, exports and the retention rule can run for minutes. Where someone watches
(standard error is a terminal) they draw Click's progress bar; in cron, logs and pipes they
print exactly what they printed before. ``--progress/--no-progress`` overrides the guess.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scorecards.core.vocabulary import ApplicationStatus
from scorecards.exports import services as exports
from scorecards.exports.services import ExportFilter, export
from scorecards.extensions import db
from scorecards.privacy.services import apply_retention

ROOT = Path(__file__).resolve().parent.parent
RATINGS_OF_READY = 9  # the ready application's three scorecards, three ratings each


@pytest.fixture
def work(ready, make_application):
    """Return the ready application, beside a candidate rejected long ago (due for erasure)."""
    old = make_application("Rejected Long Ago")
    old.status = ApplicationStatus.REJECTED
    old.closed_at = datetime.now(UTC) - timedelta(days=800)
    db.session.commit()
    return ready


def command(name: str, tmp_path: Path, file: str = "out") -> tuple[list[str], Path | None]:
    """Return the arguments of a long command, and the file it writes (if any)."""
    if name == "export":
        output = tmp_path / f"{file}.csv"
        return ["export", "ratings", "-o", str(output)], output
    if name == "packet":
        output = tmp_path / f"{file}.pdf"
        return ["packet", "--opening", "test-opening", "--pending", "-o", str(output)], output
    return ["candidates", "retention", "--months", "24"], None


LABELS = {"export": "Exporting ratings", "packet": "Preparing packets",
          "retention": "Erasing candidates"}
RESULTS = {"export": (r"", r"Wrote .*out\.csv \(\d+ KiB\)\.\n"),
           "packet": (r"", r"Wrote .*out\.pdf \(\d+ KiB, fingerprint [0-9a-f]{16}\)\.\n"),
           "retention": (r"Erased 1 candidate\(s\) whose applications ended more than 24 "
                         r"months ago\.\nDeleted the self-identification answers of 0 "
                         r"candidate\(s\) whose applications ended more than 24 months ago "
                         r"\(their counts are kept\)\.\n", r"")}


@pytest.mark.parametrize("name", ["export", "packet", "retention"])
@pytest.mark.parametrize("flag", [[], ["--no-progress"]])
def test_without_a_terminal_a_long_command_prints_only_its_result(work, runner, tmp_path,
                                                                   name, flag):
    args, _ = command(name, tmp_path)
    result = runner.invoke(args=[*args, *flag])
    assert result.exit_code == 0, result.output
    stdout, stderr = RESULTS[name]
    assert re.fullmatch(stdout, result.stdout), result.stdout
    assert re.fullmatch(stderr, result.stderr), result.stderr


@pytest.mark.parametrize("name", ["export", "packet"])
def test_progress_asked_for_without_a_terminal_names_the_work_once_and_changes_no_byte(
        work, runner, tmp_path, name):
    quiet_args, quiet_file = command(name, tmp_path, "quiet")
    quiet = runner.invoke(args=quiet_args)
    assert quiet.exit_code == 0, quiet.output
    args, output = command(name, tmp_path)
    result = runner.invoke(args=[*args, "--progress"])
    assert result.exit_code == 0, result.output
    label, wrote = result.stderr.splitlines()
    assert label == LABELS[name]  # Click draws no bar where nobody can see it move
    assert re.fullmatch(RESULTS[name][1], wrote + "\n")
    if name == "export":
        assert output.read_bytes() == quiet_file.read_bytes()
    else:  # a PDF carries its time of making: the fingerprint says the content is the same
        assert wrote.split("fingerprint")[1] == quiet.stderr.split("fingerprint")[1].rstrip()


def on_a_terminal(args: list[str], env: dict[str, str], timeout: float = 120) -> str:
    """Run a flask command with standard error on a pseudo-terminal; return what it drew."""
    leader, follower = pty.openpty()
    drawn = b""
    with subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
                          env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=follower) as process:
        os.close(follower)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not select.select([leader], [], [], 1)[0]:
                continue
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the command ended: its end of the terminal is closed
                break
            if not chunk:
                break
            drawn += chunk
        os.close(leader)
        assert process.wait(timeout=10) == 0, drawn.decode(errors="replace")
    return drawn.decode()


@pytest.mark.parametrize(("name", "bar"), [
    ("export", rf"Exporting ratings +\[#+\] +{RATINGS_OF_READY}/{RATINGS_OF_READY} +100%"),
    ("packet", r"Preparing packets +\[#+\] +100%"),
    ("retention", r"Erasing candidates +\[#+\] +1/1 +100%"),
])
def test_on_a_terminal_a_long_command_draws_its_bar_to_the_end(work, database_url, tmp_path,
                                                               name, bar):
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test",
           "SCORECARDS_PACKET_CACHE_DIR": str(tmp_path / "packets")}
    args, output = command(name, tmp_path)
    drawn = on_a_terminal(args, env)
    assert re.search(bar, drawn), drawn
    assert "\x1b[?25l" in drawn  # drawn in place, as on a terminal, not printed as lines
    if output is not None:
        assert output.stat().st_size > 0


# What the services report, which is what the bar shows.


def test_an_export_reports_its_rows_as_they_go_up_to_the_count(work, monkeypatch):
    from scorecards.exports import rows

    monkeypatch.setattr(exports, "ROWS_PER_REPORT", 4)
    monkeypatch.setattr(rows, "ROWS_PER_FETCH", 4)  # COPY's lines come a block at a time
    heard = []
    made = export(None, "ratings", "csv", ExportFilter(), progress=lambda *step: heard.append(step))
    b"".join(made.chunks)
    assert heard == [(0, 9), (4, 9), (8, 9), (9, 9)]


@pytest.mark.parametrize(("status", "expected"), [(None, 2), ("committee", 1), ("decided", 0)])
def test_an_export_of_applications_counts_what_its_filter_keeps(work, status, expected):
    heard = []
    made = export(None, "applications", "csv", ExportFilter(status=status),
                  progress=lambda *step: heard.append(step))
    lines = b"".join(made.chunks).decode().splitlines()
    assert len(lines) - 1 == expected
    assert heard[-1] == (expected, expected)


def test_the_retention_rule_reports_each_erasure(work, make_application):
    second = make_application("Withdrawn Long Ago")
    second.status = ApplicationStatus.WITHDRAWN
    second.closed_at = datetime.now(UTC) - timedelta(days=900)
    db.session.commit()
    heard = []
    erased = apply_retention(datetime.now(UTC), 24, progress=lambda *step: heard.append(step))
    assert len(erased) == 2
    assert heard == [(1, 2), (2, 2)]
