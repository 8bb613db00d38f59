"""What services refuse is answered in one place each by pages and by the API."""

from __future__ import annotations

import pytest

from scorecards.api.services import issue_token
from scorecards.core.errors import Conflict, Forbidden, Invalid, NotVisible, kind_of
from scorecards.core.vocabulary import Role
from scorecards.hr.services.candidates import CandidateExists
from scorecards.hr.services.fields import PipelineError

REFUSALS = {
    "missing": NotVisible("Scorecard 7 is Dana's."),
    "refused": Forbidden("Only the committee decides."),
    "conflict": Conflict("The interview was cancelled on 3 March.", "status"),
    "invalid": Invalid("The title is missing.", "title"),
}


@pytest.fixture
def refusing_app(app):
    """Add a page and an API route that raise each refusal, as a service would."""
    def raise_(what):
        raise REFUSALS[what]

    app.add_url_rule("/probe/<what>", "probe", raise_)
    # Named into the API's blueprint, so its error handlers answer, as for its own views.
    app.add_url_rule("/api/v1/probe/<what>", "api.probe", raise_)
    return app


@pytest.mark.parametrize(("what", "status"), [
    ("missing", 404), ("refused", 403), ("conflict", 409), ("invalid", 400)])
def test_a_page_answers_a_refusal_with_its_status_and_message(refusing_app, what, status):
    response = refusing_app.test_client().get(f"/probe/{what}")
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    if what == "missing":  # the same page as an address that does not exist
        assert "Dana" not in page
        assert "There is nothing here" in page
    else:
        assert REFUSALS[what].message in page


@pytest.mark.parametrize(("what", "status"), [
    ("missing", 404), ("refused", 403), ("conflict", 409), ("invalid", 422)])
def test_the_api_answers_a_refusal_as_a_problem_naming_its_field(refusing_app, make_user, what,
                                                                 status):
    token = issue_token(make_user(Role.HR))
    response = refusing_app.test_client().get(f"/api/v1/probe/{what}",
                                              headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    problem = response.json
    assert problem["status"] == status
    if what == "missing":
        assert "Dana" not in response.get_data(as_text=True)
        return
    assert problem["detail"] == REFUSALS[what].message
    field = REFUSALS[what].field
    assert problem.get("errors") == ([{"field": field, "message": REFUSALS[what].message,
                                       "location": "body"}] if field else None)


def test_a_duplicate_that_is_also_bad_input_is_answered_as_the_conflict_it_is():
    duplicate = CandidateExists("A candidate with this email is on file.", 12)
    assert isinstance(duplicate, PipelineError)
    assert kind_of(duplicate) is Conflict
    assert kind_of(PipelineError("The title is missing.", "title")) is Invalid
