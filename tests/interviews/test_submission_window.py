"""A scorecard is submitted once its interview has started; drafts are saved at any time."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import ScorecardStatus
from scorecards.extensions import db
from scorecards.models import AuditEvent, Interview, Scorecard
from scorecards.templating import when
from tests.interviews.conftest import COMPLETE, form, fresh

RUBRICS = Path(__file__).parents[2] / "rubrics"


@pytest.fixture
def upcoming(make_user, make_interview):
    """Return (ana, her scorecard) of an interview that starts in two days."""
    ana = make_user(name="Ana Souza")
    interview = make_interview(panel=[ana], when=_minute(datetime.now(UTC) + timedelta(days=2)))
    return ana, interview.scorecards[0]


def _minute(value: datetime) -> datetime:
    return value.replace(second=0, microsecond=0)


def _starts_in(scorecard: Scorecard, delta: timedelta) -> None:
    scorecard.interview.scheduled_at = datetime.now(UTC) + delta
    db.session.commit()


def test_a_scorecard_submitted_before_the_interview_is_refused_saying_when_it_opens(
        upcoming, sign_in):
    ana, mine = upcoming
    starts = mine.interview.scheduled_at
    response = sign_in(ana).post(f"/scorecards/{mine.id}",
                                 data=form(1, action="submit", **COMPLETE))
    assert response.status_code == 409
    assert "Not submitted" in response.text
    assert when(starts) in response.text
    assert when(starts - timedelta(minutes=15)) in response.text
    assert 'href="#submit-scorecard"' in response.text  # the error summary leads to the button
    assert "Compared a heap with sorting and proved the cost." in response.text  # text kept
    stored = fresh(mine)
    assert stored.status == ScorecardStatus.DRAFT
    assert stored.submitted_at is None
    assert stored.revisions == []
    assert {r.competency_key: r.evidence for r in stored.ratings}["approach"] == \
        "Compared a heap with sorting and proved the cost."
    assert f'name="version" value="{stored.version}"' in response.text
    assert db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "scorecard.submitted")) is None


def test_the_form_says_in_advance_when_submission_opens(upcoming, sign_in):
    ana, mine = upcoming
    page = sign_in(ana).get(f"/scorecards/{mine.id}").text
    opens = mine.interview.scheduled_at - timedelta(minutes=15)
    assert f"Submission opens {when(opens)}" in page


def test_a_draft_is_saved_before_the_interview_starts(upcoming, sign_in):
    ana, mine = upcoming
    response = sign_in(ana).post(f"/scorecards/{mine.id}",
                                 data=form(1, code=(None, "Notes during the call")))
    assert response.status_code == 302
    assert fresh(mine).ratings[0].evidence == "Notes during the call"
    autosaved = sign_in(ana).post(f"/scorecards/{mine.id}/draft",
                                  data=form(2, code=(None, "More notes")))
    assert autosaved.status_code == 200


@pytest.mark.parametrize("starts_in", [timedelta(minutes=10), timedelta(minutes=-1),
                                       timedelta(days=-3)])
def test_a_scorecard_is_submitted_within_the_margin_and_after_the_start(
        upcoming, sign_in, starts_in):
    ana, mine = upcoming
    _starts_in(mine, starts_in)
    response = sign_in(ana).post(f"/scorecards/{mine.id}",
                                 data=form(1, action="submit", **COMPLETE))
    assert response.status_code == 302
    assert fresh(mine).status == ScorecardStatus.SUBMITTED


def test_the_margin_is_a_setting(upcoming, sign_in, app):
    ana, mine = upcoming
    _starts_in(mine, timedelta(minutes=10))
    app.config["SCORECARD_SUBMIT_EARLY_MINUTES"] = 5
    response = sign_in(ana).post(f"/scorecards/{mine.id}",
                                 data=form(1, action="submit", **COMPLETE))
    assert response.status_code == 409
    app.config["SCORECARD_SUBMIT_EARLY_MINUTES"] = 30
    response = sign_in(ana).post(f"/scorecards/{mine.id}",
                                 data=form(fresh(mine).version, action="submit", **COMPLETE))
    assert response.status_code == 302


def test_amending_and_resubmitting_are_unaffected_by_the_interview_time(panel, sign_in):
    ana, _, mine, _ = panel
    client = sign_in(ana)
    client.post(f"/scorecards/{mine.id}", data=form(1, action="submit", **COMPLETE))
    submitted = fresh(mine)
    _starts_in(submitted, timedelta(days=1))  # rescheduled after the scorecard was in
    again = client.post(f"/scorecards/{mine.id}",
                        data=form(submitted.version, action="submit", **COMPLETE))
    assert again.status_code == 302
    amended = client.post(f"/scorecards/{mine.id}/amend", data={
        **form(submitted.version, action="amend", **{**COMPLETE, "code": (2, "A bug stayed")}),
        "reason": "Re-read my notes."})
    assert amended.status_code == 302
    assert [r.number for r in fresh(mine).revisions] == [1, 2]


def test_every_submitted_demo_scorecard_comes_after_its_interview_started(app):
    from scorecards.demo.seed import seed

    app.config["RUBRICS_DIR"] = str(RUBRICS)
    now = datetime.now(UTC)
    seed(now)
    margin = timedelta(minutes=app.config["SCORECARD_SUBMIT_EARLY_MINUTES"])
    rows = db.session.execute(
        sa.select(Scorecard.status, Scorecard.submitted_at, Interview.scheduled_at)
        .join(Scorecard.interview)).all()
    submitted = [(at, scheduled) for status, at, scheduled in rows
                 if status == ScorecardStatus.SUBMITTED]
    assert submitted
    assert all(scheduled - margin <= at <= now for at, scheduled in submitted)
    assert all(status != ScorecardStatus.SUBMITTED
               for status, _, scheduled in rows if scheduled > now)
