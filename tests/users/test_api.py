"""The users routes of the API: for admins only, with problems that name the field."""

from __future__ import annotations

import sqlalchemy as sa

from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import AuditEvent, User
from tests.api.conftest import PROBLEM_JSON, api_as


def test_an_admin_finds_invites_changes_and_resets_users(make_user, client, inbox):
    admin = make_user(Role.ADMIN)
    api = api_as(client, admin)
    created = api.post("/api/v1/users", json={"email": "Ora@Example.org", "name": "Ora",
                                              "roles": ["interviewer"]})
    assert created.status_code == 201
    ora = created.get_json()
    assert ora["email"] == "ora@example.org"
    assert ora["roles"] == ["interviewer"]
    assert ora["password_set"] is False
    assert "/account/" in inbox.body_to("ora@example.org")
    found = api.get("/api/v1/users?search=ORA&role=interviewer&active=true").get_json()
    assert [u["id"] for u in found["items"]] == [ora["id"]]
    assert api.get(f"/api/v1/users/{ora['id']}").get_json()["name"] == "Ora"
    changed = api.patch(f"/api/v1/users/{ora['id']}", json={"roles": ["hr", "committee"],
                                                             "name": "Ora Lind"})
    assert changed.status_code == 200
    assert changed.get_json()["roles"] == ["committee", "hr"]
    assert changed.get_json()["name"] == "Ora Lind"
    reset = api.post(f"/api/v1/users/{ora['id']}/password-reset")
    assert reset.status_code == 202
    assert reset.get_json()["to"] == "ora@example.org"
    off = api.patch(f"/api/v1/users/{ora['id']}", json={"active": False})
    assert off.get_json()["active"] is False
    actions = set(db.session.scalars(sa.select(AuditEvent.action)
                                     .where(AuditEvent.actor_id == admin.id)))
    assert {"user.invited", "user.roles_changed", "user.renamed", "user.password_reset_sent",
            "user.deactivated"} <= actions


def test_the_api_pages_the_user_list_by_cursor(make_user, client):
    admin = make_user(Role.ADMIN)
    for _ in range(4):
        make_user(Role.HR)
    api = api_as(client, admin)
    seen, cursor = [], None
    while True:
        page = api.get("/api/v1/users?limit=2" + (f"&cursor={cursor}" if cursor else ""))
        seen += [u["id"] for u in page.get_json()["items"]]
        cursor = page.get_json()["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(db.session.scalars(sa.select(User.id)), reverse=True)
    assert api.get("/api/v1/users?cursor=bm9wZQ").status_code == 400


def test_refusals_name_the_field_and_the_last_admin_is_a_conflict(make_user, client, inbox):
    admin = make_user(Role.ADMIN, email="root@example.org")
    api = api_as(client, admin)
    taken = api.post("/api/v1/users", json={"email": "root@example.org", "roles": ["hr"]})
    assert taken.status_code == 422
    assert taken.content_type == PROBLEM_JSON
    assert [e["field"] for e in taken.get_json()["errors"]] == ["email"]
    no_roles = api.patch(f"/api/v1/users/{admin.id}", json={"roles": []})
    assert no_roles.status_code == 422
    assert no_roles.get_json()["errors"][0]["field"] == "roles"
    assert api.patch(f"/api/v1/users/{admin.id}", json={}).status_code == 422
    last = api.patch(f"/api/v1/users/{admin.id}", json={"active": False})
    assert last.status_code == 409
    assert "only active admin" in last.get_json()["detail"]
    assert api.patch(f"/api/v1/users/{admin.id}", json={"roles": ["hr"]}).status_code == 409
    assert api.get("/api/v1/users/999999").status_code == 404
    assert api.patch("/api/v1/users/999999", json={"active": True}).status_code == 404
    assert inbox.messages == []


def test_only_admins_reach_the_users_routes(make_user, client):
    person = make_user(Role.HR)
    api = api_as(client, make_user(Role.HR, Role.COMMITTEE, Role.FAIRNESS, Role.INTERVIEWER))
    assert api.get("/api/v1/users").status_code == 404
    assert api.get(f"/api/v1/users/{person.id}").status_code == 404
    assert api.patch(f"/api/v1/users/{person.id}", json={"active": False}).status_code == 404
    assert api.post("/api/v1/users", json={"email": "x@example.org",
                                           "roles": ["admin"]}).status_code == 404
    assert api.post(f"/api/v1/users/{person.id}/password-reset").status_code == 404
    db.session.expire_all()
    assert db.session.get(User, person.id).active
