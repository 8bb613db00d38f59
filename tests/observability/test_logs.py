"""Logs: one JSON object a line, each naming its request, and nobody's personal data."""

import json

import pytest

from scorecards.core.vocabulary import Role
from scorecards.observability import logs


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
