"""The API of hire outcomes and the validity report: hires only, on the scale, fairness reads."""

import pytest

from scorecards.core.vocabulary import ApplicationStatus, Role
from scorecards.extensions import db
from scorecards.models import Decision, HireOutcome


@pytest.fixture
def hired(make_application, make_user):
    committee = make_user(Role.COMMITTEE)
    application = make_application("Grace Hopper")
    application.decisions.append(Decision(
        recommended_outcome="hire", explanation={}, final_outcome="hire",
        rationale="As the panel advised.", decided_by=committee))
    application.status = ApplicationStatus.DECIDED
    db.session.commit()
    return application


def test_hr_puts_and_gets_a_hires_outcome(as_user, hired, make_user):
    api = as_user(make_user(Role.HR))
    put = api.put(f"/api/v1/applications/{hired.id}/hire-outcome",
                  json={"rating_6_months": 4, "employed_12_months": True, "note": "Thriving."})
    assert put.status_code == 204
    found = api.get(f"/api/v1/applications/{hired.id}/hire-outcome").json
    assert found["rating_6_months"] == 4
    assert found["rating_12_months"] is None
    assert found["employed_12_months"] is True
    assert found["note"] == "Thriving."
    assert found["scale"][0] == "Well below expectations"


def test_an_off_scale_rating_is_a_422_naming_the_field_and_the_allowed_values(
        as_user, hired, make_user):
    answer = as_user(make_user(Role.HR)).put(
        f"/api/v1/applications/{hired.id}/hire-outcome", json={"rating_12_months": 7})
    assert answer.status_code == 422
    problem = answer.json
    assert problem["errors"][0]["field"] == "rating_12_months"
    assert "5 (Far exceeds expectations)" in problem["errors"][0]["message"]
    assert db.session.get(HireOutcome, hired.id) is None


def test_an_application_not_decided_hire_is_a_422(as_user, make_application, make_user):
    answer = as_user(make_user(Role.ADMIN)).put(
        f"/api/v1/applications/{make_application().id}/hire-outcome",
        json={"rating_6_months": 3})
    assert answer.status_code == 422
    assert "only for hires" in answer.json["detail"]


def test_an_unknown_application_is_a_404(as_user, app, make_user):
    api = as_user(make_user(Role.HR))
    assert api.put("/api/v1/applications/999999/hire-outcome",
                   json={"rating_6_months": 3}).status_code == 404
    assert api.get("/api/v1/applications/999999/hire-outcome").status_code == 404


def test_the_validity_report_answers_the_fairness_role(as_user, hired, make_user):
    answer = as_user(make_user(Role.FAIRNESS)).get(
        "/api/v1/fairness/validity?loop=test-loop")
    assert answer.status_code == 200
    report = answer.json
    assert report["minimum_n"] == 10
    assert {row["kind"] for row in report["rows"]} == {"raw", "calibrated"}
    assert all(row["r"] is None and not row["enough_data"] for row in report["rows"])


def test_an_unknown_loop_is_a_400(as_user, app, make_user):
    answer = as_user(make_user(Role.ADMIN)).get("/api/v1/fairness/validity?loop=nope")
    assert answer.status_code == 400
