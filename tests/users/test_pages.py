"""The admins' user pages, and the page a mailed link opens to choose a password."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import sqlalchemy as sa

from scorecards.api.services import issue_token
from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import AccountLink, ApiToken, AuditEvent, User, utcnow
from tests.users.conftest import STRONG_PASSWORD, signed_in


def _user(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_the_list_finds_users_by_name_or_email_role_and_state(make_user, client, sign_in):
    admin = make_user(Role.ADMIN, name="Ada Admin")
    make_user(Role.HR, name="Hana Recruiter", email="hana@example.org")
    make_user(Role.INTERVIEWER, name="Ivo Gone", email="ivo@example.org", active=False)
    sign_in(admin)
    page = client.get("/admin/users/?q=HANA").get_data(as_text=True)
    assert "hana@example.org" in page
    assert "ivo@example.org" not in page
    page = client.get("/admin/users/?role=interviewer&active=no").get_data(as_text=True)
    assert "ivo@example.org" in page
    assert "hana@example.org" not in page
    page = client.get("/admin/users/?active=yes").get_data(as_text=True)
    assert "hana@example.org" in page
    assert "ivo@example.org" not in page
    assert client.get("/admin/users/?role=wizard").status_code == 400
    assert client.get("/admin/users/?after=not-a-cursor").status_code == 400


def test_an_invitation_mails_a_link_that_sets_a_password_once_and_signs_in(
        make_user, client, sign_in, other_client, inbox, caplog):
    sign_in(make_user(Role.ADMIN))
    with caplog.at_level(logging.DEBUG, logger="scorecards"):
        answer = client.post("/admin/users/invite", data={
            "email": " Nia@Example.org ", "name": "Nia Park", "roles": ["interviewer", "hr"]})
        assert answer.status_code == 303
        invited = _user("nia@example.org")
        assert answer.headers["Location"] == f"/admin/users/{invited.id}"
        assert invited.roles == {Role.INTERVIEWER, Role.HR}
        assert invited.password_hash is None
        link = inbox.link_to("nia@example.org")
        opened = other_client.get(link)
        assert opened.status_code == 200
        assert opened.headers["Referrer-Policy"] == "no-referrer"
        assert "no-store" in opened.headers["Cache-Control"]
        weak = other_client.post(link, data={"password": "password12", "confirm": "password12"})
        assert weak.status_code == 400
        assert "too easy to guess" in weak.get_data(as_text=True)
        done = other_client.post(link, data={"password": STRONG_PASSWORD,
                                             "confirm": STRONG_PASSWORD})
        assert done.status_code == 303
        assert done.headers["Location"] == "/"
    assert other_client.get("/").status_code == 200  # signed in as Nia
    assert _user("nia@example.org").check_password(STRONG_PASSWORD)
    again = other_client.get(link)
    assert again.status_code == 410
    assert "works once" in again.get_data(as_text=True)
    assert other_client.get("/account/never-issued").status_code == 404
    token = link.rpartition("/")[2]
    details = " ".join(str(e.details) for e in db.session.scalars(sa.select(AuditEvent)))
    assert token not in details
    assert STRONG_PASSWORD not in details
    assert token not in caplog.text
    assert STRONG_PASSWORD not in caplog.text
    assert db.session.scalar(sa.select(AccountLink.token_hash)) != token
    assert {"user.add", "user.invited", "user.password_set_by_link"} <= {
        e.action for e in db.session.scalars(sa.select(AuditEvent))}


def test_an_expired_link_is_gone(make_user, client, sign_in, inbox):
    sign_in(make_user(Role.ADMIN))
    client.post("/admin/users/invite", data={"email": "late@example.org", "roles": ["hr"]})
    link = inbox.link_to("late@example.org")
    db.session.execute(sa.update(AccountLink).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    answer = client.post(link, data={"password": STRONG_PASSWORD, "confirm": STRONG_PASSWORD})
    assert answer.status_code == 410
    assert "expired" in answer.get_data(as_text=True)
    assert _user("late@example.org").password_hash is None


def test_a_new_reset_link_stops_the_older_one(make_user, client, sign_in, inbox):
    sign_in(make_user(Role.ADMIN))
    person = make_user(Role.INTERVIEWER, email="pia@example.org", password=STRONG_PASSWORD)
    assert client.post(f"/admin/users/{person.id}/password-reset").status_code == 303
    first = inbox.link_to("pia@example.org")
    client.post(f"/admin/users/{person.id}/password-reset")
    second = inbox.link_to("pia@example.org")
    assert first != second
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200
    assert len(_events("user.password_reset_sent")) == 2


def test_deactivating_ends_a_live_session_and_a_token_at_once(make_user, client, sign_in,
                                                            other_client):
    admin = make_user(Role.ADMIN)
    person = make_user(Role.HR)
    token = issue_token(person, "laptop")
    browser = signed_in(other_client, person)
    assert browser.get("/hr/").status_code == 200
    api = {"Authorization": f"Bearer {token}"}
    assert other_client.get("/api/v1/openings", headers=api).status_code == 200
    sign_in(admin)
    answer = client.post(f"/admin/users/{person.id}/deactivate")
    assert answer.status_code == 303
    assert browser.get("/hr/").status_code == 302  # to sign in
    assert other_client.get("/api/v1/openings", headers=api).status_code == 401
    assert db.session.scalar(sa.select(ApiToken.revoked_at)) is not None
    [event] = _events("user.deactivated")
    assert event.actor_id == admin.id
    assert event.object_id == person.id
    assert event.details == {"tokens_revoked": 1}
    client.post(f"/admin/users/{person.id}/reactivate")
    assert _user(person.email).active
    assert other_client.get("/api/v1/openings", headers=api).status_code == 401  # stays revoked


def test_the_last_admin_can_neither_leave_nor_drop_the_role(make_user, client, sign_in):
    admin = make_user(Role.ADMIN, email="only@example.org")
    make_user(Role.ADMIN, email="gone@example.org", active=False)
    sign_in(admin)
    answer = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert "only active admin" in answer.get_data(as_text=True)
    answer = client.post(f"/admin/users/{admin.id}/roles", data={"roles": ["hr"]},
                         follow_redirects=True)
    assert "only active admin" in answer.get_data(as_text=True)
    assert _user("only@example.org").active
    assert Role.ADMIN in _user("only@example.org").roles
    second = make_user(Role.ADMIN)
    client.post(f"/admin/users/{admin.id}/roles", data={"roles": ["hr"]})
    assert _user("only@example.org").roles == {Role.HR}
    [event] = _events("user.roles_changed")
    assert event.details == {"added": ["hr"], "removed": ["admin"]}
    assert second.id != admin.id


def test_a_role_taken_away_stops_working_at_the_next_request(make_user, client, sign_in,
                                                            other_client):
    sign_in(make_user(Role.ADMIN))
    person = make_user(Role.HR, Role.INTERVIEWER)
    browser = signed_in(other_client, person)
    assert browser.get("/hr/").status_code == 200
    client.post(f"/admin/users/{person.id}/roles", data={"roles": ["interviewer"]})
    assert browser.get("/hr/").status_code == 404
    assert browser.get("/interviews").status_code == 200  # still signed in


def test_the_user_page_shows_roles_as_boxes_in_a_fieldset(make_user, client, sign_in):
    sign_in(make_user(Role.ADMIN))
    person = make_user(Role.HR, name="<b>Hana</b>")
    page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "<fieldset" in page
    assert "<legend>Roles of &lt;b&gt;Hana&lt;/b&gt;</legend>" in page
    boxes = re.findall(r"<input[^>]*checkbox[^>]*>", page)
    assert len(boxes) == len(Role)
    assert not any("required" in box for box in boxes)
    assert [box for box in boxes if "checked" in box] == [
        next(box for box in boxes if 'value="hr"' in box)]
    assert "<b>Hana</b>" not in page
    assert client.get("/admin/users/999999").status_code == 404


def test_with_password_sign_in_off_an_invitation_only_makes_the_account(
        app, make_user, client, sign_in, inbox):
    app.config["PASSWORD_SIGN_IN"] = False
    sign_in(make_user(Role.ADMIN))
    client.post("/admin/users/invite", data={"email": "sso@example.org", "roles": ["hr"]})
    body = inbox.body_to("sso@example.org")
    assert "single sign-on" in body
    assert "/account/" not in body
    person = _user("sso@example.org")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AccountLink)) == 0
    page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "password reset" not in page
    assert "invitation again" not in page
    answer = client.post(f"/admin/users/{person.id}/password-reset", follow_redirects=True)
    assert "Password sign-in is off" in answer.get_data(as_text=True)


def test_an_invitation_to_a_taken_email_says_so(make_user, client, sign_in, inbox):
    sign_in(make_user(Role.ADMIN))
    make_user(email="taken@example.org")
    answer = client.post("/admin/users/invite", data={"email": "TAKEN@example.org",
                                                     "roles": ["hr"]})
    assert answer.status_code == 400
    assert "already exists" in answer.get_data(as_text=True)
    answer = client.post("/admin/users/invite", data={"email": "new@example.org"})
    assert answer.status_code == 400
    assert "at least one role" in answer.get_data(as_text=True)
    assert inbox.messages == []


def test_a_panel_of_someone_unknown_offers_an_admin_to_invite_them(
        make_user, make_application, client, sign_in):
    application = make_application()
    form = {"schedule-stage": "coding", "schedule-scheduled_at": "2030-03-04T09:30",
            "schedule-panel_emails": "new.face@example.org"}
    sign_in(make_user(Role.HR))
    told = client.post(f"/hr/applications/{application.id}/interviews", data=form)
    assert told.status_code == 400
    assert "Ask an admin to invite them" in told.text
    assert "/admin/users/invite" not in told.text
    sign_in(make_user(Role.ADMIN))
    offered = client.post(f"/hr/applications/{application.id}/interviews", data=form)
    invite = re.search(r'href="(/admin/users/invite\?[^"]+)"', offered.text)[1]
    page = client.get(invite.replace("&amp;", "&")).text
    assert 'value="new.face@example.org"' in page
    assert re.search(r'<input checked[^>]*value="interviewer"', page)
