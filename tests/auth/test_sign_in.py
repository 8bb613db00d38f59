"""Signing in and out."""

import re
from time import perf_counter

import pytest

from tests.conftest import PASSWORD


def sign_in(client, email, password=PASSWORD, next_url=None):
    url = "/sign-in" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password})


def test_pages_need_a_signed_in_user(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=%2F"


def test_the_sign_in_page_labels_its_fields(client):
    html = client.get("/sign-in").text
    assert '<label for="email">Email</label>' in html
    assert '<label for="password">Password</label>' in html


def test_a_user_signs_in_with_email_in_any_case(client, make_user):
    make_user(email="ana@example.com", password=PASSWORD, name="Ana Souza")
    response = sign_in(client, "  ANA@example.com ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Welcome, Ana Souza" in client.get("/").text


@pytest.mark.parametrize(("email", "password"), [
    ("ana@example.com", "wrong password"),
    ("nobody@example.com", PASSWORD),
])
def test_wrong_credentials_get_one_message_that_reveals_nothing(client, make_user, email,
                                                                 password):
    make_user(email="ana@example.com", password=PASSWORD)
    response = sign_in(client, email, password)
    assert response.status_code == 400
    assert "That email and password do not match an active account." in response.text
    assert client.get("/").status_code == 302


def test_a_deactivated_user_cannot_sign_in(client, make_user):
    make_user(email="gone@example.com", password=PASSWORD, active=False)
    assert sign_in(client, "gone@example.com").status_code == 400


def test_empty_fields_are_named_in_the_error_summary(client):
    response = client.post("/sign-in", data={"email": "", "password": ""})
    assert response.status_code == 400
    assert 'id="error-summary"' in response.text
    assert 'href="#email"' in response.text
    assert 'aria-invalid="true"' in response.text


def test_sign_in_returns_to_the_page_asked_for(client, make_user):
    make_user(email="ana@example.com", password=PASSWORD)
    assert sign_in(client, "ana@example.com", next_url="/?x=1").headers["Location"] == "/?x=1"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example",
                                    "javascript:alert(1)"])
def test_sign_in_never_redirects_off_site(client, make_user, target):
    make_user(email="ana@example.com", password=PASSWORD)
    assert sign_in(client, "ana@example.com", next_url=target).headers["Location"] == "/"


def test_sign_out_needs_a_post_and_ends_the_session(client, make_user):
    make_user(email="ana@example.com", password=PASSWORD)
    sign_in(client, "ana@example.com")
    visited = client.get("/sign-out")  # an address typed or reloaded: no 405, no sign-out
    assert visited.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.post("/sign-out").status_code == 302
    assert client.get("/").status_code == 302


@pytest.fixture
def csrf_client(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def test_a_form_post_without_its_csrf_token_is_refused(csrf_client, make_user):
    make_user(email="ana@example.com", password=PASSWORD)
    response = sign_in(csrf_client, "ana@example.com")
    assert response.status_code == 400
    assert "This form expired" in response.text


def test_a_form_post_with_its_csrf_token_is_accepted(csrf_client, make_user):
    make_user(email="ana@example.com", password=PASSWORD)
    page = csrf_client.get("/sign-in").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = csrf_client.post("/sign-in", data={"email": "ana@example.com",
                                                  "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_user_text_is_escaped(client, make_user):
    make_user(email="x@example.com", password=PASSWORD, name="<script>alert(1)</script>")
    sign_in(client, "x@example.com")
    html = client.get("/").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_unknown_email_takes_as_long_to_refuse_as_a_wrong_password(client, make_user):
    make_user(email="ana@example.com", password=PASSWORD)
    sign_in(client, "nobody@example.com", "warm up")

    def median_seconds(email):
        times = []
        for _ in range(3):
            start = perf_counter()
            assert sign_in(client, email, "wrong password").status_code == 400
            times.append(perf_counter() - start)
        return sorted(times)[1]

    known, unknown = median_seconds("ana@example.com"), median_seconds("nobody@example.com")
    # The password hash check dominates both; without it an unknown email was 15 times faster.
    assert unknown > known / 2
