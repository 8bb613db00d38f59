"""HR's pipeline through the API: openings, candidates, applications, interviews, erasure."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import ApplicationStatus, Role
from scorecards.extensions import db
from scorecards.models import Candidate, Scorecard
from tests.api.conftest import assert_problem

OPENING = {"key": "backend-payments", "title": "Backend Engineer, Payments",
           "loop": "test-loop", "team": "Payments"}


@pytest.fixture
def opening(hr, catalog) -> dict:
    """Return the API's answer for a new opening on the test loop."""
    response = hr.post("/api/v1/openings", json=OPENING)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def candidate(hr) -> dict:
    """Return the API's answer for a new candidate."""
    response = hr.post("/api/v1/candidates", json={
        "name": "Ada Lovelace", "email": "Ada@Example.org", "phone": "+44 20 0000",
        "location": "London"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def application(hr, opening, candidate) -> dict:
    """Return the API's answer for the candidate's application to the opening."""
    response = hr.post("/api/v1/applications", json={
        "candidate_id": candidate["id"], "opening": opening["key"], "source": "referral",
        "referrer": "Grace Hopper", "applied_at": "2025-03-01T09:30:00+01:00"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_hr_creates_and_lists_openings(hr, opening):
    assert opening["key"] == "backend-payments"
    assert (opening["loop"], opening["loop_version"], opening["status"]) == ("test-loop", 1,
                                                                             "open")
    listed = hr.get("/api/v1/openings").get_json()
    assert [o["key"] for o in listed["items"]] == ["backend-payments"]
    assert listed["next_cursor"] is None


def test_openings_are_listed_newest_first_a_page_at_a_time(hr, opening):
    for n in range(4):
        assert hr.post("/api/v1/openings", json={**OPENING, "key": f"more-{n}"}).status_code \
            == 201
    keys, cursor = [], None
    while True:
        page = hr.get("/api/v1/openings", query_string={"limit": 2, "cursor": cursor}
                      if cursor else {"limit": 2}).get_json()
        assert len(page["items"]) <= 2
        keys += [o["key"] for o in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert keys == ["more-3", "more-2", "more-1", "more-0", "backend-payments"]
    assert_problem(hr.get("/api/v1/openings?cursor=bm9wZQ"), 400, "cursor")


def test_an_opening_with_a_taken_key_or_unknown_loop_is_refused_naming_the_field(hr,
                                                                                  opening):
    assert_problem(hr.post("/api/v1/openings", json=OPENING), 422, "key")
    assert_problem(hr.post("/api/v1/openings", json={**OPENING, "key": "other",
                                                     "loop": "no-such-loop"}), 422, "loop")


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.COMMITTEE])
def test_only_hr_and_admins_create_openings_and_candidates(make_user, as_user, catalog, role):
    caller = as_user(make_user(role))
    assert_problem(caller.post("/api/v1/openings", json=OPENING), 404)
    assert_problem(caller.post("/api/v1/candidates", json={"name": "Ada"}), 404)


def test_interviewers_may_not_list_openings_or_applications(make_user, as_user):
    caller = as_user(make_user(Role.INTERVIEWER))
    assert_problem(caller.get("/api/v1/openings"), 404)
    assert_problem(caller.get("/api/v1/applications"), 404)


def test_hr_adds_and_reads_a_candidate(hr, candidate):
    assert candidate["email"] == "ada@example.org"
    read = hr.get(f"/api/v1/candidates/{candidate['id']}").get_json()
    assert read == {**candidate, "applications": []}


@pytest.mark.parametrize("email", ["ada@example.org", " ADA@Example.ORG "])
def test_a_candidate_whose_email_is_on_file_is_a_conflict_naming_them(hr, candidate, email):
    response = hr.post("/api/v1/candidates", json={"name": "Ada King", "email": email})
    problem = assert_problem(response, 409, "email")
    assert problem["type"] == "urn:scorecards:problem:candidate-exists"
    assert problem["candidate_id"] == candidate["id"]
    assert f"candidate {candidate['id']}, Ada Lovelace" in problem["detail"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 1


def test_an_erased_candidates_email_may_be_added_again(hr, candidate):
    assert hr.delete(f"/api/v1/candidates/{candidate['id']}").status_code == 204
    response = hr.post("/api/v1/candidates", json={"name": "Ada", "email": "ada@example.org"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["id"] != candidate["id"]


def test_the_document_says_adding_a_candidate_may_conflict(client):
    adding = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/candidates"]["post"]
    assert adding["responses"]["409"]["content"]["application/problem+json"]
    assert "candidate_id names that candidate" in adding["description"]


def test_a_candidate_with_a_bad_email_is_refused_naming_the_field(hr):
    assert_problem(hr.post("/api/v1/candidates", json={"name": "Ada", "email": "nope"}), 422,
                   "email")


def test_candidates_are_hrs_to_read(make_user, as_user, candidate):
    caller = as_user(make_user(Role.COMMITTEE))
    assert_problem(caller.get(f"/api/v1/candidates/{candidate['id']}"), 404)


def test_an_unknown_candidate_is_404(hr):
    assert_problem(hr.get("/api/v1/candidates/999999"), 404)
    assert_problem(hr.get("/api/v1/candidates/99999999999999999999"), 404)


def test_hr_applies_a_candidate_with_the_source_and_reads_it_back(hr, application, candidate):
    assert application["status"] == "applied"
    assert (application["source"], application["referrer"]) == ("referral", "Grace Hopper")
    assert application["applied_at"] == "2025-03-01T08:30:00Z"
    assert hr.get(f"/api/v1/applications/{application['id']}").get_json() == application
    applications = hr.get(f"/api/v1/candidates/{candidate['id']}").get_json()["applications"]
    assert applications == [{"id": application["id"], "opening": "backend-payments",
                             "status": "applied"}]


def test_an_application_naming_nothing_that_exists_is_refused_naming_both(hr, catalog):
    response = hr.post("/api/v1/applications", json={
        "candidate_id": 999999, "opening": "nope", "source": "applied"})
    assert_problem(response, 422, "candidate_id", "opening")


@pytest.mark.parametrize(("change", "field"), [
    ({"source": "referral", "referrer": None}, "referrer"),
    ({"source": "applied", "referrer": "Grace"}, "referrer"),
    ({"source": "walk_in"}, "source"),
    ({"applied_at": "2025-03-01T09:30:00"}, "applied_at"),
    ({"applied_at": 1740000000}, "applied_at"),
])
def test_a_bad_application_is_refused_naming_the_field(hr, opening, candidate, change, field):
    body = {"candidate_id": candidate["id"], "opening": opening["key"], "source": "applied",
            **change}
    assert_problem(hr.post("/api/v1/applications", json=body), 422, field)


def test_applying_twice_to_one_opening_is_refused_naming_the_application(hr, application,
                                                                          candidate, opening):
    response = hr.post("/api/v1/applications", json={
        "candidate_id": candidate["id"], "opening": opening["key"], "source": "applied"})
    assert assert_problem(response, 422, "candidate_id")["detail"] == (
        f"Ada Lovelace has applied to opening 'backend-payments' already: application "
        f"{application['id']}, applied.")


def test_the_application_list_filters_and_pages_with_a_cursor(hr, make_application):
    made = [make_application() for _ in range(5)]
    made[1].status = ApplicationStatus.INTERVIEWING
    db.session.commit()
    ids = [a.id for a in made]
    first = hr.get("/api/v1/applications?limit=2").get_json()
    assert [a["id"] for a in first["items"]] == ids[:2]
    second = hr.get(f"/api/v1/applications?limit=2&cursor={first['next_cursor']}").get_json()
    assert [a["id"] for a in second["items"]] == ids[2:4]
    last = hr.get(f"/api/v1/applications?limit=2&cursor={second['next_cursor']}").get_json()
    assert ([a["id"] for a in last["items"]], last["next_cursor"]) == (ids[4:], None)
    by_offset = hr.get("/api/v1/applications?limit=2&offset=3").get_json()
    assert [a["id"] for a in by_offset["items"]] == ids[3:5]
    interviewing = hr.get("/api/v1/applications?status=interviewing&opening=test-opening")
    assert [a["id"] for a in interviewing.get_json()["items"]] == [ids[1]]
    assert hr.get("/api/v1/applications?opening=other").get_json()["items"] == []


@pytest.mark.parametrize(("query", "field"), [
    ("limit=201", "limit"), ("limit=0", "limit"), ("status=hired", "status"),
    ("cursor=bm9wZQ", "cursor"), ("offset=-1", "offset"), ("offset=10001", "offset"),
    ("cursor=YTE&offset=2", "offset"),
])
def test_bad_list_parameters_are_400_naming_the_parameter(hr, query, field):
    problem = assert_problem(hr.get(f"/api/v1/applications?{query}"), 400)
    assert field in {error["field"] for error in problem["errors"]}


def test_the_document_marks_offset_deprecated_and_bounded(client):
    document = client.get("/api/v1/openapi.json").get_json()
    parameters = document["paths"]["/api/v1/applications"]["get"]["parameters"]
    offset = next(p for p in parameters if p["name"] == "offset")
    assert offset["deprecated"] is True
    assert offset["schema"]["maximum"] == 10_000
    cursor = next(p for p in parameters if p["name"] == "cursor")
    assert "deprecated" not in cursor


def test_the_list_leaves_out_applications_the_caller_owes_a_scorecard_on(
        make_user, as_user, make_application, make_interview):
    member = make_user(Role.COMMITTEE, Role.INTERVIEWER)
    owed, seen = make_application(), make_application()
    make_interview(owed, panel=[member])
    caller = as_user(member)
    assert [a["id"] for a in caller.get("/api/v1/applications").get_json()["items"]] == \
        [seen.id]
    assert_problem(caller.get(f"/api/v1/applications/{owed.id}"), 404)


def test_hr_schedules_an_interview_and_gets_each_panelists_scorecard(hr, make_user,
                                                                     application):
    ana = make_user(email="ana@example.com")
    ben = make_user(email="ben@example.com")
    response = hr.post(f"/api/v1/applications/{application['id']}/interviews", json={
        "stage": "design", "scheduled_at": "2025-03-10T14:00:00-05:00",
        "panel": ["ana@example.com", "BEN@example.com"]})
    assert response.status_code == 201, response.get_json()
    interview = response.get_json()
    assert (interview["stage"], interview["scheduled_at"]) == ("design", "2025-03-10T19:00:00Z")
    seats = {seat["interviewer"]: seat["scorecard_id"] for seat in interview["panel"]}
    assert db.session.get(Scorecard, seats["ana@example.com"]).interviewer_id == ana.id
    assert db.session.get(Scorecard, seats["ben@example.com"]).interviewer_id == ben.id
    assert hr.get(f"/api/v1/applications/{application['id']}").get_json()["status"] == \
        "interviewing"


@pytest.mark.parametrize(("change", "field"), [
    ({"scheduled_at": "2025-03-10T14:00:00"}, "scheduled_at"),
    ({"scheduled_at": "next tuesday"}, "scheduled_at"),
    ({"panel": []}, "panel"),
    ({"panel": ["nobody@example.com"]}, "panel"),
    ({"stage": "lunch"}, "stage"),
    ({"room": "4B"}, "room"),
])
def test_a_bad_interview_is_refused_naming_the_field(hr, make_user, application, change,
                                                     field):
    make_user(email="ana@example.com")
    body = {"stage": "coding", "scheduled_at": "2025-03-10T14:00:00Z",
            "panel": ["ana@example.com"], **change}
    response = hr.post(f"/api/v1/applications/{application['id']}/interviews", json=body)
    assert_problem(response, 422, field)


def test_only_hr_schedules_interviews(make_user, as_user, make_application):
    application = make_application()
    caller = as_user(make_user(Role.COMMITTEE))
    response = caller.post(f"/api/v1/applications/{application.id}/interviews", json={
        "stage": "coding", "scheduled_at": "2025-03-10T14:00:00Z", "panel": ["x@example.com"]})
    assert_problem(response, 404)


def test_deleting_a_candidate_erases_their_personal_data(hr, application, candidate):
    assert hr.delete(f"/api/v1/candidates/{candidate['id']}").status_code == 204
    db.session.expire_all()
    erased = db.session.get(Candidate, candidate["id"])
    assert erased.email is None
    assert erased.erased_at is not None
    read = hr.get(f"/api/v1/candidates/{candidate['id']}").get_json()
    assert read["name"] != "Ada Lovelace"
    assert read["erased_at"] is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 1


def test_erasing_an_unknown_candidate_is_404_and_only_hr_erases(hr, make_user, as_user,
                                                                candidate):
    assert_problem(hr.delete("/api/v1/candidates/999999"), 404)
    caller = as_user(make_user(Role.COMMITTEE))
    assert_problem(caller.delete(f"/api/v1/candidates/{candidate['id']}"), 404)
