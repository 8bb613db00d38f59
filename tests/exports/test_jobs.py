"""Exports of more rows than EXPORT_JOB_ROWS are prepared as jobs, from the pages and the API."""

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import Role
from scorecards.exports import jobs as export_jobs
from scorecards.exports.services import ExportFilter
from scorecards.extensions import db
from scorecards.models import Job

from .conftest import read_csv, read_jsonl


@pytest.fixture
def threshold(app):
    """Return a function setting how many rows an export may stream in the request."""
    def set_to(rows: int) -> None:
        app.config["EXPORT_JOB_ROWS"] = rows
    return set_to


@pytest.fixture
def hr_user(make_user):
    """Return an HR user."""
    return make_user(Role.HR, name="Hanna Reyes")


@pytest.mark.parametrize(("limit", "kind", "expected"), [
    (3, "applications", False), (2, "applications", True),
    (14, "ratings", False), (13, "ratings", True), (0, "ratings", True)])
def test_an_export_is_too_large_past_the_setting(record, hr_user, threshold, limit, kind,
                                                 expected):
    threshold(limit)
    assert export_jobs.too_large(hr_user, kind, "csv", ExportFilter()) is expected


def test_the_threshold_follows_the_filter(record, hr_user):
    from scorecards.exports.services import exceeds

    assert exceeds(hr_user, "applications", "csv", ExportFilter(status="decided"), 1) is False
    assert exceeds(hr_user, "applications", "csv", ExportFilter(), 1) is True


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_large_export_from_the_page_is_prepared_in_the_background(record, hr_user, sign_in,
                                                                     threshold, fmt):
    client = sign_in(hr_user)
    small = client.get(f"/hr/exports/ratings.{fmt}", buffered=True).data
    threshold(10)
    response = client.post("/hr/exports/", data={"kind": "ratings", "format": fmt})
    assert response.status_code == 303
    job = db.session.scalar(sa.select(Job))
    assert response.headers["Location"] == f"/files/{job.id}"
    assert (job.requested_by_id, job.status, job.filename) == \
        (hr_user.id, "done", f"ratings.{fmt}")
    assert client.get(f"/files/{job.id}/download", buffered=True).data == small


def test_a_small_export_from_the_page_still_streams(record, hr_user, sign_in, threshold):
    threshold(14)
    response = sign_in(hr_user).post("/hr/exports/", data={"kind": "ratings", "format": "csv"})
    assert response.headers["Location"] == "/hr/exports/ratings.csv"
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 0


def test_a_large_download_link_offers_the_background_instead(record, hr_user, sign_in,
                                                            threshold):
    threshold(10)
    response = sign_in(hr_user).get("/hr/exports/ratings.csv?status=decided")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "more than 10 rows" in response.text
    assert 'value="ratings" checked' in response.text
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 0


def test_the_api_refuses_a_large_export_in_one_answer(record, hr_user, client, threshold):
    from scorecards.api.services import issue_token

    threshold(2)
    response = client.get("/api/v1/exports/applications", buffered=True,
                          headers={"Authorization": f"Bearer {issue_token(hr_user)}"})
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["type"] == "urn:scorecards:problem:export-too-large"
    assert "POST /api/v1/export-jobs" in problem["detail"]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_the_api_prepares_an_export_polls_it_and_downloads_it(record, hr_user, client, fmt):
    from scorecards.api.services import issue_token

    headers = {"Authorization": f"Bearer {issue_token(hr_user)}"}
    direct = client.get(f"/api/v1/exports/ratings?format={fmt}", headers=headers,
                        buffered=True).data
    started = client.post("/api/v1/export-jobs", headers=headers,
                          json={"kind": "ratings", "format": fmt, "status": "decided"})
    assert started.status_code == 202
    job = started.get_json()
    assert job["status"] == "done"  # the tests' jobs run inline
    polled = client.get(f"/api/v1/export-jobs/{job['id']}", headers=headers).get_json()
    assert polled == job
    assert (polled["finished"], polled["filename"], polled["error"]) == \
        (True, f"ratings-decided.{fmt}", None)
    data = client.get(polled["file"], headers=headers, buffered=True).data
    read = read_csv if fmt == "csv" else read_jsonl
    assert read(data) == [row for row in read(direct) if row["candidate"] == "Zoë Ångström"]


def test_an_export_job_is_its_requester_s_alone(record, hr_user, make_user, client):
    from scorecards.api.services import issue_token

    mine = {"Authorization": f"Bearer {issue_token(hr_user)}"}
    theirs = {"Authorization": f"Bearer {issue_token(make_user(Role.HR))}"}
    job = client.post("/api/v1/export-jobs", headers=mine, json={"kind": "ratings"}).get_json()
    assert client.get(f"/api/v1/export-jobs/{job['id']}", headers=theirs).status_code == 404
    assert client.get(f"/api/v1/export-jobs/{job['id']}/file", headers=theirs).status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "scorecards"}, "kind"), ({"kind": "ratings", "format": "pdf"}, "format"),
    ({"kind": "ratings", "since": "May 1st"}, "since"), ({"kind": "ratings", "extra": 1}, "extra"),
])
def test_a_bad_export_job_is_refused_and_starts_nothing(hr_user, client, body, field):
    from scorecards.api.services import issue_token

    response = client.post("/api/v1/export-jobs", json=body,
                           headers={"Authorization": f"Bearer {issue_token(hr_user)}"})
    assert response.status_code == 422
    assert field in {error["field"] for error in response.get_json().get("errors", ())}
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 0


def test_an_unknown_opening_is_a_clear_refusal(hr_user, client, catalog):
    from scorecards.api.services import issue_token

    response = client.post("/api/v1/export-jobs", json={"kind": "ratings", "opening": "nope"},
                           headers={"Authorization": f"Bearer {issue_token(hr_user)}"})
    assert response.status_code == 400
    assert "There is no opening 'nope'" in response.get_json()["detail"]
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 0


def test_interviewers_may_not_start_export_jobs(make_user, client, catalog):
    from scorecards.api.services import issue_token

    response = client.post("/api/v1/export-jobs", json={"kind": "ratings"},
                           headers={"Authorization": f"Bearer {issue_token(make_user())}"})
    assert response.status_code in (403, 404)
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 0
