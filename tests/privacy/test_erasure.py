"""Erasure removes what identifies a candidate, keeps the anonymous scores, and is audited."""

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from scorecards.core.vocabulary import ApplicationStatus, JobStatus, Role, Source
from scorecards.extensions import db
from scorecards.hr.services.outcomes import record_outcome
from scorecards.models import (
    Application,
    AuditEvent,
    Candidate,
    Decision,
    HireOutcome,
    Job,
    JobChunk,
    Opening,
    Rating,
    Scorecard,
    ScorecardRevision,
)
from scorecards.packets.services import candidate_packet
from scorecards.privacy.services import (
    apply_retention,
    erase_candidate,
    expired_candidates,
    months_before,
)

SECRET = "Ada Lovelace"


@pytest.fixture
def scored(make_user, make_application, make_interview, submit):
    """Return a candidate whose application has a scored, decided, revised scorecard."""
    application = make_application(SECRET, source=Source.REFERRAL, referrer="Charles Babbage")
    application.candidate.email, application.candidate.phone = "ada@example.org", "+44 20"
    interview = make_interview(application, panel=[make_user()])
    scorecard = submit(interview.scorecards[0], {"code": 3, "approach": 2})
    scorecard.takeaways = f"{SECRET} explained the engine."
    scorecard.private_note = "Lives near the office."
    for rating in scorecard.ratings:
        rating.evidence = f"{SECRET} wrote a loop."
    scorecard.revisions.append(ScorecardRevision(
        number=1, author=scorecard.interviewer,
        content={"ratings": {"code": {"score": 3, "not_assessed": False,
                                      "evidence": f"{SECRET} wrote a loop."}},
                 "recommendation": "hire", "takeaways": SECRET, "private_note": SECRET}))
    db.session.add(Decision(application=application, recommended_outcome="hire",
                            explanation={}, final_outcome="no_hire",
                            rationale=f"{SECRET} is great but the team is full.",
                            decided_by=make_user(Role.COMMITTEE)))
    application.status = ApplicationStatus.DECIDED
    db.session.commit()
    return application


def everything_stored() -> str:
    """Return every text column of the tables that could hold the candidate's data."""
    rows = []
    for model in (Candidate, Rating, Scorecard, ScorecardRevision, Decision, AuditEvent,
                  HireOutcome):
        rows += [json.dumps([str(v) for v in row], default=str)
                 for row in db.session.execute(sa.select(model.__table__))]
    rows += [str(row) for row in db.session.execute(sa.select(Application.__table__))]
    return "\n".join(rows)


def test_erasure_removes_every_trace_of_the_person_and_keeps_the_scores(app, scored):
    assert SECRET in everything_stored()
    erase_candidate(None, scored.candidate_id)
    db.session.expire_all()
    stored = everything_stored()
    for trace in (SECRET, "ada@example.org", "+44 20", "Lives near the office", "Babbage"):
        assert trace not in stored
    assert sorted(db.session.scalars(sa.select(Rating.score))) == [2, 3]
    assert db.session.scalar(sa.select(Scorecard.recommendation)) == "hire"
    candidate = db.session.get(Candidate, scored.candidate_id)
    assert candidate.erased_at is not None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action ==
                                                           "candidate.erased"))
    assert event.details == {"applications": 1, "jobs_cancelled": 0,
                             "prepared_files_deleted": 0}


def test_erasure_deletes_prepared_files_that_may_hold_the_person(app, scored, make_user,
                                                                 make_application):
    owner = make_user(Role.COMMITTEE, Role.HR)
    other = make_application("Grace Hopper")

    def prepared(kind, application_ids=()):
        job = Job(kind=kind, title=kind, requested_by=owner, status=JobStatus.DONE,
                  params={"application_ids": list(application_ids)},
                  expires_at=datetime.now(UTC) + timedelta(hours=1))
        db.session.add(job)
        db.session.flush()
        db.session.add(JobChunk(job_id=job.id, seq=0, data=b"%PDF"))
        return job

    theirs, others, export = (prepared("meeting_packet", [other.id, scored.id]),
                              prepared("meeting_packet", [other.id]), prepared("export"))
    db.session.commit()
    erase_candidate(None, scored.candidate_id)
    db.session.expire_all()
    assert [theirs.status, others.status, export.status] == ["expired", "done", "expired"]
    assert db.session.scalars(sa.select(JobChunk.job_id)).all() == [others.id]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action ==
                                                           "candidate.erased"))
    assert event.details["prepared_files_deleted"] == 2


def test_erasure_drops_the_cached_packets(app, scored, config):
    before = candidate_packet(None, scored.id)
    cache = Path(config["PACKET_CACHE_DIR"])
    assert [p.name for p in cache.glob("*.pdf")] == [f"{scored.id}-{before.fingerprint}.pdf"]
    erase_candidate(None, scored.candidate_id)
    assert list(cache.glob("*.pdf")) == []
    after = candidate_packet(None, scored.id)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(after.data)).pages)
    assert SECRET not in text
    assert "Erased candidate" in text


def test_an_unknown_candidate_cannot_be_erased(app):
    with pytest.raises(LookupError, match="There is no candidate 999999."):
        erase_candidate(None, 999999)


def test_hr_erases_a_candidate_from_the_page_after_confirming(scored, make_user, sign_in):
    client = sign_in(make_user(Role.HR))
    url = f"/hr/candidates/{scored.candidate_id}/erase"
    assert "cannot be undone" in client.get(url).text
    refused = client.post(url, data={})
    assert refused.status_code == 400
    assert "Confirm that you mean it." in refused.text
    assert client.post(url, data={"confirm": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Candidate, scored.candidate_id).erased_at is not None


def test_erasing_from_an_application_lands_on_its_opening_with_a_flash_naming_nobody(
        make_application, make_user, sign_in):
    first = make_application(SECRET)
    other = Opening(key="second-opening", title="Second", loop_version=first.opening.loop_version)
    second = Application(candidate=first.candidate, opening=other, source=Source.APPLIED)
    db.session.add(second)
    db.session.commit()
    client = sign_in(make_user(Role.HR))
    url = f"/hr/candidates/{first.candidate_id}/erase?application={second.id}"
    response = client.post(url, data={"confirm": "y"})
    assert response.headers["Location"] == "/hr/openings/second-opening"
    page = client.get(response.headers["Location"]).text
    assert "The candidate is erased" in page
    assert SECRET not in page


@pytest.mark.parametrize("started", ["", "?application=999999", "?application=x"])
def test_erasing_from_elsewhere_lands_on_the_first_opening_they_applied_to(
        make_application, make_user, sign_in, started):
    application = make_application(SECRET)
    client = sign_in(make_user(Role.HR))
    response = client.post(f"/hr/candidates/{application.candidate_id}/erase{started}",
                           data={"confirm": "y"})
    assert response.headers["Location"] == "/hr/openings/test-opening"


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.COMMITTEE])
def test_only_hr_and_admins_erase(scored, make_user, sign_in, role):
    client = sign_in(make_user(role))
    assert client.post(f"/hr/candidates/{scored.candidate_id}/erase",
                       data={"confirm": "y"}).status_code == 404


NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


@pytest.mark.parametrize(("months", "expected"), [
    (0, datetime(2026, 11, 25, 12, tzinfo=UTC)),
    (1, datetime(2026, 10, 25, 12, tzinfo=UTC)),
    (24, datetime(2024, 11, 25, 12, tzinfo=UTC)),
])
def test_months_before_counts_calendar_months(months, expected):
    assert months_before(NOW, months) == expected


def test_months_before_clamps_to_the_end_of_a_shorter_month():
    assert months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28,
                                                                          tzinfo=UTC)


def test_retention_erases_only_candidates_whose_applications_all_ended_long_ago(
        app, make_application, runner):
    old = make_application("Rejected Long Ago")
    recent = make_application("Rejected Last Week")
    active = make_application("Still Interviewing")
    for application, days in ((old, 800), (recent, 7)):
        application.status = ApplicationStatus.REJECTED
        application.closed_at = datetime.now(UTC) - timedelta(days=days)
        application.closed_reason = "Not enough backend depth."
    active.status = ApplicationStatus.INTERVIEWING
    db.session.commit()
    assert expired_candidates(datetime.now(UTC), 24) == [old.candidate_id]
    dry = runner.invoke(args=["candidates", "retention", "--months", "24", "--dry-run"])
    assert dry.exit_code == 0
    assert f"1 candidate(s) due for erasure: {old.candidate_id}" in dry.output
    result = runner.invoke(args=["candidates", "retention", "--months", "24"])
    assert result.exit_code == 0, result.output
    assert "Erased 1 candidate(s)" in result.output
    db.session.expire_all()
    assert db.session.get(Candidate, old.candidate_id).name == "Erased candidate"
    assert db.session.get(Candidate, recent.candidate_id).name == "Rejected Last Week"
    assert db.session.get(Candidate, active.candidate_id).name == "Still Interviewing"


def test_retention_counts_a_no_hire_decision_in_force(app, scored):
    decision = db.session.scalar(sa.select(Decision))
    decision.decided_at = datetime.now(UTC) - timedelta(days=900)
    db.session.commit()
    assert apply_retention(datetime.now(UTC), 24) == [scored.candidate_id]


def test_the_cli_erases_one_candidate(app, scored, runner):
    result = runner.invoke(args=["candidates", "erase", str(scored.candidate_id), "--yes"])
    assert result.exit_code == 0, result.output
    missing = runner.invoke(args=["candidates", "erase", "999999", "--yes"])
    assert missing.exit_code == 1
    assert "There is no candidate 999999." in missing.output


@pytest.fixture
def hired_with_outcome(make_user, make_application):
    """Return a hired application whose outcome HR recorded, with a note naming the person."""
    committee = make_user(Role.COMMITTEE)
    application = make_application(SECRET)
    application.decisions.append(Decision(
        recommended_outcome="hire", explanation={}, final_outcome="hire",
        rationale="Strong panel.", decided_by=committee))
    application.status = ApplicationStatus.DECIDED
    db.session.commit()
    record_outcome(make_user(Role.HR), application.id, rating_6_months=2,
                   employed_12_months=False, note=f"{SECRET} left for a startup.")
    return application


def test_erasure_deletes_the_hires_outcomes_note_and_all(app, hired_with_outcome):
    assert "left for a startup" in everything_stored()
    erase_candidate(None, hired_with_outcome.candidate_id)
    db.session.expire_all()
    assert db.session.get(HireOutcome, hired_with_outcome.id) is None
    stored = everything_stored()
    assert SECRET not in stored
    assert "left for a startup" not in stored


def test_retention_deletes_outcomes_of_hires_decided_longer_ago_than_the_setting(
        app, hired_with_outcome, make_user, make_application, runner):
    committee = make_user(Role.COMMITTEE)
    recent = make_application("Recent Hire")
    recent.decisions.append(Decision(
        recommended_outcome="hire", explanation={}, final_outcome="hire",
        rationale="Strong panel.", decided_by=committee))
    recent.status = ApplicationStatus.DECIDED
    db.session.commit()
    record_outcome(make_user(Role.HR), recent.id, rating_6_months=4)
    decision = hired_with_outcome.decisions[0]
    decision.decided_at = datetime.now(UTC) - timedelta(days=37 * 31)
    db.session.commit()
    assert app.config["HIRE_OUTCOME_RETENTION_MONTHS"] == 36
    result = runner.invoke(args=["candidates", "retention"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(HireOutcome, hired_with_outcome.id) is None
    assert db.session.get(HireOutcome, recent.id) is not None
    # The hired person is not erased: only their outcome's time was up.
    assert db.session.get(Candidate, hired_with_outcome.candidate_id).name == SECRET
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "hire_outcomes.expired"))
    assert event.details == {"months": 36, "deleted": 1}
