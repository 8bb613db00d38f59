"""The candidate's own page: a single-use, expiring link, no account, nothing about them shown."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.fairness import services
from scorecards.models import AuditEvent, SelfIdentification, SelfIdentificationLink, utcnow
from scorecards.privacy.services import erase_candidate


@pytest.fixture
def link(app, make_application, make_user):
    """Return (candidate, token) of a link HR sent."""
    candidate = make_application("Ada Lovelace").candidate
    tokens = []
    with app.test_request_context():
        services.send_link(make_user(Role.HR), candidate.id,
                           lambda token: tokens.append(token) or f"http://x/{token}")
    return candidate, tokens[0]


def answers_of(candidate_id):
    return dict(db.session.execute(
        sa.select(SelfIdentification.item, SelfIdentification.answer)
        .where(SelfIdentification.candidate_id == candidate_id)).all())


def csrf(page: str) -> str:
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def test_the_candidate_answers_once_without_an_account(link, client):
    candidate, token = link
    page = client.get(f"/self-identification/{token}")
    assert page.status_code == 200
    assert "Answering is voluntary" in page.text
    assert "Ada" not in page.text  # a forwarded link names nobody
    assert candidate.email not in page.text
    sent = client.post(f"/self-identification/{token}", data={
        "csrf_token": csrf(page.text), "sex": "female", "race_ethnicity": ""})
    assert sent.status_code == 303
    assert sent.headers["Location"] == "/self-identification/thanks"
    assert answers_of(candidate.id) == {"sex": "female"}  # the skipped question unanswered
    assert db.session.scalar(sa.select(SelfIdentification.source)) == "candidate"
    again = client.get(f"/self-identification/{token}")
    assert again.status_code == 410
    assert "already used" in again.text


def test_an_expired_an_unknown_and_an_erased_link_are_refused(link, client):
    candidate, token = link
    stored = db.session.scalar(sa.select(SelfIdentificationLink))
    assert stored.token_hash != token  # only its hash is kept
    stored.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    expired = client.get(f"/self-identification/{token}")
    assert expired.status_code == 410
    assert "expired" in expired.text
    assert client.get("/self-identification/not-a-token").status_code == 404
    stored.expires_at = utcnow() + timedelta(days=1)
    db.session.commit()
    erase_candidate(None, candidate.id)
    assert client.get(f"/self-identification/{token}").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SelfIdentificationLink)) == 0


def test_an_answer_not_offered_is_refused_and_the_link_still_works(link, client):
    candidate, token = link
    page = client.get(f"/self-identification/{token}")
    refused = client.post(f"/self-identification/{token}", data={
        "csrf_token": csrf(page.text), "sex": "unknown"})
    assert refused.status_code == 400
    assert "is not an answer to" in refused.text
    assert answers_of(candidate.id) == {}
    assert client.get(f"/self-identification/{token}").status_code == 200


def test_the_form_needs_its_csrf_token(link, app, client):
    candidate, token = link
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/self-identification/{token}", data={"sex": "male"}).status_code == 400
    page = client.get(f"/self-identification/{token}")
    sent = client.post(f"/self-identification/{token}", data={
        "csrf_token": csrf(page.text), "sex": "male"})
    assert sent.status_code == 303
    assert answers_of(candidate.id) == {"sex": "male"}


def test_hr_sends_the_link_from_the_application_and_the_audit_keeps_no_token(
        make_application, make_user, sign_in):
    application = make_application("Grace Hopper")
    email = application.candidate.email
    client = sign_in(make_user(Role.HR))
    page = client.get(f"/hr/applications/{application.id}").text
    assert f"Send the self-identification link to {email}" in page
    sent = client.post(f"/hr/candidates/{application.candidate_id}/self-identification-link",
                       data={"csrf_token": csrf(page), "application": application.id},
                       follow_redirects=True)
    assert f"The self-identification link was sent to {email}" in sent.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SelfIdentificationLink)) == 1
    (event,) = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "self_identification.link_sent")).all()
    assert event.details == {"days": 14}


@pytest.mark.parametrize("roles", [(Role.INTERVIEWER,), (Role.COMMITTEE,), (Role.FAIRNESS,)])
def test_only_hr_and_admins_send_links(make_application, make_user, sign_in, roles):
    application = make_application()
    client = sign_in(make_user(*roles))
    answer = client.post(f"/hr/candidates/{application.candidate_id}/self-identification-link")
    assert answer.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SelfIdentificationLink)) == 0
