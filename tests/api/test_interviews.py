"""Interviews through the API: their times, rescheduling, the panel, cancelling, notes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import Role, ScorecardStatus
from scorecards.extensions import db
from scorecards.hr.services import scheduling
from scorecards.models import AuditEvent, Interview
from tests.api.conftest import assert_problem


@pytest.mark.parametrize("when", ["9999-12-31T23:59:00Z", "0001-01-01T00:00:00Z",
                                  "2206-11-24T14:00:00+01:00"])
def test_scheduling_outside_five_years_is_refused_naming_the_time(hr, make_user,
                                                                  make_application, when):
    make_user(email="ana@example.com")
    application = make_application()
    response = hr.post(f"/api/v1/applications/{application.id}/interviews", json={
        "stage": "coding", "scheduled_at": when, "panel": ["ana@example.com"]})
    problem = assert_problem(response, 422, "scheduled_at")
    assert "is more than 5 years" in problem["detail"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Interview)) == 0


SOON = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
LATER = SOON + timedelta(days=2)


def iso(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


@pytest.fixture
def booked(hr_user, make_user, make_application):
    """Return a coding interview of Ada Lovelace: Ana holds a draft, Ben has not started."""
    ana = make_user(Role.INTERVIEWER, name="Ana Souza", email="ana@example.com")
    ben = make_user(Role.INTERVIEWER, name="Ben Carter", email="ben@example.com")
    make_user(Role.INTERVIEWER, name="Chen Wei", email="chen@example.com")
    interview = scheduling.schedule_interview(hr_user, make_application("Ada Lovelace"),
                                              "coding", SOON, [ana, ben])
    interview.scorecards[0].status = ScorecardStatus.DRAFT
    interview.scorecards[0].takeaways = "Half a thought."
    db.session.commit()
    return interview


@pytest.fixture
def hr_user(make_user):
    return make_user(Role.HR, name="Hana Reyes", email="hana@example.com")


@pytest.fixture
def hr(hr_user, as_user):
    return as_user(hr_user)


def seats(answer: dict) -> dict[str, str]:
    return {seat["interviewer"]: seat["status"] for seat in answer["panel"]}


def test_hr_reads_an_interview_with_every_seat(hr, booked):
    answer = hr.get(f"/api/v1/interviews/{booked.id}").get_json()
    assert (answer["stage"], answer["scheduled_at"]) == ("coding", iso(SOON))
    assert seats(answer) == {"ana@example.com": "draft", "ben@example.com": "not_started"}
    assert (answer["cancelled_at"], answer["note"]) == (None, None)


def test_hr_moves_an_interview(hr, booked):
    response = hr.patch(f"/api/v1/interviews/{booked.id}", json={
        "scheduled_at": LATER.astimezone(timezone(timedelta(hours=2))).isoformat()})
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert (answer["scheduled_at"], answer["moved_from"]) == (iso(LATER), iso(SOON))
    assert answer["withdrawn"] == answer["added"] == answer["removed"] == []
    db.session.expire_all()
    assert booked.scheduled_at == LATER


def test_a_new_panel_lists_who_joined_whose_draft_was_withdrawn_and_who_left(hr, booked):
    response = hr.patch(f"/api/v1/interviews/{booked.id}", json={"panel": ["CHEN@example.com"]})
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert (answer["added"], answer["withdrawn"], answer["removed"]) == (
        ["chen@example.com"], ["ana@example.com"], ["ben@example.com"])
    assert seats(answer) == {"ana@example.com": "withdrawn", "chen@example.com": "not_started"}
    back = hr.patch(f"/api/v1/interviews/{booked.id}",
                    json={"panel": ["chen@example.com", "ana@example.com"]}).get_json()
    assert back["restored"] == ["ana@example.com"]
    assert seats(back)["ana@example.com"] == "draft"


@pytest.mark.parametrize(("body", "field"), [
    ({}, "scheduled_at"),
    ({"scheduled_at": "9999-12-31T23:59:00Z"}, "scheduled_at"),
    ({"scheduled_at": "2026-03-10T14:00:00"}, "scheduled_at"),
    ({"panel": []}, "panel"),
    ({"panel": ["nobody@example.com"]}, "panel"),
    ({"room": "4B"}, "room"),
])
def test_a_bad_change_is_refused_naming_the_field_and_changes_nothing(hr, booked, body, field):
    assert_problem(hr.patch(f"/api/v1/interviews/{booked.id}", json=body), 422, field)
    db.session.expire_all()
    assert booked.scheduled_at == SOON
    assert len(booked.scorecards) == 2


@pytest.fixture
def pinned(booked, submit):
    """Return the interview after Ben submitted his scorecard."""
    submit(booked.scorecards[1], {"understanding": 3, "approach": 3, "code": 3})
    return booked


@pytest.mark.parametrize(("method", "path", "body", "field", "message"), [
    ("PATCH", "", {"scheduled_at": iso(LATER)}, "scheduled_at",
     "The interview cannot be moved: Ben Carter submitted a scorecard for it"),
    ("PATCH", "", {"panel": ["ana@example.com"]}, "panel",
     "Ben Carter cannot leave the panel: their scorecard is submitted and counts."),
    ("POST", "/cancel", None, None,
     "The interview cannot be cancelled: Ben Carter submitted a scorecard for it"),
])
def test_a_pinned_interview_is_a_conflict_and_nothing_changes(hr, pinned, method, path, body,
                                                              field, message):
    response = hr.open(method, f"/api/v1/interviews/{pinned.id}{path}", json=body)
    problem = assert_problem(response, 409, *([field] if field else []))
    assert problem["type"] == "urn:scorecards:problem:interview-pinned"
    assert message in problem["detail"]
    assert "Add a note" in problem["detail"]
    db.session.expire_all()
    assert (pinned.scheduled_at, pinned.cancelled_at) == (SOON, None)
    assert [s.status for s in pinned.scorecards] == ["draft", "submitted"]
    assert db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.action.in_(["interview.changed", "interview.cancelled"]))).all() == []


def test_a_pinned_interview_takes_a_note_and_an_empty_one_removes_it(hr, pinned, hr_user):
    response = hr.put(f"/api/v1/interviews/{pinned.id}/note",
                      json={"note": "Ana Souza left the company."})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["note"] == "Ana Souza left the company."
    assert hr.put(f"/api/v1/interviews/{pinned.id}/note",
                  json={"note": ""}).get_json()["note"] is None
    assert_problem(hr.put(f"/api/v1/interviews/{pinned.id}/note", json={"note": "x" * 501}),
                   422, "note")


def test_cancelling_withdraws_the_drafts_names_them_and_reworks_the_status(hr, booked):
    response = hr.post(f"/api/v1/interviews/{booked.id}/cancel")
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert answer["cancelled_at"] is not None
    assert answer["withdrawn"] == ["ana@example.com"]
    assert answer["application_status"] == "applied"
    assert set(seats(answer).values()) == {"withdrawn"}
    again = hr.post(f"/api/v1/interviews/{booked.id}/cancel")
    assert (again.status_code, again.get_json()["withdrawn"]) == (200, [])
    problem = assert_problem(hr.patch(f"/api/v1/interviews/{booked.id}",
                                      json={"scheduled_at": iso(LATER)}), 409)
    assert problem["type"] == "urn:scorecards:problem:interview-closed"


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.COMMITTEE])
def test_only_hr_and_admins_touch_interviews(booked, make_user, as_user, role):
    caller = as_user(make_user(role))
    assert_problem(caller.get(f"/api/v1/interviews/{booked.id}"), 404)
    assert_problem(caller.patch(f"/api/v1/interviews/{booked.id}",
                                json={"scheduled_at": iso(LATER)}), 404)
    assert_problem(caller.post(f"/api/v1/interviews/{booked.id}/cancel"), 404)
    assert_problem(caller.put(f"/api/v1/interviews/{booked.id}/note", json={"note": "x"}), 404)
    db.session.expire_all()
    assert (booked.scheduled_at, booked.cancelled_at, booked.note) == (SOON, None, None)


def test_an_interview_stored_at_the_end_of_the_calendar_reads_and_moves_back(hr, booked):
    db.session.execute(sa.update(Interview).where(Interview.id == booked.id)
                       .values(scheduled_at=datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)))
    db.session.commit()
    assert hr.get(f"/api/v1/interviews/{booked.id}").get_json()["scheduled_at"] == \
        "9999-12-31T23:59:59Z"
    moved = hr.patch(f"/api/v1/interviews/{booked.id}", json={"scheduled_at": iso(SOON)})
    assert moved.get_json()["moved_from"] == "9999-12-31T23:59:59Z"


def test_the_document_declares_the_interview_routes_and_their_conflicts(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/interviews/{interview_id}"]) == {"get", "patch"}
    assert "409" in paths["/api/v1/interviews/{interview_id}"]["patch"]["responses"]
    assert "409" in paths["/api/v1/interviews/{interview_id}/cancel"]["post"]["responses"]
    assert "requestBody" in paths["/api/v1/interviews/{interview_id}/note"]["put"]
