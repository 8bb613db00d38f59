"""Exports through the API: streamed files, filtered, for HR only."""

from __future__ import annotations

import csv
import io
import json

import pytest

from scorecards.core.vocabulary import Role
from tests.api.conftest import assert_problem


@pytest.fixture
def scored(make_application, make_interview, make_user, submit):
    """Return an application with one submitted scorecard."""
    application = make_application("Ada Lovelace")
    interview = make_interview(application, panel=[make_user(email="ana@example.com")])
    submit(interview.scorecards[0], {"understanding": 3, "approach": 2, "code": 4})
    return application


def test_applications_export_as_csv_one_row_each(hr, scored, make_application):
    make_application("Grace Hopper")
    response = hr.get("/api/v1/exports/applications?format=csv&opening=test-opening")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row["candidate"] for row in rows] == ["Ada Lovelace", "Grace Hopper"]


def test_ratings_export_as_json_lines(hr, scored):
    response = hr.get("/api/v1/exports/ratings?format=jsonl")
    assert response.status_code == 200
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert sorted((line["competency"], line["score"]) for line in lines) == [
        ("approach", 2), ("code", 4), ("understanding", 3)]


def test_the_xlsx_export_is_a_workbook(hr, scored):
    response = hr.get("/api/v1/exports/applications?format=xlsx")
    assert response.status_code == 200
    assert response.data.startswith(b"PK")


@pytest.mark.parametrize(("query", "status", "field"), [
    ("format=pdf", 400, "format"),
    ("since=yesterday", 400, "since"),
    ("status=hired", 400, "status"),
    ("opening=nope", 400, None),
    ("since=2025-03-02&until=2025-03-01", 400, None),
])
def test_a_bad_export_request_is_a_problem(hr, app, query, status, field):
    problem = assert_problem(hr.get(f"/api/v1/exports/ratings?{query}"), status,
                             *([field] if field else []))
    assert problem["detail"]


def test_only_hr_and_admins_export(make_user, as_user, app):
    caller = as_user(make_user(Role.COMMITTEE))
    assert_problem(caller.get("/api/v1/exports/applications"), 404)
