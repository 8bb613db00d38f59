"""HR moves an interview, changes its panel, cancels or annotates it, on the pages."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import ApplicationStatus, Role, ScorecardStatus
from scorecards.extensions import db
from scorecards.hr.services import scheduling
from scorecards.models import AuditEvent, Interview, Scorecard

SOON = (datetime.now(UTC) + timedelta(days=3)).replace(hour=10, minute=0, second=0,
                                                        microsecond=0)
LATER = SOON + timedelta(days=7, hours=4)
DRAFT_TEXT = "Half a thought about the cache."


def typed(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def booked(hr_user, make_application, interviewers):
    """Return a design interview of Ada Lovelace: Ana holds a draft, Ben has not started."""
    ana, ben, _ = interviewers
    application = make_application("Ada Lovelace")
    interview = scheduling.schedule_interview(hr_user, application, "design", SOON, [ana, ben])
    draft = interview.scorecards[0]
    draft.status, draft.takeaways = ScorecardStatus.DRAFT, DRAFT_TEXT
    db.session.commit()
    return interview


def seat(interview: Interview, user) -> Scorecard | None:
    return db.session.scalar(sa.select(Scorecard).where(Scorecard.interview_id == interview.id,
                                                        Scorecard.interviewer_id == user.id))


def change(hr, interview, when=SOON, panel=(), emails=""):
    return hr.post(f"/hr/interviews/{interview.id}", data={
        "change-scheduled_at": typed(when), "change-panel": [u.email for u in panel],
        "change-panel_emails": emails})


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_the_application_page_links_each_interview_to_its_changes(hr, booked):
    html = hr.get(f"/hr/applications/{booked.application_id}").text
    assert f'href="/hr/interviews/{booked.id}"' in html
    page = hr.get(f"/hr/interviews/{booked.id}").text
    assert f'value="{typed(SOON)}"' in page
    for email in ("ana@example.com", "ben@example.com"):  # the panel as it is, chosen
        assert re.search(f'<input type="checkbox" name="change-panel" value="{email}" '
                         'id="[^"]+" checked>', page)
    assert "chen@example.com" not in page  # others are searched for, not listed


def test_hr_moves_an_interview_and_its_panel_sees_the_new_time(hr, booked, interviewers,
                                                              sign_in):
    ana, ben, _ = interviewers
    response = change(hr, booked, LATER, [ana, ben])
    assert response.headers["Location"] == f"/hr/applications/{booked.application_id}"
    assert "Interview moved to" in hr.get(response.headers["Location"]).text
    db.session.expire_all()
    assert booked.scheduled_at == LATER
    (event,) = events("interview.changed")
    assert event.details["moved_from"] == SOON.isoformat()
    assert f'datetime="{LATER.isoformat()}"' in sign_in(ana).get("/interviews").text


def test_a_new_panelist_gets_a_scorecard(hr, booked, interviewers):
    ana, ben, chen = interviewers
    response = change(hr, booked, panel=[ana, ben], emails="CHEN@example.com")
    assert "Added to the panel: Chen Wei." in hr.get(response.headers["Location"]).text
    assert seat(booked, chen).status == ScorecardStatus.NOT_STARTED


def test_a_panelist_taken_off_keeps_their_draft_as_withdrawn_and_hr_is_told_whose(
        hr, booked, interviewers):
    ana, ben, _ = interviewers
    response = change(hr, booked, panel=[ben])
    flashed = hr.get(response.headers["Location"]).text
    assert "Draft withdrawn, kept for its author to read: Ana Souza." in flashed
    db.session.expire_all()
    kept = seat(booked, ana)
    assert (kept.status, kept.takeaways) == (ScorecardStatus.WITHDRAWN, DRAFT_TEXT)
    (event,) = events("interview.changed")
    assert event.details == {"application_id": booked.application_id, "withdrawn": [ana.id]}


def test_a_panelist_taken_off_before_starting_loses_the_scorecard(hr, booked, interviewers):
    ana, ben, _ = interviewers
    response = change(hr, booked, panel=[ana])
    assert "Taken off the panel, with no scorecard started: Ben Carter." in hr.get(
        response.headers["Location"]).text
    assert seat(booked, ben) is None


def test_a_panelist_put_back_gets_their_withdrawn_draft_back(hr, booked, interviewers):
    ana, ben, _ = interviewers
    change(hr, booked, panel=[ben])
    response = change(hr, booked, panel=[ana, ben])
    assert "Back on the panel, with their withdrawn draft: Ana Souza." in hr.get(
        response.headers["Location"]).text
    db.session.expire_all()
    assert (seat(booked, ana).status, seat(booked, ana).takeaways) == ("draft", DRAFT_TEXT)


def test_a_panelist_deactivated_since_stays_while_the_panel_changes(hr, booked, interviewers,
                                                                    make_user):
    ana, ben, chen = interviewers
    ben.active = False
    db.session.commit()
    assert change(hr, booked, panel=[ana, ben, chen]).status_code == 302
    assert seat(booked, ben) is not None
    assert seat(booked, chen) is not None
    make_user(Role.INTERVIEWER, email="dara@example.com", active=False)
    response = change(hr, booked, panel=[ana, ben], emails="dara@example.com")
    assert response.status_code == 400
    assert "Panel: dara@example.com is deactivated." in response.text


def test_the_time_shown_sent_back_unchanged_is_no_move(hr, booked, interviewers):
    db.session.execute(sa.update(Interview).where(Interview.id == booked.id)
                       .values(scheduled_at=SOON + timedelta(seconds=42)))
    db.session.commit()
    response = change(hr, booked, SOON, interviewers[:2])
    assert "Nothing changed" in hr.get(response.headers["Location"]).text
    assert events("interview.changed") == []


@pytest.mark.parametrize(("when", "message"), [
    (datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "is more than 5 years ahead"),
])
def test_a_move_outside_five_years_is_refused_beside_the_time(hr, booked, interviewers, when,
                                                              message):
    response = change(hr, booked, when, interviewers[:2])
    assert response.status_code == 400
    assert 'id="change-scheduled_at-error"' in response.text
    assert message in response.text
    db.session.expire_all()
    assert booked.scheduled_at == SOON


def test_an_empty_panel_is_refused_beside_the_panel(hr, booked):
    response = change(hr, booked, panel=[])
    assert response.status_code == 400
    assert 'id="change-panel-error"' in response.text
    assert "Name at least one interviewer for the panel." in response.text


# A submitted scorecard pins its interview.


@pytest.fixture
def pinned(booked, interviewers, submit):
    """Return the interview after Ben submitted his scorecard."""
    submit(seat(booked, interviewers[1]), {"understanding": 3, "approach": 3, "code": 3})
    return booked


def _unchanged(interview, interviewers) -> None:
    db.session.expire_all()
    assert interview.scheduled_at == SOON
    assert interview.cancelled_at is None
    assert {(s.interviewer_id, s.status) for s in interview.scorecards} == {
        (interviewers[0].id, "draft"), (interviewers[1].id, "submitted")}
    assert events("interview.changed") == events("interview.cancelled") == []


def test_a_pinned_interview_is_not_moved_and_the_form_says_why(hr, pinned, interviewers):
    response = change(hr, pinned, LATER, interviewers[:2])
    assert response.status_code == 400
    assert 'id="change-scheduled_at-error"' in response.text
    assert ("The interview cannot be moved: Ben Carter submitted a scorecard for it, so it "
            "stays on record as held. Add a note to it instead.") in response.text
    _unchanged(pinned, interviewers)


def test_a_panelist_who_submitted_does_not_leave_the_panel(hr, pinned, interviewers):
    response = change(hr, pinned, panel=[interviewers[0]])
    assert response.status_code == 400
    assert 'id="change-panel-error"' in response.text
    assert ("Ben Carter cannot leave the panel: their scorecard is submitted and counts."
            in response.text)
    _unchanged(pinned, interviewers)


def test_a_pinned_interview_is_not_cancelled_and_the_page_says_why(hr, pinned, interviewers):
    assert "it is not cancelled: it stays on record as held" in hr.get(
        f"/hr/interviews/{pinned.id}").text
    response = hr.post(f"/hr/interviews/{pinned.id}/cancel", data={"cancel-confirm": "y"})
    assert response.status_code == 400
    assert "The interview cannot be cancelled: Ben Carter submitted a scorecard" in response.text
    _unchanged(pinned, interviewers)


def test_others_still_leave_a_pinned_panel(hr, pinned, interviewers):
    assert change(hr, pinned, panel=[interviewers[1]]).status_code == 302
    assert seat(pinned, interviewers[0]).status == ScorecardStatus.WITHDRAWN


def test_a_pinned_interview_takes_a_note_shown_on_the_application_page(hr, pinned, hr_user):
    response = hr.post(f"/hr/interviews/{pinned.id}/note",
                       data={"note-note": "  Ana Souza left the company.  "})
    assert response.headers["Location"] == f"/hr/applications/{pinned.application_id}"
    html = hr.get(response.headers["Location"]).text
    assert "Note saved." in html
    assert "Ana Souza left the company." in html
    db.session.expire_all()
    assert (pinned.note, pinned.noted_by_id) == ("Ana Souza left the company.", hr_user.id)
    (event,) = events("interview.annotated")
    assert event.details == {"application_id": pinned.application_id, "cleared": False}


def test_an_empty_note_removes_it_and_a_long_one_is_refused_beside_it(hr, booked):
    hr.post(f"/hr/interviews/{booked.id}/note", data={"note-note": "Moved by the candidate."})
    response = hr.post(f"/hr/interviews/{booked.id}/note", data={"note-note": "x" * 501})
    assert response.status_code == 400
    assert 'id="note-note-error"' in response.text
    assert "Keep the note within 500 characters." in response.text
    response = hr.post(f"/hr/interviews/{booked.id}/note", data={"note-note": "  "})
    assert "Note removed." in hr.get(response.headers["Location"]).text
    db.session.expire_all()
    assert (booked.note, booked.noted_at, booked.noted_by_id) == (None, None, None)


# Cancelling.


def test_cancelling_needs_confirming(hr, booked):
    response = hr.post(f"/hr/interviews/{booked.id}/cancel", data={})
    assert response.status_code == 400
    assert "Tick the box to confirm that the interview is cancelled." in response.text
    db.session.expire_all()
    assert booked.cancelled_at is None


def test_a_cancelled_interview_stays_on_record_its_drafts_withdrawn_and_named(
        hr, booked, interviewers, hr_user):
    ana, ben, _ = interviewers
    response = hr.post(f"/hr/interviews/{booked.id}/cancel", data={"cancel-confirm": "y"})
    html = hr.get(response.headers["Location"]).text
    assert ("Interview cancelled. Draft withdrawn, kept for its author to read: Ana Souza. "
            "The application is applied again.") in html
    assert "badge-cancelled" in html
    db.session.expire_all()
    assert booked.cancelled_by_id == hr_user.id
    assert {(s.interviewer_id, s.status) for s in booked.scorecards} == {
        (ana.id, "withdrawn"), (ben.id, "withdrawn")}
    assert seat(booked, ana).takeaways == DRAFT_TEXT
    assert booked.application.status == ApplicationStatus.APPLIED
    (event,) = events("interview.cancelled")
    assert event.details == {"application_id": booked.application_id, "withdrawn": [ana.id],
                             "status": ["interviewing", "applied"]}


def test_a_cancelled_stage_may_be_scheduled_again(hr, booked, interviewers):
    hr.post(f"/hr/interviews/{booked.id}/cancel", data={"cancel-confirm": "y"})
    response = hr.post(f"/hr/applications/{booked.application_id}/interviews", data={
        "schedule-stage": "design", "schedule-scheduled_at": typed(LATER),
        "schedule-panel_emails": interviewers[2].email})
    assert response.status_code == 302
    db.session.expire_all()
    assert booked.application.status == ApplicationStatus.INTERVIEWING
    assert len(booked.application.interviews) == 2


def test_a_cancelled_interview_no_longer_changes_but_takes_a_note(hr, booked, interviewers):
    hr.post(f"/hr/interviews/{booked.id}/cancel", data={"cancel-confirm": "y"})
    page = hr.get(f"/hr/interviews/{booked.id}").text
    assert "Save the changes" not in page
    assert "Cancel the interview" not in page
    response = change(hr, booked, LATER, interviewers[:2])
    assert response.status_code == 400
    assert "The interview was cancelled on" in response.text
    assert "schedule a new one instead" in response.text
    note = hr.post(f"/hr/interviews/{booked.id}/note", data={"note-note": "Candidate ill."})
    assert note.status_code == 302


def test_cancelling_again_changes_nothing(hr, booked):
    for _ in range(2):
        response = hr.post(f"/hr/interviews/{booked.id}/cancel", data={"cancel-confirm": "y"})
        assert response.status_code == 302
    assert len(events("interview.cancelled")) == 1


def test_only_one_interview_of_several_cancelled_keeps_the_application_interviewing(
        hr, hr_user, booked, interviewers):
    scheduling.schedule_interview(hr_user, booked.application, "coding", LATER,
                                  interviewers[2:])
    hr.post(f"/hr/interviews/{booked.id}/cancel", data={"cancel-confirm": "y"})
    db.session.expire_all()
    assert booked.application.status == ApplicationStatus.INTERVIEWING


def test_a_closed_applications_interview_is_cancelled_but_not_moved(hr, booked, hr_user,
                                                                    interviewers):
    from scorecards.hr.services.candidates import close_application

    close_application(hr_user, booked.application, ApplicationStatus.WITHDRAWN, "Took a job.")
    response = change(hr, booked, LATER, interviewers[:2])
    assert response.status_code == 400
    assert "Ada Lovelace is withdrawn; its interviews no longer change." in response.text
    assert hr.post(f"/hr/interviews/{booked.id}/cancel",
                   data={"cancel-confirm": "y"}).status_code == 302
    db.session.expire_all()
    assert booked.application.status == ApplicationStatus.WITHDRAWN


def test_a_panelist_saving_at_the_same_moment_makes_a_change_store_nothing(booked, hr_user,
                                                                            interviewers):
    db.session.expire_all()
    interview = scheduling.load_interview(booked.id)
    with db.engine.begin() as other:  # the panelist's save, from another connection
        other.execute(sa.update(Scorecard).where(Scorecard.interview_id == booked.id)
                      .values(version=Scorecard.version + 1))
    with pytest.raises(scheduling.PipelineError, match="at the same moment; nothing was "
                                                       "changed"):
        scheduling.cancel_interview(hr_user, interview)
    db.session.expire_all()
    assert booked.cancelled_at is None
    assert {s.status for s in booked.scorecards} == {"draft", "not_started"}


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.COMMITTEE])
def test_only_hr_and_admins_change_interviews(booked, make_user, sign_in, role):
    client = sign_in(make_user(role))
    assert client.get(f"/hr/interviews/{booked.id}").status_code == 404
    for path in ("", "/cancel", "/note"):
        assert client.post(f"/hr/interviews/{booked.id}{path}",
                           data={"cancel-confirm": "y", "note-note": "x"}).status_code == 404
    db.session.expire_all()
    assert (booked.cancelled_at, booked.note) == (None, None)
