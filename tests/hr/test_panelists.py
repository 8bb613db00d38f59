"""The panel picker: interviewers found as HR types, and the panel chosen on the forms."""

import re

import pytest

from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.hr.services.panelists import MAX_MATCHES


def found(client, typed: str) -> dict:
    response = client.get("/hr/interviewers", query_string={"q": typed})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def emails(answer: dict) -> list[str]:
    return [person["email"] for person in answer["interviewers"]]


@pytest.mark.parametrize(("typed", "expected"), [
    ("an", ["ana@example.com", "anders@example.com"]),  # by name, in the order of names
    ("AN", ["ana@example.com", "anders@example.com"]),  # whatever the case
    ("ben@", ["ben@example.com"]),  # by email
    ("  chen ", ["chen@example.com"]),
    ("Souza", []),  # the beginning of a name, not a word inside it
    ("", []),
    ("x" * 300, []),
])
def test_interviewers_are_found_by_the_beginning_of_their_name_or_email(
        hr, interviewers, make_user, typed, expected):
    make_user(Role.INTERVIEWER, name="Anders Berg", email="anders@example.com")
    assert emails(found(hr, typed)) == expected


def test_only_active_interviewers_are_found(hr, interviewers, make_user):
    make_user(Role.INTERVIEWER, name="Ana Gone", email="ana.gone@example.com", active=False)
    make_user(Role.COMMITTEE, name="Ana Committee", email="ana.c@example.com")
    answer = found(hr, "ana")
    assert answer == {"interviewers": [{"email": "ana@example.com", "name": "Ana Souza",
                                        "label": "Ana Souza (ana@example.com)"}],
                      "more": False}


def test_a_few_are_found_at_a_time_and_the_answer_says_more_match(hr, make_user):
    for n in range(MAX_MATCHES + 5):
        make_user(Role.INTERVIEWER, name=f"Sam {n:02d}", email=f"sam{n:02d}@example.com")
    answer = found(hr, "sam")
    assert len(answer["interviewers"]) == MAX_MATCHES
    assert answer["more"] is True
    assert emails(answer)[0] == "sam00@example.com"
    assert found(hr, "sam 2")["more"] is False


def test_names_come_back_as_data_for_the_page_to_set_as_text(hr, make_user):
    make_user(Role.INTERVIEWER, name="<img src=x onerror=alert(1)>", email="img@example.com")
    (person,) = found(hr, "<img")["interviewers"]
    assert person["name"] == "<img src=x onerror=alert(1)>"


def test_only_hr_may_search_the_interviewers(app, interviewers, make_user, sign_in):
    anonymous = app.test_client().get("/hr/interviewers?q=ana")
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/sign-in?")
    for role in (Role.INTERVIEWER, Role.COMMITTEE):
        someone = sign_in(make_user(role))
        assert someone.get("/hr/interviewers?q=ana").status_code == 404


def test_the_chosen_panel_stays_chosen_when_the_form_comes_back(hr, make_application,
                                                                interviewers):
    application = make_application()
    ana, ben, _ = interviewers
    response = hr.post(f"/hr/applications/{application.id}/interviews", data={
        "schedule-stage": "coding", "schedule-panel": [ana.email, ben.email]})
    assert response.status_code == 400
    assert "Give the date and time of the interview." in response.text
    for person in (ana, ben):
        assert re.search(f'<input type="checkbox" name="schedule-panel" value="{person.email}" '
                         f'id="([^"]+)" checked> <label for="\\1">{person.name} '
                         f'\\({person.email}\\)</label>', response.text)


@pytest.mark.parametrize(("chosen", "message"), [
    ("dara@example.com", "Panel: dara@example.com is deactivated."),
    ("nobody@example.com", "Panel: nobody@example.com is not a user."),
    ("priya@example.com", "Panel: priya@example.com is not an interviewer."),
])
def test_a_panelist_who_cannot_sit_is_refused_by_name_and_stays_on_the_form(
        hr, make_application, interviewers, make_user, chosen, message):
    make_user(Role.INTERVIEWER, name="Dara Quinn", email="dara@example.com", active=False)
    application = make_application()
    response = hr.post(f"/hr/applications/{application.id}/interviews", data={
        "schedule-stage": "coding", "schedule-scheduled_at": "2030-03-04T09:30",
        "schedule-panel": [interviewers[0].email, chosen]})
    assert response.status_code == 400
    assert message in response.text
    assert f'value="{chosen}" id="schedule-panel-1" checked>' in response.text
    db.session.expire_all()
    assert application.interviews == []
