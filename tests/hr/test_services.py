"""HR's use cases: every rule they enforce, and the message each refusal gives."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from scorecards.catalog.services import latest_rubric_version
from scorecards.core.errors import NotVisible
from scorecards.core.vocabulary import ApplicationStatus, Role, ScorecardStatus, Source
from scorecards.extensions import db
from scorecards.hr.services import candidates, openings, reminders, scheduling
from scorecards.hr.services.fields import PipelineError
from scorecards.models import AuditEvent, Candidate, Interview, Opening


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


# Openings


def test_an_opening_uses_the_newest_version_of_its_loop_and_is_audited(hr_user, catalog):
    opening = openings.create_opening(hr_user, " backend-payments ", " Backend, Payments ",
                                      "test-loop", team="Payments")
    assert (opening.key, opening.title, opening.team) == ("backend-payments", "Backend, Payments",
                                                          "Payments")
    assert opening.loop_version_id == catalog.id
    assert actions() == ["catalog.sync", "opening.created"]


def test_an_opening_with_an_unknown_loop_is_refused_naming_the_stored_loops(hr_user, catalog):
    with pytest.raises(PipelineError, match=r"Unknown loop 'frontend': the stored loops are "
                                            r"test-loop\.") as refused:
        openings.create_opening(hr_user, "frontend", "Frontend", "frontend")
    assert refused.value.field == "loop"


def test_an_opening_key_is_unique(hr_user, catalog):
    openings.create_opening(hr_user, "backend", "Backend", "test-loop")
    with pytest.raises(PipelineError, match="An opening with the key 'backend' exists already."):
        openings.create_opening(hr_user, "backend", "Backend again", "test-loop")


@pytest.mark.parametrize("key", ["", "Backend", "back end", "back--end", "-backend", "x" * 65])
def test_an_opening_key_is_a_short_lower_case_slug(hr_user, catalog, key):
    with pytest.raises(PipelineError, match="use lower-case letters, digits and single hyphens"):
        openings.create_opening(hr_user, key, "Backend", "test-loop")


def test_an_opening_needs_a_title(hr_user, catalog):
    with pytest.raises(PipelineError, match="The title is missing."):
        openings.create_opening(hr_user, "backend", "  ", "test-loop")


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.COMMITTEE])
def test_only_hr_and_admins_run_the_pipeline(make_user, catalog, opening, role):
    outsider = make_user(role)
    with pytest.raises(NotVisible):
        openings.create_opening(outsider, "backend", "Backend", "test-loop")
    with pytest.raises(NotVisible):
        candidates.add_candidate(outsider, "Ada Lovelace")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Opening)) == 1


def test_an_admin_runs_the_pipeline_too(make_user, catalog):
    assert openings.create_opening(make_user(Role.ADMIN), "backend", "Backend", "test-loop").id


# Candidates and applications


def test_a_candidate_is_stored_without_personal_data_in_the_audit_trail(hr_user):
    candidate = candidates.add_candidate(hr_user, " Ada Lovelace ", email="Ada@Example.org ",
                                       phone="+44 20 7946 0000", location="London")
    assert (candidate.name, candidate.email) == ("Ada Lovelace", "ada@example.org")
    event = db.session.scalar(sa.select(AuditEvent))
    assert (event.action, event.object_id, event.details) == ("candidate.added", candidate.id, {})


@pytest.mark.parametrize(("fields", "message"), [
    ({"name": " "}, "The name is missing."),
    ({"name": "Ada", "email": "ada at example"}, "'ada at example' is not an email address."),
    ({"name": "Ada", "phone": "1" * 41}, "The phone has 41 characters; keep it within 40."),
])
def test_a_candidate_with_bad_details_is_refused(hr_user, fields, message):
    with pytest.raises(PipelineError, match=message):
        candidates.add_candidate(hr_user, **fields)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 0


def test_an_application_records_its_source_and_referrer(hr_user, opening):
    candidate = candidates.add_candidate(hr_user, "Ada Lovelace")
    application = candidates.apply(hr_user, candidate, opening, "referral", referrer="Grace Hopper")
    assert (application.source, application.referrer) == (Source.REFERRAL, "Grace Hopper")
    assert application.status == ApplicationStatus.APPLIED
    assert application.applied_at.tzinfo is not None
    assert actions()[-1] == "application.created"


@pytest.mark.parametrize(("source", "referrer", "message"), [
    (Source.REFERRAL, None, "A referral needs the name of the referrer."),
    (Source.REFERRAL, "  ", "A referral needs the name of the referrer."),
    (Source.APPLIED, "Grace", "A referrer is named only for a referral, not for source 'applied'."),
    ("job-board", None, "Unknown source 'job-board': choose one of referral, applied, sourced."),
])
def test_a_referral_names_its_referrer_and_nothing_else_does(hr_user, opening, source, referrer,
                                                              message):
    candidate = candidates.add_candidate(hr_user, "Ada Lovelace")
    with pytest.raises(PipelineError, match=message):
        candidates.apply(hr_user, candidate, opening, source, referrer=referrer)


def test_a_candidate_applies_to_an_opening_once(hr_user, opening):
    candidate = candidates.add_candidate(hr_user, "Ada Lovelace")
    candidates.apply(hr_user, candidate, opening, Source.APPLIED)
    with pytest.raises(PipelineError,
                       match="Ada Lovelace has applied to opening 'test-opening' already."):
        candidates.apply(hr_user, candidate, opening, Source.SOURCED)


def test_an_application_time_needs_a_time_zone(hr_user, opening):
    candidate = candidates.add_candidate(hr_user, "Ada Lovelace")
    with pytest.raises(PipelineError, match="no time zone"):
        candidates.apply(hr_user, candidate, opening, Source.APPLIED,
                       applied_at=datetime(2026, 1, 5, 9, 0))


def test_a_closed_opening_takes_no_applications(hr_user, opening):
    opening.status = "closed"
    db.session.commit()
    candidate = candidates.add_candidate(hr_user, "Ada Lovelace")
    with pytest.raises(PipelineError, match="Opening 'test-opening' is closed"):
        candidates.apply(hr_user, candidate, opening, Source.APPLIED)


def test_a_refused_application_leaves_no_candidate_behind(hr_user, opening):
    with pytest.raises(PipelineError, match="A referral needs the name of the referrer."):
        candidates.add_application(hr_user, opening, "Ada Lovelace", Source.REFERRAL)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 0


# Interviewers and scheduling


def test_interviewers_are_found_by_email_in_the_order_given(interviewers):
    ana, ben, _ = interviewers
    assert scheduling.find_interviewers([" BEN@example.com", "", "ana@example.com"]) == [ben, ana]


def test_every_email_that_is_not_an_active_interviewer_is_named(make_user, interviewers):
    make_user(Role.INTERVIEWER, email="gone@example.com", active=False)
    make_user(Role.HR, email="hr@example.com")
    with pytest.raises(PipelineError) as refused:
        scheduling.find_interviewers(["ana@example.com", "nobody@example.com", "gone@example.com",
                                    "hr@example.com"])
    assert str(refused.value) == ("Panel: nobody@example.com is not a user; gone@example.com is "
                                  "deactivated; hr@example.com is not an interviewer.")
    assert refused.value.field == "panel"


def test_a_panel_needs_someone(interviewers):
    with pytest.raises(PipelineError, match="Name at least one interviewer"):
        scheduling.find_interviewers(["", " "])


def test_scheduling_makes_one_scorecard_per_panelist_with_the_newest_rubric(
        hr_user, make_application, interviewers):
    application = make_application("Ada Lovelace")
    when = datetime(2030, 3, 4, 11, 30, tzinfo=timezone(timedelta(hours=2)))
    interview = scheduling.schedule_interview(hr_user, application, "design", when, interviewers)
    db.session.expire_all()
    assert interview.rubric_version_id == latest_rubric_version("test-design").id
    assert interview.scheduled_at == datetime(2030, 3, 4, 9, 30, tzinfo=UTC)
    assert [s.interviewer_id for s in interview.scorecards] == [u.id for u in interviewers]
    assert {s.status for s in interview.scorecards} == {ScorecardStatus.NOT_STARTED}
    assert application.status == ApplicationStatus.INTERVIEWING
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "interview.scheduled"))
    assert event.details["stage"] == "design"


def test_an_interview_may_be_recorded_after_it_took_place(hr_user, make_application,
                                                          interviewers):
    when = datetime.now(UTC) - timedelta(days=3)
    interview = scheduling.schedule_interview(hr_user, make_application(), "coding", when,
                                            interviewers[:1])
    assert interview.scheduled_at == when


@pytest.mark.parametrize(("stage", "when", "message"), [
    ("onsite", datetime(2030, 1, 1, tzinfo=UTC),
     "Unknown stage 'onsite' in loop 'test-loop': its stages are coding, design."),
    ("coding", datetime(2030, 1, 1),
     "The interview time has no time zone; give it in UTC."),
])
def test_a_bad_stage_or_a_naive_time_is_refused(hr_user, make_application, interviewers, stage,
                                                 when, message):
    application = make_application()
    with pytest.raises(PipelineError, match=message):
        scheduling.schedule_interview(hr_user, application, stage, when, interviewers)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Interview)) == 0
    assert application.status == ApplicationStatus.APPLIED


def test_nobody_sits_twice_on_a_panel(hr_user, make_application, interviewers):
    ana = interviewers[0]
    with pytest.raises(PipelineError, match="Panel: ana@example.com is named twice."):
        scheduling.schedule_interview(hr_user, make_application(), "coding",
                                    datetime(2030, 1, 1, tzinfo=UTC), [ana, ana])


def test_only_active_interviewers_sit_on_a_panel(hr_user, make_application, make_user):
    outsider = make_user(Role.COMMITTEE, email="johan@example.com")
    with pytest.raises(PipelineError, match="Panel: johan@example.com is not an active "
                                            "interviewer."):
        scheduling.schedule_interview(hr_user, make_application(), "coding",
                                    datetime(2030, 1, 1, tzinfo=UTC), [outsider])


def test_a_closed_application_gets_no_more_interviews(hr_user, make_application, interviewers):
    application = make_application("Ada Lovelace")
    candidates.close_application(hr_user, application, ApplicationStatus.WITHDRAWN, "Took a job.")
    with pytest.raises(PipelineError, match="Ada Lovelace is withdrawn; no more interviews"):
        scheduling.schedule_interview(hr_user, application, "coding",
                                    datetime(2030, 1, 1, tzinfo=UTC), interviewers)


def test_only_hr_and_admins_schedule(make_user, make_application, interviewers):
    with pytest.raises(NotVisible):
        scheduling.schedule_interview(make_user(Role.COMMITTEE), make_application(), "coding",
                                    datetime(2030, 1, 1, tzinfo=UTC), interviewers)


# Closing


@pytest.mark.parametrize("status", [ApplicationStatus.WITHDRAWN, ApplicationStatus.REJECTED])
def test_closing_keeps_the_reason_and_the_time(hr_user, make_application, status):
    application = make_application()
    candidates.close_application(hr_user, application, status, "  Accepted another offer.  ")
    db.session.expire_all()
    assert application.status == status
    assert application.closed_reason == "Accepted another offer."
    assert datetime.now(UTC) - application.closed_at < timedelta(minutes=1)
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "application.closed"))
    assert event.details == {"status": status.value, "previous": "applied"}


@pytest.mark.parametrize(("status", "reason", "message"), [
    (ApplicationStatus.WITHDRAWN, "  ", "Say why the application is withdrawn."),
    (ApplicationStatus.DECIDED, "Hired.", "closed as withdrawn or rejected"),
    ("archived", "Old.", "closed as withdrawn or rejected"),
    (ApplicationStatus.REJECTED, "x" * 2001, "The reason has 2001 characters"),
])
def test_closing_needs_withdrawn_or_rejected_and_a_reason(hr_user, make_application, status,
                                                         reason, message):
    application = make_application()
    with pytest.raises(PipelineError, match=message):
        candidates.close_application(hr_user, application, status, reason)
    assert application.closed_at is None


@pytest.mark.parametrize("status", [ApplicationStatus.DECIDED, ApplicationStatus.REJECTED])
def test_an_application_already_decided_or_closed_stays_as_it_is(hr_user, make_application,
                                                                 status):
    application = make_application("Ada Lovelace")
    application.status = status
    db.session.commit()
    with pytest.raises(PipelineError, match=f"Ada Lovelace is {status.value} already"):
        candidates.close_application(hr_user, application, ApplicationStatus.WITHDRAWN, "Moved.")


# Overdue scorecards and the pipeline


def test_overdue_scorecards_are_the_unsubmitted_ones_past_the_window(
        make_user, make_application, make_interview, submit, count_queries):
    ana, ben = make_user(name="Ana Souza", email="ana@example.com"), make_user(name="Ben Carter")
    now = datetime(2030, 5, 10, 12, 0, tzinfo=UTC)
    late = make_interview(make_application("Ada Lovelace"), stage="design", panel=[ana, ben],
                          when=now - timedelta(hours=30))
    submit(late.scorecards[1], {"understanding": 3})
    make_interview(make_application("Not Due"), panel=[ana], when=now - timedelta(hours=20))
    withdrawn = make_application("Withdrawn")
    make_interview(withdrawn, panel=[ana], when=now - timedelta(days=5))
    withdrawn.status = ApplicationStatus.WITHDRAWN
    db.session.commit()

    rows = []
    assert count_queries(lambda: rows.extend(
        reminders.overdue_scorecards(now, timedelta(hours=24)).rows)) == 1
    (row,) = rows
    assert (row.interviewer_name, row.interviewer_email, row.candidate, row.stage) == (
        "Ana Souza", "ana@example.com", "Ada Lovelace", "Design")
    assert (row.scorecard_id, row.hours_overdue) == (late.scorecards[0].id, 6.0)
    assert row.scheduled_at == now - timedelta(hours=30)


def test_the_pipeline_counts_by_status_and_by_stage(make_application, make_interview, make_user,
                                                    submit, opening):
    ana, ben = make_user(), make_user()
    first, second = make_application(), make_application()
    make_application().status = ApplicationStatus.REJECTED
    coding = make_interview(first, stage="coding", panel=[ana])
    submit(coding.scorecards[0], {"understanding": 3})
    make_interview(first, stage="design", panel=[ana, ben])
    make_interview(second, stage="coding", panel=[ben])
    first.status = second.status = ApplicationStatus.INTERVIEWING
    db.session.commit()

    counts = openings.pipeline(opening)
    assert counts.total == 3
    assert counts.by_status[ApplicationStatus.INTERVIEWING] == 2
    assert counts.by_status[ApplicationStatus.REJECTED] == 1
    assert counts.by_status[ApplicationStatus.DECIDED] == 0
    assert [(s.key, s.applications, s.scorecards, s.submitted) for s in counts.by_stage] == [
        ("coding", 2, 2, 1), ("design", 1, 2, 0)]

