"""The committee's queue is paged by key, longest waiting first, ties broken by id."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from scorecards.committee import services, views
from scorecards.core.vocabulary import ApplicationStatus, Role
from scorecards.extensions import db

WAITING_SINCE = datetime(2026, 3, 1, 9, tzinfo=UTC)


@pytest.fixture
def member(make_user):
    """Return a committee member."""
    return make_user(Role.COMMITTEE, name="Johan Berg")


@pytest.fixture
def five(make_application, make_user, make_interview, submit):
    """Five applications at the committee, each with a submitted panel; two wait equally long.

    Return their candidates' names, longest waiting first.
    """
    ana = make_user(name="Ana Souza")
    made = []
    for n, hours in enumerate([4, 0, 2, 2, 1]):
        application = make_application(f"Waiting {n}")
        interview = make_interview(application, stage="coding", panel=[ana])
        submit(interview.scorecards[0], {"understanding": 3, "approach": 3, "code": 3})
        application.status = ApplicationStatus.COMMITTEE
        db.session.commit()
        application.updated_at = WAITING_SINCE + timedelta(hours=hours)
        db.session.commit()
        made.append(application)
    made.sort(key=lambda a: (a.updated_at, a.id))
    return [a.candidate.name for a in made]


def _names(page):
    return [row.application.candidate.name for row in page.rows]


def test_pages_of_the_queue_visit_every_waiting_application_once_in_order(member, five):
    first = services.queue(member, 2)
    second = services.queue(member, 2, after=first.after)
    third = services.queue(member, 2, after=second.after)
    assert _names(first) + _names(second) + _names(third) == five
    assert third.after is None
    assert _names(services.queue(member, 2, before=second.before)) == five[:2]
    assert all(row.summary.outcome is not None for row in second.rows)


def test_the_page_links_the_next_one_and_offers_packets_for_its_openings(
        member, five, sign_in, monkeypatch):
    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 3)
    client = sign_in(member)
    first = client.get("/committee/").text
    older = re.search(r'href="([^"]*after=[^"]*)" rel="next"', first)
    second = client.get(older[1].replace("&amp;", "&")).text
    assert all(name in second for name in five[3:])
    assert not any(name in second for name in five[:3])
    assert 'rel="prev"' in second
    assert "Backend Engineer, Test:" in second  # the meeting's packets


def test_a_cursor_the_queue_never_gave_is_refused_with_a_message(member, sign_in):
    response = sign_in(member).get("/committee/?after=bm9wZQ")
    assert response.status_code == 400
    assert "Start again from the longest waiting applications" in response.text
