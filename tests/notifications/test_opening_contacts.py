"""An opening names its hiring manager and HR contact, on HR's form and through the API."""

import sqlalchemy as sa

from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import AuditEvent, Opening
from tests.api.conftest import api_as, assert_problem


def test_hr_names_the_hiring_manager_and_hr_contact_of_a_new_opening(
        catalog, hr_user, make_user, sign_in):
    maya = make_user(Role.INTERVIEWER, name="Maya Manager", email="maya@example.com")
    response = sign_in(hr_user).post("/hr/", data={
        "key": "backend-payments", "title": "Backend Engineer", "loop": "test-loop",
        "hiring_manager": "Maya@example.com ", "hr_contact": "priya@example.com"})
    assert response.status_code == 302
    opening = db.session.scalar(sa.select(Opening).where(Opening.key == "backend-payments"))
    assert (opening.contacts.hiring_manager, opening.contacts.hr_contact) == (maya, hr_user)


def test_an_unknown_contact_is_refused_beside_its_field(catalog, hr_user, sign_in, client):
    page = sign_in(hr_user).post("/hr/", data={
        "key": "backend-payments", "title": "Backend Engineer", "loop": "test-loop",
        "hiring_manager": "nobody@example.com"})
    assert "nobody@example.com is not an active user." in page.text
    assert db.session.scalar(sa.select(Opening)) is None
    api = api_as(client, hr_user)
    refused = api.post("/api/v1/openings", json={"key": "other", "title": "Other",
                                                 "loop": "test-loop",
                                                 "hr_contact": "nobody@example.com"})
    assert_problem(refused, 422, "hr_contact")
    made = api.post("/api/v1/openings", json={"key": "other", "title": "Other",
                                              "loop": "test-loop",
                                              "hr_contact": "priya@example.com"})
    assert made.status_code == 201
    db.session.expire_all()
    assert db.session.scalar(sa.select(Opening)).contacts.hr_contact_id == hr_user.id


def test_hr_names_changes_and_clears_the_contacts_of_an_opening(
        catalog, hr_user, make_user, sign_in, make_application):
    opening = make_application().opening
    maya = make_user(Role.INTERVIEWER, name="Maya Manager", email="maya@example.com")
    browser = sign_in(hr_user)
    page = browser.get(f"/hr/openings/{opening.key}")
    assert 'id="contacts-hiring_manager"' in page.text
    saved = browser.post(f"/hr/openings/{opening.key}/contacts", data={
        "contacts-hiring_manager": "Maya@example.com", "contacts-hr_contact": ""})
    assert (saved.status_code, saved.location) == (303, f"/hr/openings/{opening.key}")
    db.session.expire_all()
    assert (opening.contacts.hiring_manager, opening.contacts.hr_contact) == (maya, None)
    assert 'value="maya@example.com"' in browser.get(f"/hr/openings/{opening.key}").text
    browser.post(f"/hr/openings/{opening.key}/contacts", data={
        "contacts-hiring_manager": "", "contacts-hr_contact": hr_user.email})
    db.session.expire_all()
    assert (opening.contacts.hiring_manager, opening.contacts.hr_contact) == (None, hr_user)
    changes = db.session.scalars(sa.select(AuditEvent.details).where(
        AuditEvent.action == "opening.contacts_changed").order_by(AuditEvent.id)).all()
    assert changes == [{"hiring_manager": maya.id, "hr_contact": None},
                       {"hiring_manager": None, "hr_contact": hr_user.id}]


def test_an_unknown_contact_of_an_opening_is_refused_and_nothing_changes(
        catalog, hr_user, make_user, sign_in, make_application):
    opening = make_application().opening
    browser = sign_in(hr_user)
    browser.post(f"/hr/openings/{opening.key}/contacts",
                 data={"contacts-hr_contact": hr_user.email})
    refused = browser.post(f"/hr/openings/{opening.key}/contacts", data={
        "contacts-hiring_manager": "nobody@example.com", "contacts-hr_contact": ""})
    assert refused.status_code == 400
    assert "nobody@example.com is not an active user." in refused.text
    assert 'value="nobody@example.com"' in refused.text  # what was typed stays
    db.session.expire_all()
    assert opening.contacts.hr_contact_id == hr_user.id
    assert browser.post("/hr/openings/no-such-opening/contacts",
                        data={"contacts-hr_contact": ""}).status_code == 404
