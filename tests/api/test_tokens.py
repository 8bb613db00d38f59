"""Bearer tokens: issued and revoked on the command line, stored hashed, the only way in."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from scorecards.api.services import issue_token
from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import ApiToken
from tests.api.conftest import ApiClient, assert_problem


def _issue(runner, *args: str) -> str:
    result = runner.invoke(args=["users", "token", *args])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_the_cli_prints_a_token_once_and_stores_only_its_hash(runner, make_user, client):
    user = make_user(Role.HR, email="hana@example.com")
    token = _issue(runner, "Hana@Example.com", "--name", "laptop")
    stored = db.session.scalar(sa.select(ApiToken))
    assert (stored.user_id, stored.name) == (user.id, "laptop")
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash
    assert ApiClient(client, token).get("/api/v1/openings").status_code == 200


def test_two_live_tokens_of_one_user_need_different_names(runner, make_user):
    make_user(email="ana@example.com")
    _issue(runner, "ana@example.com")
    result = runner.invoke(args=["users", "token", "ana@example.com"])
    assert result.exit_code == 1
    assert "has a token named 'default' already" in result.output


def test_a_token_for_an_unknown_user_is_refused(runner, app):
    result = runner.invoke(args=["users", "token", "nobody@example.com"])
    assert result.exit_code == 1
    assert "There is no user nobody@example.com." in result.output


def test_a_revoked_token_no_longer_works(runner, make_user, client):
    make_user(Role.HR, email="hana@example.com")
    kept, revoked = (_issue(runner, "hana@example.com", "--name", name)
                     for name in ("kept", "lost"))
    result = runner.invoke(args=["users", "revoke-token", "hana@example.com", "--name", "lost"])
    assert result.exit_code == 0, result.output
    assert "Revoked 1 token(s)" in result.output
    assert_problem(ApiClient(client, revoked).get("/api/v1/openings"), 401)
    assert ApiClient(client, kept).get("/api/v1/openings").status_code == 200


def test_revoking_all_tokens_shuts_every_one_out(runner, make_user, client):
    make_user(Role.HR, email="hana@example.com")
    tokens = [_issue(runner, "hana@example.com", "--name", name) for name in ("a", "b")]
    result = runner.invoke(args=["users", "revoke-token", "hana@example.com", "--all"])
    assert "Revoked 2 token(s)" in result.output
    for token in tokens:
        assert ApiClient(client, token).get("/api/v1/openings").status_code == 401


def test_revoking_a_token_that_does_not_exist_says_so(runner, make_user):
    make_user(email="ana@example.com")
    result = runner.invoke(args=["users", "revoke-token", "ana@example.com", "--name", "x"])
    assert result.exit_code == 1
    assert "no live token named 'x'" in result.output


def test_the_token_commands_are_registered_once_however_many_apps_exist(config, runner):
    from scorecards import create_app
    from scorecards.auth.cli import users_cli

    create_app(config)
    create_app(config)
    assert {"token", "revoke-token"} <= set(users_cli.commands)


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer sc_not-a-real-token",
                                    "Basic dXNlcjpwYXNz", "bearer "])
def test_a_request_without_a_valid_token_is_401_with_a_bearer_challenge(client, app, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/openings", headers=headers)
    problem = assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "token" in problem["detail"]


def test_a_session_cookie_alone_does_not_authenticate_the_api(make_user, sign_in):
    browser = sign_in(make_user(Role.HR))
    assert browser.get("/interviews").status_code == 200  # the cookie works for pages
    assert_problem(browser.get("/api/v1/openings"), 401)
    assert_problem(browser.post("/api/v1/candidates", json={"name": "Ada"}), 401)


def test_a_deactivated_users_token_does_not_work(make_user, client):
    user = make_user(Role.HR)
    token = issue_token(user, "laptop")
    user.active = False
    db.session.commit()
    assert_problem(ApiClient(client, token).get("/api/v1/openings"), 401)


def test_last_use_is_recorded_at_most_once_a_minute(make_user, client):
    token = issue_token(make_user(Role.HR), "laptop")
    caller = ApiClient(client, token)
    caller.get("/api/v1/openings")
    stored = db.session.scalar(sa.select(ApiToken))
    first = stored.last_used_at
    assert first is not None
    caller.get("/api/v1/openings")
    db.session.expire_all()
    assert stored.last_used_at == first
    stored.last_used_at = first - timedelta(minutes=2)
    db.session.commit()
    caller.get("/api/v1/openings")
    db.session.expire_all()
    assert stored.last_used_at > first


def test_the_api_needs_no_csrf_token_even_where_forms_do(config, make_user):
    from scorecards import create_app

    app = create_app({**config, "WTF_CSRF_ENABLED": True})
    token = issue_token(make_user(Role.HR), "laptop")
    response = app.test_client().post("/api/v1/candidates", json={"name": "Ada Lovelace"},
                                      headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()
