"""``flask users``: the administration commands beside add, set-password and the tokens."""

from __future__ import annotations

import sqlalchemy as sa

from scorecards.auth.cli import users_cli
from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import AuditEvent, User


def _user(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_the_group_keeps_every_command(app):
    assert {"add", "set-password", "token", "revoke-token", "list", "invite", "roles",
            "deactivate", "reactivate", "reset-password"} <= set(users_cli.commands)


def test_invite_change_deactivate_reactivate_and_reset_from_the_command_line(
        app, runner, inbox, make_user):
    app.config["PUBLIC_URL"] = "https://scorecards.example.org"
    _from_the_command_line(runner, inbox)


def _from_the_command_line(runner, inbox) -> None:
    invited = runner.invoke(args=["users", "invite", "Uma@Example.org", "--role", "hr",
                                  "--name", "Uma"])
    assert invited.exit_code == 0, invited.output
    assert "https://scorecards.example.org/account/" in inbox.body_to("uma@example.org")
    roles = runner.invoke(args=["users", "roles", "uma@example.org", "--role", "committee",
                                "--role", "interviewer"])
    assert roles.exit_code == 0, roles.output
    assert _user("uma@example.org").roles == {Role.COMMITTEE, Role.INTERVIEWER}
    listed = runner.invoke(args=["users", "list", "--search", "uma", "--role", "committee"])
    assert listed.output.startswith("uma@example.org\tUma\tcommittee,interviewer\tactive")
    assert runner.invoke(args=["users", "list", "--role", "admin"]).output == ""
    assert runner.invoke(args=["users", "deactivate", "uma@example.org"]).exit_code == 0
    assert not _user("uma@example.org").active
    assert runner.invoke(args=["users", "reactivate", "uma@example.org"]).exit_code == 0
    assert _user("uma@example.org").active
    reset = runner.invoke(args=["users", "reset-password", "uma@example.org"])
    assert reset.exit_code == 0, reset.output
    assert "/account/" in inbox.body_to("uma@example.org")
    events = list(db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.object_id == _user("uma@example.org").id, AuditEvent.object_type == "users")))
    assert all(event.actor_id is None for event in events)  # the command line
    assert {"user.invited", "user.roles_changed", "user.deactivated", "user.reactivated",
            "user.password_reset_sent"} <= {event.action for event in events}


def test_the_command_line_keeps_an_active_admin_and_names_unknown_users(app, runner,
                                                                        make_user):
    make_user(Role.ADMIN, email="root@example.org")
    refused = runner.invoke(args=["users", "deactivate", "root@example.org"])
    assert refused.exit_code == 1
    assert "only active admin" in refused.output
    assert _user("root@example.org").active
    unknown = runner.invoke(args=["users", "roles", "nobody@example.org", "--role", "hr"])
    assert unknown.exit_code == 1
    assert "There is no user nobody@example.org" in unknown.output


def test_a_link_needs_the_public_address_from_the_command_line(app, runner, make_user, inbox):
    make_user(email="pia@example.org", password="quartz-lantern-mosaic-91-otter")  # noqa: S106
    app.config["PUBLIC_URL"] = None
    refused = runner.invoke(args=["users", "reset-password", "pia@example.org"])
    assert refused.exit_code == 1
    assert "SCORECARDS_PUBLIC_URL" in refused.output
    assert inbox.messages == []
