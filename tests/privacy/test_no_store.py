"""Answers that show personal data or scores are never kept by a browser's or proxy's cache."""

import pytest
import sqlalchemy as sa

from scorecards.api.services import issue_token
from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import Job


@pytest.fixture
def staff(make_user):
    """Return one user holding every role, so every page is theirs to see."""
    return make_user(Role.INTERVIEWER, Role.COMMITTEE, Role.HR, Role.ADMIN)


def pages(ready) -> list[str]:
    scorecard = ready.interviews[0].scorecards[0]
    return ["/", f"/committee/applications/{ready.id}", "/committee/",
            f"/committee/applications/{ready.id}/packet.pdf", f"/hr/applications/{ready.id}",
            f"/scorecards/{scorecard.id}", "/hr/overdue", "/hr/exports/",
            "/hr/exports/applications.csv", "/hr/openings/test-opening/report.csv",
            "/files/", "/nothing-here"]


def test_every_page_of_a_signed_in_user_says_no_store(ready, staff, sign_in):
    client = sign_in(staff)
    for path in pages(ready):
        response = client.get(path, buffered=True)
        assert response.status_code in (200, 404), path
        assert response.headers["Cache-Control"] == "private, no-store", path


def test_a_prepared_file_says_no_store(ready, staff, sign_in):
    client = sign_in(staff)
    client.post("/committee/openings/test-opening/packet", data={"format": "pdf"})
    job_id = db.session.scalar(sa.select(Job.id))
    for path in (f"/files/{job_id}", f"/files/{job_id}/status.json",
                 f"/files/{job_id}/download"):
        response = client.get(path, buffered=True)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "private, no-store", path


def test_every_api_answer_to_a_token_says_no_store(ready, staff, client):
    headers = {"Authorization": f"Bearer {issue_token(staff, 'test')}"}
    for path in (f"/api/v1/applications/{ready.id}", f"/api/v1/applications/{ready.id}/summary",
                 f"/api/v1/candidates/{ready.candidate_id}", "/api/v1/applications",
                 f"/api/v1/applications/{ready.id}/packet.pdf"):
        response = client.get(path, headers=headers, buffered=True)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "private, no-store", path
    refused = client.get("/api/v1/applications", headers={"Authorization": "Bearer nope"})
    assert refused.headers["Cache-Control"] == "private, no-store"


def test_static_files_and_anonymous_pages_stay_cacheable(app, staff, sign_in, client):
    sign_in_page = client.get("/sign-in")
    assert sign_in_page.status_code == 200
    assert "no-store" not in sign_in_page.headers.get("Cache-Control", "")
    signed_in = sign_in(staff)
    response = signed_in.get("/static/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()
