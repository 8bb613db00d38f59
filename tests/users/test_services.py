"""User administration's rules, as the services keep them."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from scorecards.core.errors import NotVisible
from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import User
from scorecards.users import services
from tests.conftest import ON_POSTGRES
from tests.faults.conftest import wait_until
from tests.users.conftest import STRONG_PASSWORD


def _url(token: str) -> str:
    return f"http://scorecards.example.org/account/{token}"


def test_some_admin_stays_active_whoever_asks(make_user):
    first, second = make_user(Role.ADMIN), make_user(Role.ADMIN)
    services.change(first, second.id, active=False)  # another admin is left: allowed
    with pytest.raises(services.LastAdmin, match="only active admin"):
        services.change(first, first.id, roles=[Role.HR])
    with pytest.raises(services.LastAdmin, match="only active admin"):
        services.change(None, first.id, active=False)
    services.change(first, second.id, active=True)
    services.change(second, second.id, roles=[Role.HR])  # the first is still an admin
    assert second.roles == {Role.HR}


def test_only_admins_administer_users(make_user):
    target = make_user(Role.INTERVIEWER)
    for role in (Role.HR, Role.COMMITTEE, Role.FAIRNESS, Role.INTERVIEWER):
        with pytest.raises(NotVisible):
            services.change(make_user(role), target.id, active=False)
    with pytest.raises(NotVisible):
        services.users(make_user(Role.ADMIN, active=False))


def test_the_list_is_paged_newest_first_and_found_by_any_part(make_user):
    admin = make_user(Role.ADMIN)
    made = [make_user(Role.HR, name=f"Tess {n}", email=f"tess{n}@example.org")
            for n in range(3)]
    first = services.users(admin, search="ESS", limit=2)
    second = services.users(admin, search="ESS", limit=2, after=first.after)
    assert [u.id for u in first.rows + second.rows] == [u.id for u in reversed(made)]
    assert second.after is None
    assert services.users(admin, search="100%_").rows == []  # wildcards are plain text


def test_a_deactivated_users_link_stops_and_a_set_password_needs_no_invitation(make_user):
    admin = make_user(Role.ADMIN)
    person = make_user(Role.HR, email="kai@example.org", password=STRONG_PASSWORD)
    with pytest.raises(services.NotSent, match="set a password already"):
        services.resend_invitation(admin, person.id, _url)
    sent = services.send_password_reset(admin, person.id, _url)
    services.change(admin, person.id, active=False)
    with pytest.raises(services.LinkRefused) as refused:
        services.open_link(sent.url.rpartition("/")[2])
    assert refused.value.gone
    with pytest.raises(services.NotSent, match="deactivated"):
        services.send_password_reset(admin, person.id, _url)


def test_a_refused_password_keeps_the_link_working(make_user):
    admin = make_user(Role.ADMIN)
    sent = services.invite(admin, "lea@example.org", "Lea", [Role.INTERVIEWER], _url)
    token = sent.url.rpartition("/")[2]
    with pytest.raises(services.UserError):
        services.set_password_by_link(token, "lea@example.org1")
    person = services.set_password_by_link(token, STRONG_PASSWORD)
    assert person.check_password(STRONG_PASSWORD)
    with pytest.raises(services.LinkRefused):
        services.open_link(token)


@pytest.mark.skipif(not ON_POSTGRES,
                    reason="row locks are PostgreSQL's; SQLite lets one writer at a time")
def test_two_admins_removing_each_other_at_once_leave_one(app, make_user):
    """The second change waits for the first, then sees it was the last admin's turn."""
    first, second = make_user(Role.ADMIN), make_user(Role.ADMIN)
    first_id, second_id = first.id, second.id
    locked, go = threading.Event(), threading.Event()
    outcomes: dict[str, str] = {}

    def hold_before_commit(session):
        if threading.current_thread().name == "first":
            locked.set()
            go.wait(10)

    def remove(name: str, actor_id: int, target_id: int) -> None:
        with app.app_context():
            try:
                services.change(db.session.get(User, actor_id), target_id, active=False)
                outcomes[name] = "done"
            except services.LastAdmin:
                outcomes[name] = "refused"
            finally:
                db.session.remove()

    event.listen(db.session, "before_commit", hold_before_commit)
    try:
        one = threading.Thread(target=remove, args=("first", first_id, second_id), name="first")
        one.start()
        assert locked.wait(10)
        two = threading.Thread(target=remove, args=("second", second_id, first_id))
        two.start()
        with db.engine.connect() as watcher:  # the second change waits on the first's lock
            wait_until(lambda: watcher.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()")).scalar() == 1, seconds=10)
        go.set()
        one.join(10)
        two.join(10)
    finally:
        go.set()
        event.remove(db.session, "before_commit", hold_before_commit)
    assert outcomes == {"first": "done", "second": "refused"}
    db.session.expire_all()
    assert [db.session.get(User, first_id).active, db.session.get(User, second_id).active] == \
        [True, False]
