"""Interview times: set within five years of now, and shown whatever is stored."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.hr.services import scheduling
from scorecards.hr.services.fields import PipelineError
from scorecards.models import Interview, Scorecard

END_OF_CALENDAR = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
START_OF_CALENDAR = datetime(1, 1, 1, tzinfo=UTC)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize("typed", ["9999-12-31T23:59", "0001-01-01T00:00", "2206-11-24T14:00"])
def test_a_time_outside_five_years_is_refused_beside_the_field(hr, make_application,
                                                               interviewers, typed):
    application = make_application()
    response = hr.post(f"/hr/applications/{application.id}/interviews", data={
        "schedule-stage": "coding", "schedule-scheduled_at": typed,
        "schedule-panel_emails": interviewers[0].email})
    assert response.status_code == 400
    assert 'id="schedule-scheduled_at-error"' in response.text
    assert "is more than 5 years" in response.text
    assert "give a time between" in response.text
    assert (_count(Interview), _count(Scorecard)) == (0, 0)


def test_the_date_picker_offers_only_the_five_years_either_way(hr, make_application):
    html = hr.get(f"/hr/applications/{make_application().id}").text
    now = datetime.now(UTC)
    assert f'min="{now.year - 5}-' in html
    assert f'max="{now.year + 5}-' in html


@pytest.mark.parametrize("offset", [timedelta(days=5 * 366), -timedelta(days=5 * 366)])
def test_the_service_refuses_a_time_past_the_window_naming_the_field(hr_user, make_application,
                                                                     interviewers, offset):
    with pytest.raises(PipelineError, match="is more than 5 years") as refused:
        scheduling.schedule_interview(hr_user, make_application(), "coding",
                                      datetime.now(UTC) + offset, interviewers[:1])
    assert refused.value.field == "scheduled_at"
    assert _count(Interview) == 0


def test_a_time_just_inside_the_window_is_accepted(hr_user, make_application, interviewers):
    when = datetime.now(UTC) + timedelta(days=5 * 365 - 2)
    interview = scheduling.schedule_interview(hr_user, make_application(), "coding", when,
                                              interviewers[:1])
    assert interview.scheduled_at == when


@pytest.mark.parametrize("stored", [END_OF_CALENDAR, START_OF_CALENDAR], ids=["9999", "0001"])
def test_an_interview_stored_at_either_end_of_the_calendar_breaks_no_page(
        make_user, make_application, make_interview, sign_in, stored):
    ana = make_user(Role.INTERVIEWER, name="Ana Souza")
    application = make_application("Ada Lovelace")
    interview = make_interview(application, panel=[ana])
    # Written past the services, as an older version or a hand-made fix could have.
    db.session.execute(sa.update(Interview).where(Interview.id == interview.id)
                       .values(scheduled_at=stored))
    db.session.commit()
    hr = make_user(Role.HR)
    pages = {ana: ["/interviews", f"/interviews/{interview.id}",
                   f"/scorecards/{interview.scorecards[0].id}"],
             hr: [f"/hr/applications/{application.id}", "/hr/overdue",
                  "/hr/openings/test-opening", "/hr/openings/test-opening/report",
                  f"/committee/applications/{application.id}"]}
    for user, paths in pages.items():
        client = sign_in(user)
        for path in paths:
            assert client.get(path).status_code == 200, path
    assert "Ada Lovelace" in sign_in(ana).get("/interviews").text
    overdue = sign_in(hr).get("/hr/overdue").text
    assert ("Ada Lovelace" in overdue) == (stored == START_OF_CALENDAR)
