"""Logs: one JSON object a line, each naming its request, and nobody's personal data."""

import json
import logging
import os
import pty
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from scorecards.core.vocabulary import Role
from scorecards.observability import logs

ROOT = Path(__file__).parents[2]


def lines(captured: str) -> list[dict]:
    return [json.loads(line) for line in captured.splitlines() if line.startswith("{")]


@pytest.fixture
def config(config):
    return {**config, "LOG_FORMAT": "json"}


def test_each_request_is_logged_once_with_its_id_route_and_status(client, capsys):
    answer = client.get("/health", headers={"X-Request-ID": "proxy-id-12345678"})
    assert answer.headers["X-Request-ID"] == "proxy-id-12345678"
    access = [line for line in lines(capsys.readouterr().err)
              if line["logger"] == "scorecards.access"]
    assert len(access) == 1
    assert access[0] | {"duration_ms": 0, "time": ""} == {
        "time": "", "level": "info", "logger": "scorecards.access", "message": "GET /health 200",
        "request_id": "proxy-id-12345678", "method": "GET", "route": "/health",
        "path": "/health", "status": 200, "duration_ms": 0, "user_id": None}


@pytest.mark.parametrize("given", ["short", "x" * 65, "spa ced-12345", "quote\"d-12345",
                                   "<b>tag</b>-1234"])
def test_an_unusable_request_id_is_replaced_by_a_new_one(client, capsys, given):
    answer = client.get("/health", headers={"X-Request-ID": given})
    made = answer.headers["X-Request-ID"]
    assert made != given
    assert len(made) == 32
    assert lines(capsys.readouterr().err)[-1]["request_id"] == made


def test_two_requests_get_different_ids(client):
    assert client.get("/health").headers["X-Request-ID"] != \
        client.get("/health").headers["X-Request-ID"]


def test_the_access_line_names_the_user_by_id_and_leaves_out_the_query(
        client, sign_in, make_user, make_application, capsys):
    make_application(name="Zelda Quintero")
    hr = make_user(Role.HR, name="Hanna Reyes")
    sign_in(hr)
    assert client.get("/hr/search?q=Zelda+Quintero").status_code == 200
    err = capsys.readouterr().err
    assert "Zelda" not in err
    assert "Hanna" not in err
    assert hr.email not in err
    access = lines(err)[-1]
    assert (access["route"], access["user_id"]) == ("/hr/search", str(hr.id))


def test_a_failed_statement_logs_without_its_values(app, capsys):
    import sqlalchemy as sa

    from scorecards.extensions import db

    with pytest.raises(sa.exc.StatementError) as failed:
        db.session.execute(sa.text("SELECT * FROM no_such_table WHERE name = :name"),
                           {"name": "Zelda Quintero"})
    db.session.rollback()
    assert "Zelda" not in str(failed.value)


def test_text_format_carries_the_bound_fields(app, capsys):
    logs.configure("text", "INFO")
    with logs.bound(request_id="abc12345", job_id=7):
        app.logger.warning("something happened")
    err = capsys.readouterr().err
    assert err.rstrip().endswith("scorecards: something happened request_id=abc12345 job_id=7")
    assert not err.startswith("{")


def test_bound_fields_end_with_their_block(app, capsys):
    logs.configure("json", "INFO")
    with logs.bound(job_id=7):
        app.logger.warning("inside")
    app.logger.warning("outside")
    inside, outside = lines(capsys.readouterr().err)
    assert inside["job_id"] == 7
    assert "job_id" not in outside


COLOURED = "\x1b[1m\x1b[31mGET /nowhere HTTP/1.1\x1b[0m"  # as werkzeug writes a 4xx line


@pytest.mark.parametrize("log_format", ["json", "text", None])
def test_lines_written_anywhere_but_a_terminal_carry_no_colour_codes(app, capsys, log_format):
    logs.configure(log_format, "INFO")  # standard error is captured here: not a terminal
    logging.getLogger("werkzeug").info('"%s" %s %s', COLOURED, 404, "-")
    app.logger.warning("\x1b[33mcoloured\x1b[0m")
    err = capsys.readouterr().err
    assert "GET /nowhere HTTP/1.1" in err
    assert "coloured" in err
    assert "\x1b" not in err


def test_text_on_a_terminal_keeps_its_colours(app, monkeypatch):
    leader, follower = pty.openpty()
    with os.fdopen(follower, "w") as terminal:
        monkeypatch.setattr(sys, "stderr", terminal)
        logs.configure(None, "INFO")
        logging.getLogger("werkzeug").info(COLOURED)
        terminal.flush()
        drawn = os.read(leader, 4096)
    os.close(leader)
    assert b"\x1b[31mGET /nowhere" in drawn
    assert b"werkzeug: " in drawn  # as text, not JSON


def test_the_dev_servers_lines_in_a_file_carry_no_colour_codes(database_url, tmp_path):
    written = tmp_path / "server.log"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("SCORECARDS_") and key not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"SECRET_KEY": "x", "DATABASE_URL": database_url,
            "SCORECARDS_RATELIMIT_STORAGE_URI": "memory://"}
    with written.open("wb") as log, subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--port", "0"], cwd=ROOT,
            env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log) as server:
        try:
            address = _served_at(written)
            for path in ("/sign-in", "/", "/nowhere", "/static/app.css"):  # 200, 302, 404
                try:
                    urllib.request.urlopen(address + path, timeout=10).close()  # noqa: S310
                except urllib.error.HTTPError as error:
                    error.close()
            _written(written, "GET /static/app.css")  # the last request's line is in
        finally:
            server.terminate()
            server.wait(timeout=10)
    text = written.read_text()
    assert "GET /nowhere HTTP/1.1" in text
    assert "This is a development server" in text  # werkzeug writes that line in bold red
    assert "\x1b[" not in text, text


def _served_at(log: Path) -> str:
    """Wait for the dev server to say where it listens, and return that address."""
    return _written(log, r"Running on (http://127\.0\.0\.1:\d+)")[1]


def _written(log: Path, pattern: str) -> re.Match:
    """Wait until the log holds a line matching the pattern, and return the match."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = re.search(pattern, log.read_text())
        if found:
            return found
        time.sleep(0.1)
    pytest.fail(f"the dev server did not write {pattern!r}:\n{log.read_text()}")
