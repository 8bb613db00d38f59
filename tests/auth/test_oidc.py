"""Single sign-on through a real OpenID Connect provider, and its refusals."""

import logging
import re
import socket
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import AuditEvent, User
from tests.auth.conftest import sso_settings
from tests.conftest import PASSWORD
from tests.interviews.conftest import form

ANA = {"email": "Ana.Souza@Example.com", "email_verified": True, "name": "Ana Souza",
       "groups": ["interviewers", "hiring-committee", "unrelated"]}


@pytest.fixture
def config(config, oidc_provider):
    """Return the test app's settings, signing in through the test provider."""
    return {**config, **sso_settings(oidc_provider)}


def user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def actions(user_id: int) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.object_type == "users", AuditEvent.object_id == user_id)
        .order_by(AuditEvent.id)))


def test_the_sign_in_page_offers_the_provider_and_the_password(client):
    html = client.get("/sign-in?next=/x").text
    assert 'href="/sign-in/sso?next=/x"' in html
    assert "Sign in with Example Login" in html
    assert '<label for="password">Password</label>' in html


def test_a_first_sign_in_creates_the_user_with_the_roles_of_their_groups(client, oidc_provider):
    response = oidc_provider.sign_in(client, "ana-1", ANA, next_url="/?tab=mine")
    assert response.status_code == 302
    assert response.headers["Location"] == "/?tab=mine"
    assert "Welcome, Ana Souza" in client.get("/").text
    ana = user("ana.souza@example.com")
    assert ana.roles == {Role.INTERVIEWER, Role.COMMITTEE}
    assert (ana.sso_subject, ana.sso_issuer) == ("ana-1", oidc_provider.issuer)
    assert ana.password_hash is None
    assert actions(ana.id) == ["user.add"]


def _sign_in_from_a_browser_in(zone: str, client, oidc_provider, sub: str):
    # static/time-zone.js adds the browser's zone to the sign-in link.
    start = client.get(f"/sign-in/sso?time_zone={zone}")
    callback = urlsplit(oidc_provider.authorize(start.headers["Location"], sub, ANA))
    return client.get(f"{callback.path}?{callback.query}")


def test_the_first_sign_in_takes_the_browsers_time_zone_and_later_ones_keep_it(
        client, oidc_provider):
    assert "data-time-zone" in client.get("/sign-in").text
    assert _sign_in_from_a_browser_in("Asia/Tokyo", client, oidc_provider,
                                      "ana-zone").status_code == 302
    assert user("ana.souza@example.com").time_zone == "Asia/Tokyo"
    client.post("/sign-out")
    _sign_in_from_a_browser_in("America/Chicago", client, oidc_provider, "ana-zone")
    assert user("ana.souza@example.com").time_zone == "Asia/Tokyo"


def test_each_sign_in_brings_name_and_roles_up_to_date(client, oidc_provider):
    oidc_provider.sign_in(client, "ana-2", ANA)
    client.post("/sign-out")
    changed = {**ANA, "name": "Ana Souza-Lima", "groups": ["people-team"]}
    assert oidc_provider.sign_in(client, "ana-2", changed).status_code == 302
    ana = user("ana.souza@example.com")
    assert ana.name == "Ana Souza-Lima"
    assert ana.roles == {Role.HR, Role.INTERVIEWER}
    assert actions(ana.id)[-1] == "user.roles_changed"
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "user.roles_changed"))
    assert event.details["before"] == ["committee", "interviewer"]
    assert event.details["after"] == ["hr", "interviewer"]


def test_an_account_with_a_password_is_linked_by_its_email_the_first_time(client, make_user,
                                                                        oidc_provider):
    make_user(Role.ADMIN, email="ana.souza@example.com", password=PASSWORD)
    assert oidc_provider.sign_in(client, "ana-3", ANA).status_code == 302
    ana = user("ana.souza@example.com")
    assert ana.sso_subject == "ana-3"
    assert ana.roles == {Role.INTERVIEWER, Role.COMMITTEE}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


@pytest.mark.parametrize(("claims", "status", "title", "words"), [
    ({**ANA, "_id_token": "wrong_audience"}, 401, "We could not confirm who you are",
     "was made for another application"),
    ({**ANA, "_id_token": "expired"}, 401, "Your sign-in expired", "had expired"),
    ({**ANA, "_id_token": "tampered"}, 401, "We could not confirm who you are",
     "was changed on its way"),
    ({**ANA, "groups": ["unrelated"]}, 403, "Your account has no role in Scorecards",
     "Ask your administrator"),
    ({**ANA, "email": "ana@elsewhere.org"}, 403, "This account cannot sign in to Scorecards",
     "your work account"),
    ({**ANA, "email_verified": False}, 403, "Your email address is not verified",
     "Verify it there"),
], ids=["wrong-audience", "expired", "tampered", "unmapped-group", "other-domain",
        "unverified-email"])
def test_a_refused_sign_in_says_why_and_signs_nobody_in(client, oidc_provider, caplog, claims,
                                                       status, title, words):
    with caplog.at_level(logging.WARNING):
        response = oidc_provider.sign_in(client, "ana-4", claims)
    assert response.status_code == status
    assert f"<h1>{title}</h1>" in response.text
    assert words in response.text
    assert client.get("/").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    assert "single sign-on refused" in caplog.text
    assert "souza" not in caplog.text.lower()


def test_an_answer_for_another_sign_in_is_refused(client, oidc_provider):
    first = client.get("/sign-in/sso").headers["Location"]
    client.get("/sign-in/sso")  # a second sign-in started: the first one's state is gone
    callback = oidc_provider.authorize(first, "ana-5", ANA).removeprefix("http://localhost")
    response = client.get(callback.replace("state=", "state=x"))
    assert response.status_code == 400
    assert "<h1>This sign-in was interrupted</h1>" in response.text
    assert client.get("/").status_code == 302


def test_a_deactivated_user_is_refused(client, make_user, oidc_provider):
    make_user(email="ana.souza@example.com", active=False)
    response = oidc_provider.sign_in(client, "ana-6", ANA)
    assert response.status_code == 403
    assert "<h1>Your Scorecards account is deactivated</h1>" in response.text
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_single_sign_on_never_redirects_off_site(client, oidc_provider, target):
    response = oidc_provider.sign_in(client, "ana-7", ANA, next_url=target)
    assert response.headers["Location"] == "/"


class TestPasswordSignInOff:
    @pytest.fixture
    def config(self, config):
        return {**config, "PASSWORD_SIGN_IN": False}

    def test_the_sign_in_page_has_no_password_form(self, client):
        html = client.get("/sign-in").text
        assert "Sign in with Example Login" in html
        assert 'name="password"' not in html

    def test_a_posted_password_is_refused(self, client, make_user):
        make_user(email="ana@example.com", password=PASSWORD)
        response = client.post("/sign-in", data={"email": "ana@example.com",
                                                  "password": PASSWORD})
        assert response.status_code == 403
        assert "Signing in with a password is turned off" in response.text
        assert client.get("/").status_code == 302

    def test_the_provider_still_signs_people_in(self, client, oidc_provider):
        assert oidc_provider.sign_in(client, "ana-8", ANA).status_code == 302
        assert client.get("/").status_code == 200

    def test_text_sent_after_the_session_ended_comes_back_after_signing_in_at_the_provider(
            self, client, make_user, make_interview, oidc_provider):
        ana = make_user(email="ana.souza@example.com")
        (mine,) = make_interview(panel=[ana]).scorecards
        sent = form(1, action="submit", code=(3, "Evidence typed over an hour"))
        rescue = client.post(f"/scorecards/{mine.id}", data=sent)
        assert rescue.status_code == 401
        assert 'name="password"' not in rescue.text
        assert f'href="/sign-in/sso?next=/scorecards/{mine.id}" target="_blank"' in rescue.text
        carried = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">',
                                  rescue.text))
        assert carried["action"] == "restore"
        assert oidc_provider.sign_in(client, "ana-9", ANA).status_code == 302
        restored = client.post(f"/scorecards/{mine.id}", data=carried)
        assert restored.status_code == 200
        assert "Evidence typed over an hour" in restored.text


def test_the_redirect_uri_may_be_set(app, client):
    app.config["OIDC_REDIRECT_URI"] = "https://scorecards.example.com/sign-in/sso/callback"
    authorize = urlsplit(client.get("/sign-in/sso").headers["Location"])
    query = parse_qs(authorize.query)
    assert query["redirect_uri"] == ["https://scorecards.example.com/sign-in/sso/callback"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["scope"] == ["openid email profile groups"]
    assert {"state", "nonce", "code_challenge"} <= query.keys()


def test_without_single_sign_on_its_routes_are_not_found(app, client):
    app.config["OIDC_ISSUER"] = None
    assert client.get("/sign-in/sso").status_code == 404
    assert client.get("/sign-in/sso/callback?code=x&state=y").status_code == 404
    assert "Sign in with" not in client.get("/sign-in").text


def test_an_email_changed_at_the_provider_follows_the_subject(client, oidc_provider):
    oidc_provider.sign_in(client, "ana-10", ANA)
    client.post("/sign-out")
    moved = {**ANA, "email": "ana.lima@example.com"}
    assert oidc_provider.sign_in(client, "ana-10", moved).status_code == 302
    assert user("ana.souza@example.com") is None
    assert user("ana.lima@example.com").sso_subject == "ana-10"


def test_an_email_of_another_linked_account_is_refused(client, oidc_provider):
    oidc_provider.sign_in(client, "ana-11", ANA)
    client.post("/sign-out")
    response = oidc_provider.sign_in(client, "impostor-11", ANA)
    assert response.status_code == 403
    assert "<h1>Your email address belongs to another account</h1>" in response.text
    assert client.get("/").status_code == 302


class TestProviderDown:
    @pytest.fixture
    def config(self, config, unused_port):
        return {**config, "OIDC_ISSUER": f"http://127.0.0.1:{unused_port}"}

    def test_signing_in_says_the_provider_did_not_answer(self, client):
        response = client.get("/sign-in/sso")
        assert response.status_code == 502
        assert "<h1>Example Login did not answer</h1>" in response.text


@pytest.fixture
def unused_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
