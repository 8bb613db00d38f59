"""A database or Redis that does not answer gets clean 503s, never a bare 500 or a traceback.

These point an app at a database that refuses connections; tests/faults stops and restarts a
real server under a running app.
"""

from __future__ import annotations

import socket
import time

import pytest

from scorecards import create_app
from scorecards.api.services import ISSUED_PREFIX
from scorecards.extensions import db
from tests.conftest import IsolatedClient

PROBLEM_JSON = "application/problem+json"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


@pytest.fixture(params=["postgresql", "sqlite"])
def down(request, config, tmp_path):
    """Return a client of an app whose database cannot be reached, signed in as user 1."""
    url = {"postgresql": f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/gone",
           "sqlite": f"sqlite:///{tmp_path}/missing/folder/gone.db"}[request.param]
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": url})
    app.test_client_class = IsolatedClient
    client = app.test_client()
    with client.session_transaction() as session:
        # A well-formed sign-in identity (user 1, generation 0, issued now), so that loading
        # the user has to ask the database.
        session["_user_id"] = f"1.0.{int(time.time())}.0123456789abcdef"
        session["_fresh"] = True
    return client


@pytest.mark.parametrize("path", ["/", "/interviews", "/scorecards/1",
                                  "/committee/", "/hr/exports/applications.csv", "/hr/"])
def test_pages_answer_503_with_the_apps_own_page(down, path):
    response = down.get(path)
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert response.content_type.startswith("text/html")
    assert b"its database does not answer" in response.data
    assert b"Traceback" not in response.data


def test_a_form_post_answers_503(down):
    response = down.post("/scorecards/1", data={"version": "1", "takeaways": "Kept."})
    assert response.status_code == 503
    assert b"your text is still in the page" in response.data


def test_the_autosave_answers_a_problem_503(down):
    response = down.post("/scorecards/1/draft", data={"version": "1"},
                         headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response.content_type == PROBLEM_JSON
    assert response.json["status"] == 503
    assert response.headers["Retry-After"].isdigit()


@pytest.mark.parametrize("path", ["/api/v1/openings", "/api/v1/scorecards/1"])
def test_the_api_answers_a_problem_503(down, path):
    response = down.get(path, headers={"Authorization": f"Bearer {ISSUED_PREFIX}some-token"})
    assert response.status_code == 503
    assert response.content_type == PROBLEM_JSON
    assert response.headers["Retry-After"].isdigit()


def test_health_answers_without_the_database(down):
    response = down.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_ready_names_the_database_when_it_does_not_answer(down):
    response = down.get("/ready")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "unavailable"}


def test_ready_answers_ok_when_the_database_answers(client):
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_ready_names_redis_when_it_does_not_answer(app, config):
    config["REDIS_URL"] = f"redis://127.0.0.1:{_closed_port()}/0"
    other = create_app(config)
    response = other.test_client().get("/ready")
    with other.app_context():
        db.engine.dispose()  # its own pool, on the test database
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "ok", "redis": "unavailable"}
