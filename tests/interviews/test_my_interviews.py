"""My interviews: upcoming and past, each with candidate, stage, time and scorecard state."""

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


def test_past_interviews_are_paged_newest_first(make_user, make_application, make_interview,
                                                sign_in, monkeypatch):
    monkeypatch.setattr("scorecards.interviews.views.PAST_PAGE_SIZE", 2)
    ana = make_user()
    for days in (1, 2, 3):
        make_interview(make_application(f"Candidate {days} days"), panel=[ana],
                       when=NOW - timedelta(days=days))
    client = sign_in(ana)
    first, second = client.get("/interviews").text, client.get("/interviews?page=2").text
    assert first.index("Candidate 1 days") < first.index("Candidate 2 days")
    assert "Candidate 3 days" not in first
    assert "Page 1 of 2" in first
    assert "Candidate 3 days" in second


def test_the_list_needs_a_signed_in_user(client):
    assert client.get("/interviews").status_code == 302
