"""My interviews: upcoming and past, each with candidate, stage, time and scorecard state."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from scorecards.core.vocabulary import ScorecardStatus
from scorecards.extensions import db

NOW = datetime.now(UTC)


def rows(html: str, caption: str) -> str:
    """Return the part of the page under a table caption."""
    start = html.index(f"<caption>{caption}</caption>")
    return html[start:html.index("</table>", start)]


def test_upcoming_and_past_interviews_are_listed_apart(make_user, make_application,
                                                       make_interview, sign_in):
    ana = make_user()
    make_interview(make_application("Future Person"), panel=[ana], when=NOW + timedelta(days=2))
    make_interview(make_application("Past Person"), stage="design", panel=[ana],
                   when=NOW - timedelta(hours=3))
    html = sign_in(ana).get("/interviews").text
    upcoming, past = rows(html, "Upcoming"), rows(html, "Past")
    assert "Future Person" in upcoming
    assert "Coding" in upcoming
    assert "Past Person" in past
    assert "Design" in past
    assert "Past Person" not in upcoming
    assert "Not started" in past


def test_only_the_users_own_interviews_are_listed(make_user, make_application, make_interview,
                                                  sign_in):
    ana, ben = make_user(), make_user()
    make_interview(make_application("Ben's Candidate"), panel=[ben])
    make_interview(make_application("Ana's Candidate"), panel=[ana])
    html = sign_in(ana).get("/interviews").text
    assert "Ana&#39;s Candidate" in html
    assert "Ben&#39;s Candidate" not in html


@pytest.mark.parametrize(("status", "hours_ago", "shown"), [
    (ScorecardStatus.NOT_STARTED, 2, "Not started"),
    (ScorecardStatus.DRAFT, 2, "Draft"),
    (ScorecardStatus.DRAFT, 25, "Overdue"),
    (ScorecardStatus.NOT_STARTED, 25, "Overdue"),
])
def test_a_scorecard_not_submitted_a_day_after_its_interview_is_overdue(
        make_user, make_interview, sign_in, status, hours_ago, shown):
    ana = make_user()
    interview = make_interview(panel=[ana], when=NOW - timedelta(hours=hours_ago))
    interview.scorecards[0].status = status
    db.session.commit()
    past = rows(sign_in(ana).get("/interviews").text, "Past")
    assert f">{shown}</span>" in past


def test_a_submitted_scorecard_is_never_overdue(make_user, make_interview, sign_in, submit):
    ana = make_user()
    interview = make_interview(panel=[ana], when=NOW - timedelta(days=9))
    submit(interview.scorecards[0], {"code": 3})
    past = rows(sign_in(ana).get("/interviews").text, "Past")
    assert ">Submitted</span>" in past
    assert "Overdue" not in past


def test_the_overdue_window_is_a_setting(make_user, make_interview, sign_in, app):
    app.config["SCORECARD_OVERDUE_HOURS"] = 2
    ana = make_user()
    make_interview(panel=[ana], when=NOW - timedelta(hours=3))
    html = sign_in(ana).get("/interviews").text
    assert ">Overdue</span>" in rows(html, "Past")
    assert "overdue 2 hours after its interview" in html


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'href="([^"]*)" rel="{rel}"', html)
    return found[1].replace("&amp;", "&") if found else None


def test_past_interviews_are_paged_newest_first_by_key_ties_included(
        make_user, make_application, make_interview, sign_in, monkeypatch):
    monkeypatch.setattr("scorecards.interviews.views.PAGE_SIZE", 2)
    ana = make_user()
    same_time = NOW - timedelta(days=2)
    for name, when in [("One", NOW - timedelta(days=1)), ("Two", same_time),
                       ("Three", same_time), ("Four", NOW - timedelta(days=3))]:
        make_interview(make_application(f"Candidate {name}"), panel=[ana], when=when)
    client = sign_in(ana)
    first = client.get("/interviews").text
    assert _link(first, "prev") is None
    second = client.get(_link(first, "next")).text
    assert _link(second, "next") is None
    shown = [name for html in (first, second) for name in sorted(
        ("One", "Two", "Three", "Four"), key=lambda name: rows(html, "Past").find(name))
        if f"Candidate {name}" in rows(html, "Past")]
    # Newest first; the two at the same time in the order of their ids, each once.
    assert shown == ["One", "Three", "Two", "Four"]
    back = client.get(_link(second, "prev")).text
    assert rows(back, "Past") == rows(first, "Past")
    assert "Page 1 of" not in first  # nothing counts the whole list


def test_upcoming_interviews_are_the_soonest_few(make_user, make_application, make_interview,
                                                  sign_in, monkeypatch):
    monkeypatch.setattr("scorecards.interviews.views.PAGE_SIZE", 2)
    ana = make_user()
    for days in (3, 1, 2):
        make_interview(make_application(f"Candidate in {days} days"), panel=[ana],
                       when=NOW + timedelta(days=days))
    html = sign_in(ana).get("/interviews").text
    upcoming = rows(html, "Upcoming")
    assert upcoming.index("Candidate in 1 days") < upcoming.index("Candidate in 2 days")
    assert "Candidate in 3 days" not in upcoming
    assert "More interviews are scheduled after these." in html


@pytest.mark.parametrize("cursor", ["after=bm90IGEgY3Vyc29y", "before=%01", "after=bWluZTA"])
def test_a_cursor_the_list_never_gave_is_refused_with_a_message(make_user, sign_in, cursor):
    response = sign_in(make_user()).get(f"/interviews?{cursor}")
    assert response.status_code == 400
    assert "Start again from your latest interviews" in response.text


def test_the_list_needs_a_signed_in_user(client):
    assert client.get("/interviews").status_code == 302
