"""Every page against every kind of user: the expected answer, in one table.

Roles: anonymous, an interviewer on the panel (who has submitted), an interviewer not on it,
the committee, HR and an admin. 302 is the way to sign in; 404 hides what a user may not see.
"""

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import ApplicationStatus, Role
from scorecards.extensions import db
from scorecards.models import Opening

WHO = ("anonymous", "on_panel", "off_panel", "committee", "hr", "admin")
OK_FOR_OVERSEERS = (302, 200, 404, 200, 200, 200)
OK_FOR_COMMITTEE = (302, 404, 404, 200, 404, 404)
OK_FOR_HR = (302, 404, 404, 404, 200, 200)
OK_FOR_EVERYONE_SIGNED_IN = (302, 200, 200, 200, 200, 200)

PAGES = [
    ("/", OK_FOR_EVERYONE_SIGNED_IN),
    ("/interviews", OK_FOR_EVERYONE_SIGNED_IN),
    ("/interviews/{interview}", OK_FOR_OVERSEERS),
    ("/scorecards/{scorecard}", OK_FOR_OVERSEERS),
    ("/scorecards/{scorecard}/amend", (302, 200, 404, 404, 404, 404)),
    ("/committee/", OK_FOR_COMMITTEE),
    ("/committee/decided", OK_FOR_COMMITTEE),
    ("/committee/applications/{application}", (302, 404, 404, 200, 200, 200)),
    ("/committee/applications/{application}/packet.pdf", (302, 404, 404, 200, 200, 200)),
    ("/analytics/agreement", OK_FOR_HR),
    ("/hr/exports/", OK_FOR_HR),
    ("/files/", OK_FOR_EVERYONE_SIGNED_IN),
    ("/files/999999", (302, 404, 404, 404, 404, 404)),
    ("/hr/", OK_FOR_HR),
    ("/hr/openings/{opening}", OK_FOR_HR),
    ("/hr/applications/{application}", OK_FOR_HR),
    ("/hr/overdue", OK_FOR_HR),
    ("/hr/openings/{opening}/report", OK_FOR_HR),
    ("/hr/candidates/{candidate}/erase", OK_FOR_HR),
    ("/scorecards/999999", (302, 404, 404, 404, 404, 404)),
    ("/committee/applications/999999", (302, 404, 404, 404, 404, 404)),
    ("/hr/applications/999999", (302, 404, 404, 404, 404, 404)),
]


@pytest.fixture
def world(make_user, make_application, make_interview, submit):
    """Return the users of each kind and the ids the pages are about."""
    application = make_application("Ada Lovelace")
    on_panel = make_user(Role.INTERVIEWER)
    interview = make_interview(application, stage="coding", panel=[on_panel])
    submit(interview.scorecards[0], {"understanding": 3, "approach": 3, "code": 3})
    application.status = ApplicationStatus.COMMITTEE
    db.session.commit()
    users = {"anonymous": None, "on_panel": on_panel, "off_panel": make_user(Role.INTERVIEWER),
             "committee": make_user(Role.COMMITTEE), "hr": make_user(Role.HR),
             "admin": make_user(Role.ADMIN)}
    ids = {"interview": interview.id, "scorecard": interview.scorecards[0].id,
           "application": application.id, "candidate": application.candidate_id,
           "opening": db.session.scalar(sa.select(Opening.key))}
    return users, ids


@pytest.mark.parametrize(("path", "expected"), PAGES, ids=[path for path, _ in PAGES])
def test_every_page_answers_each_kind_of_user_as_the_table_says(world, client, sign_in, path,
                                                                expected):
    users, ids = world
    answers = {}
    for who in WHO:
        client.delete_cookie("session")  # start each kind of user signed out
        if users[who] is not None:
            sign_in(users[who])
        answers[who] = client.get(path.format(**ids)).status_code
    assert answers == dict(zip(WHO, expected, strict=True))


FORMS = [  # what a form posts; 303 leads on to the download or the prepared file
    ("/committee/openings/{opening}/packet", {"format": "pdf"}, (302, 404, 404, 303, 404, 404)),
    ("/hr/exports/", {"kind": "ratings", "format": "csv"}, (302, 404, 404, 404, 303, 303)),
    ("/hr/exports/", {"kind": "ratings", "format": "xlsx"}, (302, 404, 404, 404, 303, 303)),
]


@pytest.mark.parametrize(("path", "form", "expected"), FORMS,
                         ids=[f"{path} {form}" for path, form, _ in FORMS])
def test_every_form_answers_each_kind_of_user_as_the_table_says(world, client, sign_in, path,
                                                                form, expected):
    users, ids = world
    answers = {}
    for who in WHO:
        client.delete_cookie("session")
        if users[who] is not None:
            sign_in(users[who])
        answers[who] = client.post(path.format(**ids), data=form).status_code
    assert answers == dict(zip(WHO, expected, strict=True))


API = [
    ("/api/v1/openings", (401, 404, 404, 200, 200, 200)),
    ("/api/v1/applications", (401, 404, 404, 200, 200, 200)),
    ("/api/v1/applications/{application}", (401, 404, 404, 200, 200, 200)),
    ("/api/v1/applications/{application}/summary", (401, 404, 404, 200, 200, 200)),
    ("/api/v1/applications/{application}/packet.pdf", (401, 404, 404, 200, 200, 200)),
    ("/api/v1/scorecards/{scorecard}", (401, 200, 404, 200, 200, 200)),
    ("/api/v1/candidates/{candidate}", (401, 404, 404, 404, 200, 200)),
    ("/api/v1/exports/ratings?format=csv", (401, 404, 404, 404, 200, 200)),
    ("/api/v1/scorecards/999999", (401, 404, 404, 404, 404, 404)),
    ("/api/v1/openapi.json", (200, 200, 200, 200, 200, 200)),
]


@pytest.mark.parametrize(("path", "expected"), API, ids=[path for path, _ in API])
def test_every_api_route_answers_each_kind_of_user_as_the_table_says(world, client, path,
                                                                     expected):
    from scorecards.api.services import issue_token

    users, ids = world
    answers = {}
    for who in WHO:
        headers = {}
        if users[who] is not None:
            headers["Authorization"] = f"Bearer {issue_token(users[who], name=path[:90])}"
        answers[who] = client.get(path.format(**ids), headers=headers,
                                  buffered=True).status_code
    assert answers == dict(zip(WHO, expected, strict=True))
