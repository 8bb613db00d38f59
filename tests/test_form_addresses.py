"""Every address a browser form posts to answers a GET too: a reload or a visit is never a 405.

A form sent back with its errors leaves the address it posted to in the address bar; reloading
or visiting it asks for it with GET. Each such address sends the browser to the page that holds
the form instead.
"""

from __future__ import annotations

import pytest

from scorecards.core.vocabulary import Role

# Posted to by scripts with JSON answers, not by forms whose address a browser shows.
NOT_BROWSER_FORMS = {"interviews.autosave", "interviews.kit_notes"}


def posted_only(app) -> list:
    """Return the rules that take POST but not GET, the API and the scripts' endpoints left out."""
    return [rule for rule in app.url_map.iter_rules()
            if "POST" in rule.methods and "GET" not in rule.methods
            and not rule.rule.startswith("/api/") and rule.endpoint not in NOT_BROWSER_FORMS]


def test_no_address_a_form_posts_to_answers_get_with_405_for_someone_signed_in(
        app, make_user, make_interview, sign_in):
    interview = make_interview(panel=[make_user(Role.INTERVIEWER)])
    application = interview.application
    values = {"application_id": application.id, "interview_id": interview.id,
              "scorecard_id": interview.scorecards[0].id, "candidate_id": application.candidate_id,
              "key": application.opening.key, "opening_key": application.opening.key,
              "user_id": interview.scorecards[0].interviewer_id,
              "token": "a-link-that-expired"}
    client = sign_in(make_user(Role.ADMIN, Role.HR, Role.COMMITTEE, Role.FAIRNESS))
    rules = posted_only(app)
    assert rules, "the walk found no form address: it would pass whatever the app does"
    wrong = {}
    for rule in rules:
        path = rule.build({name: values[name] for name in rule.arguments})[1]
        code = client.get(path).status_code
        # A mailed link's page answers an unknown token with its own refusal, not a 405.
        allowed = {200, 302, 303} | ({404, 410} if "token" in rule.arguments else set())
        if code not in allowed:
            wrong[path] = code
    assert not wrong, wrong


@pytest.mark.parametrize(("path", "page"), [
    ("/hr/applications/{application}/interviews", "/hr/applications/{application}"),
    ("/hr/applications/{application}/close", "/hr/applications/{application}"),
    ("/hr/applications/{application}/hire-outcome", "/hr/applications/{application}"),
    ("/hr/interviews/{interview}/cancel", "/hr/interviews/{interview}"),
    ("/hr/interviews/{interview}/note", "/hr/interviews/{interview}"),
    ("/hr/openings/test-opening/contacts", "/hr/openings/test-opening"),
])
def test_a_reloaded_form_address_leads_to_the_page_that_holds_the_form(
        make_user, make_interview, sign_in, path, page):
    interview = make_interview(panel=[make_user(Role.INTERVIEWER)])
    ids = {"application": interview.application_id, "interview": interview.id}
    response = sign_in(make_user(Role.HR)).get(path.format(**ids))
    assert response.status_code == 302
    assert response.headers["Location"] == page.format(**ids)


def test_visiting_the_sign_out_address_does_not_sign_out(make_user, sign_in):
    client = sign_in(make_user(Role.HR))
    assert client.get("/sign-out").headers["Location"] == "/"
    assert client.get("/hr/").status_code == 200
