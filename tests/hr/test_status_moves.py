"""Moves the pipeline does not allow are refused at every door, and change nothing."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scorecards.api.services import issue_token
from scorecards.core.vocabulary import ApplicationStatus, Role
from scorecards.extensions import db
from scorecards.models import Decision, Interview

SOON = (datetime.now(UTC) + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")


def _closed(application, status: ApplicationStatus, reason: str | None = "Took a job."):
    application.status = status
    application.closed_reason = reason
    application.closed_at = datetime.now(UTC) if reason else None
    db.session.commit()
    return application


@pytest.mark.parametrize("status", [ApplicationStatus.REJECTED, ApplicationStatus.DECIDED])
def test_closing_an_application_that_is_rejected_or_decided_is_refused_on_the_page(
        hr, make_application, status):
    application = _closed(make_application("Ada Lovelace"), status,
                          None if status is ApplicationStatus.DECIDED else "Not a fit.")
    response = hr.post(f"/hr/applications/{application.id}/close", data={
        "close-status": "withdrawn", "close-reason": "Moved away."})
    assert response.status_code == 400
    assert f"Ada Lovelace is {status.value} already; it cannot be withdrawn." in response.text
    db.session.expire_all()
    assert application.status == status
    assert application.closed_reason != "Moved away."


@pytest.mark.parametrize("status", [ApplicationStatus.WITHDRAWN, ApplicationStatus.DECIDED])
def test_scheduling_for_a_withdrawn_or_decided_application_is_refused_on_the_page(
        hr, make_application, interviewers, status):
    application = _closed(make_application("Ada Lovelace"), status)
    response = hr.post(f"/hr/applications/{application.id}/interviews", data={
        "schedule-stage": "coding", "schedule-scheduled_at": SOON,
        "schedule-panel_emails": interviewers[0].email})
    assert response.status_code == 400
    assert f"Ada Lovelace is {status.value}; no more interviews are scheduled." in response.text
    db.session.expire_all()
    assert application.status == status
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Interview)) == 0


@pytest.mark.parametrize("status", [ApplicationStatus.WITHDRAWN, ApplicationStatus.REJECTED])
def test_deciding_a_closed_application_is_refused_by_the_api(client, ready, make_user, status):
    _closed(ready, status)
    token = issue_token(make_user(Role.COMMITTEE), "test")
    response = client.post(f"/api/v1/applications/{ready.id}/decision",
                           headers={"Authorization": f"Bearer {token}"},
                           json={"final_outcome": "hire",
                                 "rationale": "Strong on every stage, and the panel agreed."})
    assert response.status_code == 422
    assert f"The application is {status.value}; it cannot be decided." in response.text
    db.session.expire_all()
    assert ready.status == status
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 0


def test_cancelling_refuses_to_move_an_application_where_the_pipeline_does_not_go(
        hr, hr_user, make_application, interviewers):
    from scorecards.hr.services import scheduling

    application = make_application("Ada Lovelace")
    interview = scheduling.schedule_interview(hr_user, application, "coding", datetime.now(UTC),
                                              interviewers[:1])
    application.status = ApplicationStatus.COMMITTEE  # left so by hand, with nothing submitted
    db.session.commit()
    response = hr.post(f"/hr/interviews/{interview.id}/cancel", data={"cancel-confirm": "y"})
    assert response.status_code == 400
    assert ("The interview was not cancelled: An application that is committee cannot become "
            "applied") in response.text
    db.session.expire_all()
    assert (interview.cancelled_at, application.status) == (None, ApplicationStatus.COMMITTEE)
    assert {s.status for s in interview.scorecards} == {"not_started"}
