"""How a hire turned out: recorded by HR only for hires, on the scale, audited without values."""

import pytest
import sqlalchemy as sa

from scorecards.core.errors import NotVisible
from scorecards.core.vocabulary import ApplicationStatus, Role
from scorecards.extensions import db
from scorecards.hr.services.outcomes import OutcomeRefused, read_outcome, record_outcome
from scorecards.models import AuditEvent, Decision, HireOutcome

NOTE = "Led the billing migration; moved teams in month 9."


@pytest.fixture
def decide(make_user):
    """Return a function that records a committee decision in force on an application."""
    committee = make_user(Role.COMMITTEE)

    def decided(application, outcome="hire"):
        last = application.decisions[-1] if application.decisions else None
        application.decisions.append(Decision(
            recommended_outcome="hire", explanation={}, final_outcome=outcome,
            rationale="As the panel advised.", decided_by=committee, supersedes=last))
        application.status = ApplicationStatus.DECIDED
        db.session.commit()
        return application

    return decided


@pytest.fixture
def hired(make_application, decide):
    return decide(make_application("Grace Hopper"))


def test_hr_records_a_hires_outcome_and_reads_it_back(hired, make_user):
    hr = make_user(Role.HR)
    record_outcome(hr, hired.id, rating_6_months=3, rating_12_months=4,
                   employed_12_months=True, note=NOTE)
    found = read_outcome(hr, hired.id)
    assert (found.rating_6_months, found.rating_12_months, found.employed_12_months,
            found.note, found.recorded_by_id) == (3, 4, True, NOTE, hr.id)


def test_the_audit_event_names_the_changed_fields_never_their_values(hired, make_user):
    hr = make_user(Role.HR)
    record_outcome(hr, hired.id, rating_6_months=3, note=NOTE)
    record_outcome(hr, hired.id, rating_6_months=3, rating_12_months=5, note=NOTE)
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "hire_outcome.recorded").order_by(AuditEvent.id)).all()
    assert [event.details for event in events] == [
        {"fields": ["rating_6_months", "note"]}, {"fields": ["rating_12_months"]}]
    assert NOTE not in str([event.details for event in events])


@pytest.mark.parametrize("outcome", ["no_hire", "hold"])
def test_an_application_not_decided_hire_has_no_outcome(make_application, decide, make_user,
                                                        outcome):
    application = decide(make_application(), outcome)
    with pytest.raises(OutcomeRefused, match="only for hires"):
        record_outcome(make_user(Role.HR), application.id, rating_6_months=3)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HireOutcome)) == 0


def test_a_hire_superseded_by_a_no_hire_is_refused(hired, decide, make_user):
    decide(hired, "no_hire")
    with pytest.raises(OutcomeRefused, match="only for hires"):
        record_outcome(make_user(Role.HR), hired.id, rating_6_months=3)


def test_an_undecided_application_is_refused(make_application, make_user):
    with pytest.raises(OutcomeRefused, match="only for hires"):
        record_outcome(make_user(Role.HR), make_application().id, employed_12_months=True)


@pytest.mark.parametrize("value", [0, 6, -1, 100, True, "3"])
def test_a_rating_off_the_scale_is_refused_naming_the_allowed_values(hired, make_user, value):
    with pytest.raises(OutcomeRefused) as refused:
        record_outcome(make_user(Role.HR), hired.id, rating_12_months=value)
    assert refused.value.field == "rating_12_months"
    assert "1 (Well below expectations)" in str(refused.value)
    assert "5 (Far exceeds expectations)" in str(refused.value)


def test_the_configured_scale_decides_what_is_on_it(hired, make_user, app):
    app.config["PERFORMANCE_SCALE"] = ("Low", "Solid", "High")
    with pytest.raises(OutcomeRefused, match=r"1 \(Low\), 2 \(Solid\), 3 \(High\)"):
        record_outcome(make_user(Role.HR), hired.id, rating_6_months=4)
    record_outcome(make_user(Role.HR), hired.id, rating_6_months=3)


def test_a_note_too_long_is_refused(hired, make_user):
    with pytest.raises(OutcomeRefused, match="within 2000") as refused:
        record_outcome(make_user(Role.HR), hired.id, note="x" * 2001)
    assert refused.value.field == "note"


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.COMMITTEE, Role.FAIRNESS])
def test_only_hr_and_admins_record_or_read_outcomes(hired, make_user, role):
    user = make_user(role)
    with pytest.raises(NotVisible):
        record_outcome(user, hired.id, rating_6_months=3)
    with pytest.raises(NotVisible):
        read_outcome(user, hired.id)


def test_an_unknown_application_is_not_visible(app, make_user):
    with pytest.raises(NotVisible):
        record_outcome(make_user(Role.ADMIN), 999_999, rating_6_months=3)


def test_the_after_hire_form_shows_only_on_a_hires_page(hired, make_application, decide,
                                                        make_user, sign_in):
    client = sign_in(make_user(Role.HR))
    assert "After hire" in client.get(f"/hr/applications/{hired.id}").text
    other = decide(make_application(), "no_hire")
    assert "After hire" not in client.get(f"/hr/applications/{other.id}").text
    assert "After hire" not in client.get(f"/hr/applications/{make_application().id}").text


def test_hr_records_an_outcome_on_the_page_and_is_sent_back(hired, make_user, sign_in):
    client = sign_in(make_user(Role.HR))
    response = client.post(f"/hr/applications/{hired.id}/hire-outcome", data={
        "outcome-rating_6_months": "4", "outcome-rating_12_months": "",
        "outcome-employed_12_months": "yes", "outcome-note": NOTE})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/hr/applications/{hired.id}"
    found = db.session.get(HireOutcome, hired.id)
    assert (found.rating_6_months, found.rating_12_months, found.employed_12_months) == (
        4, None, True)
    page = client.get(f"/hr/applications/{hired.id}").text
    assert '<option selected value="4">Exceeds expectations</option>' in page


def test_the_page_refuses_an_off_scale_rating_beside_its_field(hired, make_user, sign_in):
    client = sign_in(make_user(Role.HR))
    response = client.post(f"/hr/applications/{hired.id}/hire-outcome", data={
        "outcome-rating_6_months": "9", "outcome-employed_12_months": ""})
    assert response.status_code == 400
    assert "1 (Well below expectations)" in response.text
    assert 'id="outcome-rating_6_months-error"' in response.text
    assert db.session.get(HireOutcome, hired.id) is None


def test_the_page_refuses_an_application_not_decided_hire(make_application, decide, make_user,
                                                          sign_in):
    application = decide(make_application(), "no_hire")
    response = sign_in(make_user(Role.HR)).post(
        f"/hr/applications/{application.id}/hire-outcome",
        data={"outcome-rating_6_months": "3"})
    assert response.status_code == 400
    assert "only for hires" in response.text


def test_the_form_needs_its_csrf_token(hired, make_user, sign_in, app):
    app.config["WTF_CSRF_ENABLED"] = True
    response = sign_in(make_user(Role.HR)).post(
        f"/hr/applications/{hired.id}/hire-outcome", data={"outcome-rating_6_months": "3"})
    assert response.status_code == 400
    assert db.session.get(HireOutcome, hired.id) is None
