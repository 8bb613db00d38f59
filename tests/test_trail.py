"""The audit trail's page: administrators read who did what, newest first, a page at a time."""

from __future__ import annotations

import re

import pytest

from scorecards import audit
from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.trail import views


@pytest.fixture
def admin(make_user, sign_in):
    """Return a client signed in as an administrator named Ada Admin."""
    return sign_in(make_user(Role.ADMIN, name="Ada Admin"))


def test_events_are_listed_newest_first_with_who_and_what(admin, make_user, make_application):
    hr = make_user(Role.HR, name="Hanna Recruiter")
    application = make_application()
    audit.record(hr, "application.closed", application, status="rejected")
    audit.record(None, "catalog.sync", None, stored=["rubric:coding:v1"])
    db.session.commit()
    html = admin.get("/audit/").text
    assert html.index("catalog.sync") < html.index("application.closed")
    assert "Hanna Recruiter" in html
    assert "The system" in html
    assert f"applications {application.id}" in html
    assert "rejected" in html


def test_the_trail_is_paged_by_key(admin, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for n in range(3):
        audit.record(None, f"test.event{n}", None)
    db.session.commit()
    first = admin.get("/audit/").text
    assert "test.event2" in first
    assert "test.event0" not in first
    older = re.search(r'href="([^"]*after=[^"]*)" rel="next"', first)
    second = admin.get(older[1].replace("&amp;", "&")).text
    assert "test.event0" in second
    assert "test.event2" not in second
    assert admin.get("/audit/?after=bm9wZQ").status_code == 400


@pytest.mark.parametrize("role", [Role.HR, Role.COMMITTEE, Role.INTERVIEWER])
def test_only_administrators_read_the_trail(make_user, sign_in, role):
    assert sign_in(make_user(role)).get("/audit/").status_code == 404
