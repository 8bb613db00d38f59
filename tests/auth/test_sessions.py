"""Sessions and remember-me cookies end when the user signs out or changes the password."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from scorecards.auth.services import change_password
from scorecards.extensions import db
from tests.conftest import PASSWORD, IsolatedClient


def sign_in(client, email="ana@example.com", remember=False):
    data = {"email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/sign-in", data=data)
    assert response.status_code == 302
    return response


def another_device(app, **cookies):
    """Return a client that holds only the given cookies, as copied from another browser."""
    app.test_client_class = IsolatedClient
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


@pytest.fixture
def ana(make_user):
    return make_user(email="ana@example.com", password=PASSWORD)


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_a_session_cookie_copied_before_sign_out_is_dead_after_it(app, client, ana):
    sign_in(client)
    copied = client.get_cookie("session").value
    assert signed_in(another_device(app, session=copied))
    client.post("/sign-out")
    assert not signed_in(another_device(app, session=copied))


def test_signing_out_ends_the_sessions_on_every_device(app, client, ana):
    other = another_device(app)
    sign_in(client)
    sign_in(other)
    client.post("/sign-out")
    assert not signed_in(other)


def test_a_remember_me_cookie_is_dead_after_sign_out(app, client, ana):
    sign_in(client, remember=True)
    token = client.get_cookie("remember_token").value
    assert signed_in(another_device(app, remember_token=token))
    client.post("/sign-out")
    assert not signed_in(another_device(app, remember_token=token))


def test_changing_the_password_ends_every_session(app, client, ana):
    sign_in(client, remember=True)
    session, token = client.get_cookie("session").value, client.get_cookie("remember_token").value
    change_password(db.session.merge(ana), "a brand new passphrase")
    assert not signed_in(another_device(app, session=session))
    assert not signed_in(another_device(app, remember_token=token))


def test_every_sign_in_gets_a_new_remember_me_token(app, ana):
    first, second = another_device(app), another_device(app)
    sign_in(first, remember=True)
    sign_in(second, remember=True)
    assert first.get_cookie("remember_token").value != second.get_cookie("remember_token").value


def test_the_remember_me_cookie_lasts_two_weeks_and_is_guarded(app, client, ana):
    app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = True
    cookie = next(header for header in sign_in(client, remember=True).headers.getlist("Set-Cookie")
                  if header.startswith("remember_token="))
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    expires = datetime.strptime(cookie.split("Expires=")[1].split(";")[0],
                                "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
    assert abs(expires - (datetime.now(UTC) + timedelta(days=14))) < timedelta(minutes=1)


def test_a_sign_in_older_than_the_remember_duration_is_refused(app, sign_in, ana):
    client = sign_in(ana)
    assert signed_in(client)
    with client.session_transaction() as session:
        user_id, generation, _, nonce = session["_user_id"].split(".")
        too_old = int(time.time()) - 15 * 24 * 3600
        session["_user_id"] = f"{user_id}.{generation}.{too_old}.{nonce}"
    assert not signed_in(client)


@pytest.mark.parametrize("forged", ["1", "x.1.1.a", "1.1", ""])
def test_a_malformed_sign_in_id_signs_nobody_in(client, ana, forged):
    with client.session_transaction() as session:
        session["_user_id"] = forged.replace("1", str(ana.id), 1)
    assert not signed_in(client)
