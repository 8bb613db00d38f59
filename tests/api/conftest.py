"""Fixtures for the REST API: tokens, a client that sends one, and problem checks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from scorecards.api.services import issue_token
from scorecards.core.vocabulary import Role
from scorecards.models import User

PROBLEM_JSON = "application/problem+json"
COMPLETE = {"understanding": {"score": 3, "evidence": "Asked about empty input."},
            "approach": {"score": 4, "evidence": "Compared a heap with sorting."},
            "code": {"score": 3, "evidence": "Readable, small functions."}}


class ApiClient:
    """A test client that sends a bearer token with every request."""

    def __init__(self, client: FlaskClient, token: str):
        self.client, self.token = client, token

    def open(self, method: str, path: str, **kwargs):
        """Send a request to the API with the token; streams are read while it is open."""
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, buffered=True, **kwargs)

    def get(self, path: str, **kwargs):
        """Send a GET request."""
        return self.open("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        """Send a POST request."""
        return self.open("POST", path, **kwargs)

    def put(self, path: str, **kwargs):
        """Send a PUT request."""
        return self.open("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs):
        """Send a PATCH request."""
        return self.open("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs):
        """Send a DELETE request."""
        return self.open("DELETE", path, **kwargs)


def api_as(client: FlaskClient, user: User) -> ApiClient:
    """Return an API client calling as the user, with a new token (for tests outside tests/api)."""
    return ApiClient(client, issue_token(user, f"test-{user.id}"))


@pytest.fixture
def as_user(client: FlaskClient) -> Callable[[User], ApiClient]:
    """Return a function that gives an API client calling as the user, with a new token."""

    def call_as(user: User) -> ApiClient:
        return ApiClient(client, issue_token(user, f"test-{user.id}"))

    return call_as


@pytest.fixture
def hr(make_user, as_user) -> ApiClient:
    """Return an API client of an HR person."""
    return as_user(make_user(Role.HR, name="Hana Reyes"))


def assert_problem(response, status: int, *fields: str) -> dict:
    """Check that the response is a problem of this status naming these fields; return it."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM_JSON
    problem = response.get_json()
    assert problem["status"] == status
    assert {"type", "title", "detail"} <= problem.keys()
    named = {error["field"] for error in problem.get("errors", ())}
    assert set(fields) <= named, problem
    return problem
