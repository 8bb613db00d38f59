"""The committee's queue, a candidate's summary and the recorded decision."""

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from scorecards.core.vocabulary import ApplicationStatus, Role
from scorecards.extensions import db
from scorecards.models import AuditEvent, Decision

RATIONALE = "The panel saw clear, consistent evidence across every stage."


@pytest.fixture
def member(make_user, sign_in):
    """Return a client signed in as a committee member."""
    return sign_in(make_user(Role.COMMITTEE, name="Johan Berg"))


def test_the_queue_lists_applications_ready_for_a_decision(ready, member, make_application):
    make_application("Still Interviewing")
    html = member.get("/committee/").text
    assert "Ada Lovelace" in html
    assert "Still Interviewing" not in html
    assert "Hire" in html


def test_the_summary_shows_scores_reasons_disagreements_and_every_scorecard(ready, member):
    html = member.get(f"/committee/applications/{ready.id}").text
    assert "Recommended: Hire" in html
    # Coding 3.00; design (3 + 6 + 4.5) / 4.5 = 3.00; overall 3.00.
    assert "Overall score 3.00 is at or above the hire threshold 2.75" in html
    assert "Design, Problem understanding: ratings range from 2 to 4 (Ben Carter 4, Chen Wei 2)." \
        in html
    assert "Design: Ben Carter (hire) recommend hire, Chen Wei (no hire) no hire." in html
    for name in ("Ana Souza", "Ben Carter", "Chen Wei"):
        assert f": {name}" in html
    assert "Calibration:" in html


def test_the_summary_runs_the_same_number_of_queries_whatever_the_panel_size(
        make_user, make_application, make_interview, submit, member):
    def panel_of(size: int) -> int:
        application = make_application()
        interview = make_interview(application, stage="design",
                                   panel=[make_user() for _ in range(size)])
        for scorecard in interview.scorecards:
            submit(scorecard, {"understanding": 3, "approach": 3, "code": 2})
        return application.id

    def queries(application_id: int) -> int:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert member.get(f"/committee/applications/{application_id}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    small, large = panel_of(2), panel_of(7)
    queries(small)  # warm the caches of parsed rubrics
    assert queries(small) == queries(large)


def test_recording_a_decision_keeps_the_recommendation_and_closes_the_application(ready,
                                                                                  member):
    response = member.post(f"/committee/applications/{ready.id}",
                           data={"final_outcome": "hire", "rationale": RATIONALE})
    assert response.status_code == 302
    decision = db.session.scalar(sa.select(Decision))
    assert (decision.final_outcome, decision.recommended_outcome) == ("hire", "hire")
    assert [r["rule"] for r in decision.explanation["reasons"] if r["decisive"]] == ["threshold"]
    db.session.expire_all()
    assert ready.status == ApplicationStatus.DECIDED
    assert db.session.scalar(sa.select(AuditEvent.action).where(
        AuditEvent.action == "decision.recorded")) is not None
    assert "Ada Lovelace" not in member.get("/committee/").text


def test_a_decision_against_the_recommendation_needs_a_longer_rationale(ready, member):
    short = member.post(f"/committee/applications/{ready.id}",
                        data={"final_outcome": "no_hire", "rationale": RATIONALE})
    assert short.status_code == 400
    assert "departs from the recommendation (hire)" in short.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 0
    longer = RATIONALE + " The split on problem understanding worried us: we want more signal."
    assert member.post(f"/committee/applications/{ready.id}",
                       data={"final_outcome": "no_hire", "rationale": longer}).status_code == 302


def test_a_changed_decision_is_a_new_record_that_supersedes_the_last(ready, member):
    url = f"/committee/applications/{ready.id}"
    member.post(url, data={"final_outcome": "hire", "rationale": RATIONALE})
    member.post(url, data={"final_outcome": "hold", "rationale": RATIONALE + " " * 5 + "x" * 90})
    first, second = db.session.scalars(sa.select(Decision).order_by(Decision.id)).all()
    assert second.supersedes_id == first.id
    assert first.final_outcome == "hire"
    db.session.expire_all()
    assert ready.status == ApplicationStatus.INTERVIEWING  # held for more interviews


@pytest.mark.parametrize("data", [{"final_outcome": "maybe", "rationale": RATIONALE},
                                  {"final_outcome": "hire", "rationale": "  "},
                                  {"rationale": RATIONALE}])
def test_a_bad_decision_form_is_refused_with_a_message(ready, member, data):
    response = member.post(f"/committee/applications/{ready.id}", data=data)
    assert response.status_code == 400
    assert 'id="error-summary"' in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 0


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.HR])
def test_only_the_committee_decides(ready, make_user, sign_in, role):
    client = sign_in(make_user(role))
    response = client.post(f"/committee/applications/{ready.id}",
                           data={"final_outcome": "hire", "rationale": RATIONALE})
    assert response.status_code == 404
    assert client.get("/committee/").status_code == 404


def test_hr_reads_the_summary_but_gets_no_decision_form(ready, make_user, sign_in):
    html = sign_in(make_user(Role.HR)).get(f"/committee/applications/{ready.id}").text
    assert "Recommended: Hire" in html
    assert "Record the decision" not in html


def test_a_committee_member_who_owes_a_scorecard_sees_nothing_of_the_candidate(
        ready, make_user, make_interview, sign_in):
    member = make_user(Role.COMMITTEE, Role.INTERVIEWER)
    make_interview(ready, stage="coding", panel=[member])
    client = sign_in(member)
    assert client.get(f"/committee/applications/{ready.id}").status_code == 404
    assert "Ada Lovelace" not in client.get("/committee/").text


def test_an_unknown_application_is_404(member):
    assert member.get("/committee/applications/999999").status_code == 404


def test_an_application_reaches_the_queue_once_its_required_scorecards_are_in(
        make_user, make_application, make_interview, sign_in):
    from tests.interviews.conftest import COMPLETE, form

    application = make_application("Barbara Liskov")
    ana, ben, chen = make_user(), make_user(), make_user()
    (coding,) = make_interview(application, stage="coding", panel=[ana]).scorecards
    design = make_interview(application, stage="design", panel=[ben, chen]).scorecards
    steps = [(ana, coding), (ben, design[0]), (chen, design[1])]
    for number, (who, scorecard) in enumerate(steps, start=1):
        sign_in(who).post(f"/scorecards/{scorecard.id}",
                          data=form(1, action="submit", **COMPLETE))
        db.session.expire_all()
        expected = ApplicationStatus.COMMITTEE if number == 3 else ApplicationStatus.INTERVIEWING
        assert application.status == expected
    committee = sign_in(make_user(Role.COMMITTEE))
    assert "Barbara Liskov" in committee.get("/committee/").text
