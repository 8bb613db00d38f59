"""Failed sign-ins and refused API tokens are throttled per account and per client address."""

import uuid

import pytest

from scorecards import create_app
from scorecards.api.services import issue_token
from scorecards.config import read_settings
from scorecards.core.vocabulary import Role
from scorecards.extensions import db, limiter
from tests.conftest import PASSWORD


@pytest.fixture
def config(config):
    return {**config, "SIGN_IN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
            "SIGN_IN_LIMIT_PER_ADDRESS": "5 per 15 minutes",
            "API_TOKEN_LIMIT_PER_ADDRESS": "3 per 15 minutes"}


WRONG = "wrong password"


def attempt(client, email, password=WRONG, address="10.0.0.1"):
    return client.post("/sign-in", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_an_account_is_paused_after_its_failures_even_for_the_right_password(client, make_user):
    make_user(email="ana@example.com", password=PASSWORD)
    for _ in range(3):
        assert attempt(client, "ana@example.com").status_code == 400
    response = attempt(client, "ANA@example.com", PASSWORD, address="10.0.0.2")
    assert response.status_code == 429
    assert 14 * 60 < int(response.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed sign-ins" in response.text
    assert "paused for 15 minutes" in response.text
    assert client.get("/").status_code == 302


def test_an_unknown_email_is_paused_alike(client):
    for _ in range(3):
        attempt(client, "nobody@example.com")
    assert attempt(client, "nobody@example.com").status_code == 429


def test_an_address_is_paused_after_failures_across_accounts(client, make_user):
    make_user(email="ana@example.com", password=PASSWORD)
    for n in range(5):
        assert attempt(client, f"guess{n}@example.com").status_code == 400
    assert attempt(client, "ana@example.com", PASSWORD).status_code == 429
    assert attempt(client, "ana@example.com", PASSWORD, address="10.0.0.9").status_code == 302


def test_a_successful_sign_in_forgets_the_accounts_failures(client, make_user):
    make_user(email="ana@example.com", password=PASSWORD)
    for _ in range(2):
        attempt(client, "ana@example.com")
    assert attempt(client, "ana@example.com", PASSWORD).status_code == 302
    client.post("/sign-out")
    for _ in range(2):
        assert attempt(client, "ana@example.com", address="10.0.0.3").status_code == 400
    assert attempt(client, "ana@example.com", PASSWORD, address="10.0.0.3").status_code == 302


def test_a_paused_sign_in_keeps_the_text_it_carries(client):
    for _ in range(3):
        attempt(client, "ana@example.com")
    response = client.post("/sign-in?next=/scorecards/1", data={
        "email": "ana@example.com", "password": PASSWORD, "rescued": "1",
        "takeaways": "typed before the session ended"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert response.status_code == 429
    assert "typed before the session ended" in response.text


def test_refused_api_tokens_are_paused_per_address_as_problems(client, make_user):
    token = issue_token(make_user(Role.HR), "script")

    def call(bearer, address="10.0.0.1"):
        return client.get("/api/v1/openings", headers={"Authorization": f"Bearer {bearer}"},
                          environ_base={"REMOTE_ADDR": address})

    for _ in range(3):
        assert call("sc_not-a-real-token").status_code == 401
    response = call(token)
    assert response.status_code == 429
    assert response.content_type == "application/problem+json"
    assert response.json["status"] == 429
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert call(token, address="10.0.0.2").status_code == 200


def test_the_default_limits_are_ten_per_account_and_fifty_per_address():
    settings = read_settings({})
    assert settings.SIGN_IN_LIMIT_PER_ACCOUNT == "10 per 15 minutes"
    assert settings.SIGN_IN_LIMIT_PER_ADDRESS == "50 per 15 minutes"
    assert settings.API_TOKEN_LIMIT_PER_ADDRESS == "50 per 15 minutes"


def test_counts_are_kept_in_redis_when_it_is_set(config):
    app = create_app({**config, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
                      "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    assert type(limiter.storage).__name__ == "RedisStorage"
    client = app.test_client()
    try:
        for _ in range(3):
            attempt(client, "redis@example.com")
        assert attempt(client, "redis@example.com").status_code == 429
    finally:
        with app.app_context():
            db.engine.dispose()


def test_signing_in_goes_on_when_the_count_storage_is_down(config, make_user, caplog):
    app = create_app({**config, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"})  # no server
    make_user(email="ana@example.com", password=PASSWORD)
    client = app.test_client()
    try:
        assert attempt(client, "ana@example.com").status_code == 400
        assert attempt(client, "ana@example.com", PASSWORD).status_code == 302
    finally:
        with app.app_context():
            db.engine.dispose()
    assert "attempts are not throttled" in caplog.text
