"""An external system runs a whole loop through the API, as HR does on the pages."""

import csv
import io

from scorecards.core.vocabulary import Role
from tests.api.conftest import COMPLETE


def test_an_external_system_runs_an_application_from_opening_to_erasure(make_user, as_user,
                                                                        catalog):
    hr = as_user(make_user(Role.HR))
    interviewer = make_user(Role.INTERVIEWER, email="ana@example.com")
    committee = as_user(make_user(Role.COMMITTEE))

    assert hr.post("/api/v1/openings", json={"key": "payments", "title": "Backend, Payments",
                                              "loop": "test-loop"}).status_code == 201
    candidate = hr.post("/api/v1/candidates", json={"name": "Grace Hopper",
                                                    "email": "grace@example.org"}).get_json()
    application = hr.post("/api/v1/applications", json={
        "candidate_id": candidate["id"], "opening": "payments", "source": "applied"}).get_json()
    interview = hr.post(f"/api/v1/applications/{application['id']}/interviews", json={
        "stage": "coding", "scheduled_at": "2026-11-20T10:00:00+00:00",
        "panel": ["ana@example.com"]})
    assert interview.status_code == 201, interview.get_json()
    (seat,) = interview.get_json()["panel"]

    ana = as_user(interviewer)
    saved = ana.put(f"/api/v1/scorecards/{seat['scorecard_id']}", json={
        "version": 1, "ratings": COMPLETE, "recommendation": "hire",
        "takeaways": "Clear thinker.", "private_note": ""})
    assert saved.status_code == 200, saved.get_json()
    submitted = ana.post(f"/api/v1/scorecards/{seat['scorecard_id']}/submit",
                         json={"version": saved.get_json()["version"]})
    assert submitted.status_code == 200, submitted.get_json()

    summary = committee.get(f"/api/v1/applications/{application['id']}/summary").get_json()
    assert summary["outcome"] == "incomplete"  # the design stage has not met yet
    assert summary["stages"][0]["score"] is not None

    export = hr.get("/api/v1/exports/ratings?format=csv&opening=payments")
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert {row["competency"] for row in rows} == set(COMPLETE)

    assert hr.delete(f"/api/v1/candidates/{candidate['id']}").status_code == 204
    assert hr.get(f"/api/v1/candidates/{candidate['id']}").get_json()["name"] == \
        "Erased candidate"
